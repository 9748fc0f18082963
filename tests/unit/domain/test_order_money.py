"""Money that adds up: discounts, charges, totals, and exact splits for the POS."""

from __future__ import annotations

import dataclasses

import pytest

from orderbridge.domain.errors import CurrencyMismatchError, InvalidValueError
from orderbridge.domain.money import Money
from orderbridge.domain.order_money import (
    Charge,
    ChargeKind,
    Discount,
    allocate,
    split_unit_prices,
)
from orderbridge.domain.orders import (
    LineModifier,
    Order,
    OrderKey,
    OrderLine,
    Payment,
    PaymentStatus,
)

from .cafe import LOCATION_ID, NOW, customer, pickup, uah


def _order(
    *lines: OrderLine,
    discounts: tuple[Discount, ...] = (),
    charges: tuple[Charge, ...] = (),
    payment: Payment | None = None,
) -> Order:
    return Order(
        id="ord-m",
        key=OrderKey("storefront", "m-1"),
        location_id=LOCATION_ID,
        lines=lines or (OrderLine("pizza", 2, uah(20000)), OrderLine("tea", 1, uah(5000))),
        customer=customer(),
        fulfilment=pickup(),
        created_at=NOW,
        payment=payment,
        discounts=discounts,
        charges=charges,
    )


def test_totals_add_lines_take_discounts_and_add_charges() -> None:
    order = _order(
        OrderLine("pizza", 2, uah(20000), discounts=(Discount(uah(4000), "second half off"),)),
        OrderLine("tea", 1, uah(5000)),
        discounts=(Discount(uah(1000), code="HELLO"),),
        charges=(Charge(ChargeKind.DELIVERY_FEE, uah(5000)), Charge(ChargeKind.TIP, uah(2000))),
        payment=Payment(PaymentStatus.PAID, uah(30000)),
    )
    totals = order.totals
    assert (totals.subtotal, totals.discounts, totals.charges) == (uah(45000), uah(5000), uah(7000))
    assert totals.total == uah(47000)  # 45000 − 5000 + 7000
    assert (totals.paid, totals.due) == (uah(30000), uah(17000))
    assert totals.item_count == 3


def test_totals_are_computed_once_and_kept_while_their_inputs_stay() -> None:
    order = _order()
    first = order.totals
    assert order.totals is first  # kept: asked again, the same value, not a new sum


def test_totals_follow_an_order_given_new_money() -> None:
    # The kept totals belong to the very objects they were computed from: an order
    # given another payment, other lines, discounts or charges adds up afresh.
    order = _order()
    assert (order.totals.total, order.totals.paid) == (uah(45000), uah(0))
    order.payment = Payment(PaymentStatus.PAID, uah(10000))
    assert (order.totals.paid, order.totals.due) == (uah(10000), uah(35000))
    order.lines = (OrderLine("tea", 3, uah(5000)),)
    assert order.totals.total == uah(15000)
    order.discounts = (Discount(uah(1000)),)
    assert order.totals.total == uah(14000)
    order.charges = (Charge(ChargeKind.TIP, uah(500)),)
    assert (order.totals.total, order.totals.due) == (uah(14500), uah(4500))


def test_a_lines_sums_are_worked_out_when_it_is_made_and_follow_a_replaced_line() -> None:
    # A line keeps its unit total, total and discount from when it was made; a line
    # replaced (``dataclasses.replace``) is made anew, so its sums are its own.
    line = OrderLine(
        "latte",
        2,
        uah(6000),
        modifiers=(LineModifier("vanilla", 2, uah(1500)),),
        discounts=(Discount(uah(1000), "loyalty"),),
    )
    assert (line.unit_total, line.total, line.discount, line.net_total) == (
        uah(9000),
        uah(18000),
        uah(1000),
        uah(17000),
    )
    assert line.net_total is line.net_total  # kept, not worked out again
    more = dataclasses.replace(line, quantity=3, discounts=())
    assert (more.total, more.discount, more.net_total) == (uah(27000), uah(0), uah(27000))
    assert more != line and dataclasses.replace(more, quantity=2, discounts=line.discounts) == line
    assert "_total" not in repr(line)


def test_an_overpaid_order_owes_nothing_rather_than_a_negative_amount() -> None:
    totals = _order(payment=Payment(PaymentStatus.PAID, uah(99999))).totals
    assert totals.due == uah(0)


def test_an_unpaid_payment_counts_as_nothing_paid() -> None:
    totals = _order(payment=Payment(PaymentStatus.UNPAID, uah(45000))).totals
    assert (totals.paid, totals.due) == (uah(0), uah(45000))


def test_discounts_cannot_exceed_what_the_lines_cost() -> None:
    with pytest.raises(InvalidValueError) as refused:
        _order(discounts=(Discount(uah(45001)),))
    assert (refused.value.code, refused.value.field) == ("invalid_discount", "discounts")
    with pytest.raises(InvalidValueError) as line:
        OrderLine("tea", 1, uah(5000), discounts=(Discount(uah(5001)),))
    assert line.value.code == "invalid_discount"


def test_a_discount_is_positive_and_a_charge_not_negative() -> None:
    with pytest.raises(InvalidValueError):
        Discount(uah(0))
    with pytest.raises(InvalidValueError):
        Charge(ChargeKind.TIP, uah(-1))
    assert Charge(ChargeKind.PACKAGING, uah(0)).label == "Packaging"


def test_discounts_and_charges_must_be_in_the_orders_currency() -> None:
    with pytest.raises(CurrencyMismatchError):
        _order(charges=(Charge(ChargeKind.TIP, Money(100, "EUR")),))
    with pytest.raises(CurrencyMismatchError):
        OrderLine("tea", 1, uah(5000), discounts=(Discount(Money(100, "EUR")),))


def test_a_discount_describes_itself_for_the_cashier() -> None:
    assert (
        Discount(uah(2000), "happy hour", "SUMMER").describe() == "-20.00 UAH (SUMMER, happy hour)"
    )
    assert Discount(uah(150)).describe() == "-1.50 UAH"


@pytest.mark.parametrize(
    ("amount", "weights", "expected"),
    [
        (100, [200, 100], [67, 33]),
        (100, [100, 100, 100], [34, 33, 33]),
        (0, [500, 500], [0, 0]),
        (1000, [1000], [1000]),
        (7, [0, 0], [0, 0]),
    ],
)
def test_allocate_splits_exactly_in_proportion(
    amount: int, weights: list[int], expected: list[int]
) -> None:
    parts = allocate(uah(amount), [uah(w) for w in weights])
    assert [p.amount for p in parts] == expected
    if any(weights):
        assert sum(p.amount for p in parts) == amount


@pytest.mark.parametrize(
    ("net", "quantity", "expected"),
    [(250, 3, [(2, 83), (1, 84)]), (300, 3, [(3, 100)]), (1, 2, [(1, 0), (1, 1)])],
)
def test_split_unit_prices_adds_up_to_the_net_amount(
    net: int, quantity: int, expected: list[tuple[int, int]]
) -> None:
    parts = split_unit_prices(uah(net), quantity)
    assert [(n, price.amount) for n, price in parts] == expected
    assert sum(n * price.amount for n, price in parts) == net
