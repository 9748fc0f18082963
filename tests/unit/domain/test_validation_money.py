"""The money of a draft is checked before the order is taken: discounts and payments."""

from __future__ import annotations

from dataclasses import replace

from orderbridge.domain.drafts import DraftLine, DraftPayment, OrderDraft
from orderbridge.domain.locations import LocationState, LocationStatus
from orderbridge.domain.order_details import Payment, PaymentStatus
from orderbridge.domain.order_money import Charge, ChargeKind, Discount
from orderbridge.domain.validation import (
    PricePolicy,
    ProblemCode,
    order_total,
    price_lines,
    settle_payment,
    validate_and_price,
    validate_order,
)

from .cafe import NOW, cafe_menu, draft, paid, uah

OPEN = LocationStatus(LocationState.OPEN)
# The default draft: latte 0.5 l with vanilla (9500) and two croissants (11000) = 20500.


def _problems(subject: OrderDraft, policy: PricePolicy = PricePolicy.MENU) -> list[tuple[str, str]]:
    found = validate_order(subject, menu=cafe_menu(), status=OPEN, now=NOW, policy=policy)
    return [(p.code.value, p.field) for p in found]


def test_paying_more_than_the_total_is_a_payment_mismatch() -> None:
    assert _problems(draft(payment=paid(20500))) == []
    assert _problems(draft(payment=paid(999900))) == [("payment_mismatch", "payment.amount")]


def test_charges_and_discounts_move_the_total_the_payment_is_checked_against() -> None:
    with_fee = replace(
        draft(payment=paid(25500)), charges=(Charge(ChargeKind.DELIVERY_FEE, uah(5000)),)
    )
    assert _problems(with_fee) == []
    discounted = replace(draft(payment=paid(20500)), discounts=(Discount(uah(500), code="HI"),))
    assert _problems(discounted) == [("payment_mismatch", "payment.amount")]


def test_a_line_discount_above_the_lines_price_is_refused_at_that_line() -> None:
    line = DraftLine("croissant", 2, discounts=(Discount(uah(11001)),))
    assert _problems(draft(line)) == [("invalid_discount", "items[0].discounts")]


def test_order_discounts_above_what_is_left_are_refused() -> None:
    subject = replace(draft(), discounts=(Discount(uah(20501)),))
    assert _problems(subject) == [("invalid_discount", "discounts")]


def test_strict_prices_need_the_payment_to_equal_the_total() -> None:
    assert _problems(draft(payment=paid(20000)), PricePolicy.STRICT) == [
        ("price_mismatch", "payment.amount")
    ]


def test_an_unpaid_order_without_an_amount_is_settled_at_the_hubs_total() -> None:
    subject = replace(draft(), payment=DraftPayment(PaymentStatus.UNPAID, "UAH"))
    assert _problems(subject) == []
    lines = price_lines(subject, cafe_menu())
    total = order_total(subject, lines, "UAH")
    assert total == uah(20500)
    assert settle_payment(subject, total) == Payment(PaymentStatus.UNPAID, uah(20500))


def test_a_payment_in_another_currency_is_still_a_currency_mismatch() -> None:
    subject = replace(draft(), payment=DraftPayment(PaymentStatus.UNPAID, "EUR"))
    assert _problems(subject) == [(ProblemCode.CURRENCY_MISMATCH.value, "payment.currency")]


def test_priced_lines_keep_their_discounts() -> None:
    line = DraftLine("croissant", 2, discounts=(Discount(uah(1000), "staff"),))
    [priced] = price_lines(draft(line), cafe_menu())
    assert (priced.total, priced.discount, priced.net_total) == (uah(11000), uah(1000), uah(10000))


def test_validating_answers_the_lines_it_priced_as_pricing_the_draft_would() -> None:
    # Placing builds its order from these lines instead of pricing the draft again.
    with_line_discount = draft(
        DraftLine("croissant", 2, discounts=(Discount(uah(1000), "day-old"),)), payment=paid(100)
    )
    for subject in (draft(), draft(payment=paid(20500)), with_line_discount):
        problems, lines = validate_and_price(subject, menu=cafe_menu(), status=OPEN, now=NOW)
        assert problems == [] and lines == price_lines(subject, cafe_menu())
    unknown = draft(DraftLine("no-such-item", 1))
    problems, lines = validate_and_price(unknown, menu=cafe_menu(), status=OPEN, now=NOW)
    assert problems and lines is None
    too_much_off = draft(DraftLine("croissant", 2, discounts=(Discount(uah(11001)),)))
    assert validate_and_price(too_much_off, menu=cafe_menu(), status=OPEN, now=NOW)[1] is None
