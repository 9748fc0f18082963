from dataclasses import replace
from datetime import timedelta

import pytest

from orderbridge.domain.drafts import DraftLine, DraftModifier
from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.locations import LocationState, LocationStatus
from orderbridge.domain.menu import Availability, Category, Menu
from orderbridge.domain.money import Money
from orderbridge.domain.orders import Payment, PaymentStatus
from orderbridge.domain.validation import (
    MAX_LINE_QUANTITY,
    MAX_LINES,
    MAX_MODIFIER_QUANTITY,
    MIN_LINE_QUANTITY,
    PricePolicy,
    ValidationProblem,
    price_lines,
    validate_order,
)

from .cafe import NOW, burger, cafe_menu, croissant, draft, latte, paid, uah

OPEN = LocationStatus(LocationState.OPEN)
BURGER_MEDIUM = DraftLine("burger", 1, modifiers=(DraftModifier("medium"),))


def problems(
    *lines: DraftLine,
    menu: Menu | None = None,
    status: LocationStatus = OPEN,
    policy: PricePolicy = PricePolicy.MENU,
    payment: Payment | None = None,
) -> list[tuple[str, str]]:
    found = validate_order(
        draft(*lines, payment=payment),
        menu=menu or cafe_menu(),
        status=status,
        now=NOW,
        policy=policy,
    )
    return [(p.code, p.field) for p in found]


def test_a_good_order_has_no_problems() -> None:
    assert problems() == []
    assert problems(BURGER_MEDIUM, payment=paid(19000), policy=PricePolicy.STRICT) == []


def test_the_limits_are_named_constants() -> None:
    assert (MIN_LINE_QUANTITY, MAX_LINE_QUANTITY, MAX_MODIFIER_QUANTITY, MAX_LINES) == (
        1,
        99,
        99,
        200,
    )


def test_unknown_item() -> None:
    assert problems(DraftLine("croissant", 1), DraftLine("espresso", 1)) == [
        ("unknown_item", "items[1].item_id")
    ]


def test_unknown_variant() -> None:
    assert problems(DraftLine("latte", 1, "latte-xl")) == [
        ("unknown_variant", "items[0].variant_id")
    ]
    assert problems(DraftLine("croissant", 1, "big")) == [
        ("unknown_variant", "items[0].variant_id")
    ]


def test_an_item_with_variants_needs_one() -> None:
    assert problems(DraftLine("latte", 1)) == [("variant_required", "items[0].variant_id")]


def test_unknown_modifier_points_at_its_position() -> None:
    line = DraftLine("latte", 1, "latte-s", (DraftModifier("vanilla"), DraftModifier("cheese")))
    assert problems(line) == [("unknown_modifier", "items[0].modifiers[1].modifier_id")]


def test_modifier_min() -> None:
    assert problems(DraftLine("burger", 1)) == [("modifier_min", "items[0].modifiers")]


def test_modifier_max_counts_quantities() -> None:
    two = (DraftModifier("medium"), DraftModifier("well-done"))
    assert problems(DraftLine("burger", 1, modifiers=two)) == [
        ("modifier_max", "items[0].modifiers")
    ]
    syrups = (DraftModifier("vanilla", 2), DraftModifier("caramel"))
    assert problems(DraftLine("latte", 1, "latte-l", syrups)) == [
        ("modifier_max", "items[0].modifiers")
    ]


def test_unavailable_item_variant_and_modifier() -> None:
    sold_out = replace(croissant(), availability=Availability(in_stock=False))
    assert problems(DraftLine("croissant", 1), menu=cafe_menu(food=(burger(), sold_out))) == [
        ("item_unavailable", "items[0].item_id")
    ]
    small_gone = replace(latte().variants[0], availability=Availability(visible=False))
    coffee = replace(latte(), variants=(small_gone, latte().variants[1]))
    assert problems(DraftLine("latte", 1, "latte-s"), menu=cafe_menu(coffee=(coffee,))) == [
        ("item_unavailable", "items[0].variant_id")
    ]
    with_bacon = DraftLine("burger", 1, modifiers=(DraftModifier("medium"), DraftModifier("bacon")))
    assert problems(with_bacon) == [("item_unavailable", "items[0].modifiers[1].modifier_id")]


def test_a_snoozed_item_is_unavailable_until_the_snooze_ends() -> None:
    snoozed = replace(
        croissant(), availability=Availability(snoozed_until=NOW + timedelta(hours=1))
    )
    assert problems(DraftLine("croissant", 1), menu=cafe_menu(food=(snoozed,))) == [
        ("item_unavailable", "items[0].item_id")
    ]
    woke = replace(croissant(), availability=Availability(snoozed_until=NOW))
    assert problems(DraftLine("croissant", 1), menu=cafe_menu(food=(woke,))) == []


def test_an_item_in_a_hidden_category_is_unavailable() -> None:
    menu = cafe_menu()
    hidden = replace(
        menu, categories=(menu.categories[0], replace(menu.categories[1], visible=False))
    )
    assert problems(DraftLine("croissant", 1), menu=hidden) == [
        ("item_unavailable", "items[0].item_id")
    ]


def test_location_paused_and_closed() -> None:
    paused = LocationStatus(LocationState.PAUSED, NOW + timedelta(hours=1), "kitchen overloaded")
    assert problems(status=paused) == [("location_paused", "location_id")]
    assert problems(status=LocationStatus(LocationState.CLOSED)) == [
        ("location_closed", "location_id")
    ]


def test_a_paused_location_explains_itself() -> None:
    paused = LocationStatus(LocationState.PAUSED, NOW + timedelta(hours=1), "kitchen overloaded")
    [problem] = validate_order(draft(), menu=cafe_menu(), status=paused, now=NOW)
    assert "kitchen overloaded" in problem.message
    assert "2026-11-22T11:00:00+00:00" in problem.message


def test_a_menu_for_another_location() -> None:
    assert problems(menu=replace(cafe_menu(), location_id="lviv")) == [
        ("unknown_location", "location_id")
    ]


@pytest.mark.parametrize("quantity", [0, -1, MAX_LINE_QUANTITY + 1])
def test_line_quantity_out_of_range(quantity: int) -> None:
    assert problems(DraftLine("croissant", quantity)) == [
        ("quantity_out_of_range", "items[0].quantity")
    ]


def test_line_quantity_limits_are_inclusive() -> None:
    assert problems(DraftLine("croissant", MIN_LINE_QUANTITY)) == []
    assert problems(DraftLine("croissant", MAX_LINE_QUANTITY)) == []


@pytest.mark.parametrize("quantity", [0, MAX_MODIFIER_QUANTITY + 1])
def test_modifier_quantity_out_of_range(quantity: int) -> None:
    line = DraftLine(
        "burger", 1, modifiers=(DraftModifier("medium"), DraftModifier("cheese", quantity))
    )
    found = problems(line)
    assert ("quantity_out_of_range", "items[0].modifiers[1].quantity") in found


def test_an_order_has_between_one_and_max_lines() -> None:
    found = validate_order(replace(draft(), items=()), menu=cafe_menu(), status=OPEN, now=NOW)
    assert [(p.code, p.field) for p in found] == [("quantity_out_of_range", "items")]
    assert problems(*[DraftLine("croissant", 1)] * MAX_LINES) == []
    assert problems(*[DraftLine("croissant", 1)] * (MAX_LINES + 1)) == [
        ("quantity_out_of_range", "items")
    ]


def test_menu_policy_ignores_the_channels_prices() -> None:
    line = DraftLine("croissant", 1, unit_price=uah(1))
    assert problems(line, payment=paid(1)) == []
    assert price_lines(draft(line), cafe_menu())[0].unit_price == uah(5500)


def test_strict_policy_refuses_a_wrong_item_or_variant_price() -> None:
    assert problems(DraftLine("croissant", 1, unit_price=uah(5000)), policy=PricePolicy.STRICT) == [
        ("price_mismatch", "items[0].price")
    ]
    wrong_size = DraftLine("latte", 1, "latte-l", unit_price=uah(6500))
    assert problems(wrong_size, policy=PricePolicy.STRICT) == [("price_mismatch", "items[0].price")]


def test_strict_policy_refuses_a_wrong_modifier_price() -> None:
    line = DraftLine("latte", 1, "latte-l", (DraftModifier("vanilla", unit_price=uah(1000)),))
    assert problems(line, policy=PricePolicy.STRICT) == [
        ("price_mismatch", "items[0].modifiers[0].price")
    ]


def test_strict_policy_accepts_matching_or_absent_prices() -> None:
    line = DraftLine("latte", 2, "latte-l", (DraftModifier("vanilla", unit_price=uah(1500)),))
    assert problems(replace(line, unit_price=uah(8000)), policy=PricePolicy.STRICT) == []
    assert problems(line, policy=PricePolicy.STRICT) == []


def test_strict_policy_refuses_a_prepayment_that_is_not_the_total() -> None:
    assert problems(DraftLine("croissant", 2), payment=paid(11000), policy=PricePolicy.STRICT) == []
    assert problems(DraftLine("croissant", 2), payment=paid(10000), policy=PricePolicy.STRICT) == [
        ("price_mismatch", "payment.amount")
    ]
    unpaid = Payment(PaymentStatus.UNPAID, uah(1))
    assert problems(DraftLine("croissant", 2), payment=unpaid, policy=PricePolicy.STRICT) == []


def test_currency_mismatch_on_payment_and_on_a_strict_price() -> None:
    euros = Payment(PaymentStatus.PAID, Money(1100, "EUR"))
    assert problems(payment=euros) == [("currency_mismatch", "payment.currency")]
    line = DraftLine("croissant", 1, unit_price=Money(5500, "EUR"))
    assert problems(line, policy=PricePolicy.STRICT) == [("currency_mismatch", "items[0].price")]


def test_every_problem_is_reported_in_input_order() -> None:
    found = problems(
        DraftLine("espresso", 1),
        DraftLine("croissant", 0),
        DraftLine("burger", 1),
        status=LocationStatus(LocationState.CLOSED),
    )
    assert found == [
        ("location_closed", "location_id"),
        ("unknown_item", "items[0].item_id"),
        ("quantity_out_of_range", "items[1].quantity"),
        ("modifier_min", "items[2].modifiers"),
    ]


def test_problems_carry_a_message_for_people() -> None:
    [problem] = validate_order(
        draft(DraftLine("burger", 1)), menu=cafe_menu(), status=OPEN, now=NOW
    )
    assert problem == ValidationProblem(
        problem.code, "choose at least 1 in 'Прожарка', got 0", "items[0].modifiers"
    )
    assert problem.code == "modifier_min"


def test_price_lines_prices_from_the_menu() -> None:
    lines = price_lines(draft(), cafe_menu())
    latte_line, croissant_line = lines
    assert latte_line.name == "Латте, 0.5 л"
    assert latte_line.unit_price == uah(8000)
    assert latte_line.modifiers[0].group_id == "syrup"
    assert latte_line.total == uah(9500)
    assert croissant_line.total == uah(11000)


def test_price_lines_falls_back_to_the_channels_prices_for_unknown_things() -> None:
    line = DraftLine(
        "espresso",
        1,
        unit_price=uah(4500),
        name="Еспресо",
        modifiers=(DraftModifier("oat-milk", unit_price=uah(1000), name="Вівсяне"),),
    )
    [priced] = price_lines(draft(line), cafe_menu())
    assert (priced.name, priced.total) == ("Еспресо", uah(5500))
    assert priced.modifiers[0].group_id is None


def test_price_lines_refuses_what_nobody_priced() -> None:
    with pytest.raises(InvalidValueError) as no_item:
        price_lines(draft(DraftLine("espresso", 1)), cafe_menu())
    assert no_item.value.field == "items[0].item_id"
    with pytest.raises(InvalidValueError) as no_modifier:
        price_lines(
            draft(DraftLine("croissant", 1, modifiers=(DraftModifier("jam"),))), cafe_menu()
        )
    assert no_modifier.value.field == "items[0].modifiers[0].modifier_id"


def test_an_empty_menu_knows_nothing() -> None:
    empty = Menu("kyiv-podil", "UAH", (Category("coffee", "Кава"),))
    assert problems(DraftLine("latte", 1), menu=empty) == [("unknown_item", "items[0].item_id")]
