"""What the POS would refuse, found before the 201 (``domain.location_options``)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from orderbridge.domain.customers import Customer
from orderbridge.domain.drafts import DraftPayment
from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.location_options import (
    OrderingOptions,
    PosFacts,
    Requirement,
    TableInfo,
    check_requirements,
    check_reservation_needs,
)
from orderbridge.domain.order_details import Fulfilment, FulfilmentType, PaymentStatus

from .cafe import draft, paid

POSTER = PosFacts(
    currency="UAH",
    storages=("1",),
    tables=(TableInfo("7", "Window", 2), TableInfo("8", "Terrace", 6)),
    requires_phone=True,
    requires_table=True,
)


def _codes(found: list[Requirement]) -> list[tuple[str, str]]:
    return [(r.code, r.field) for r in found]


def test_a_complete_order_needs_nothing_more() -> None:
    assert check_requirements(draft(payment=paid(20500)), POSTER, currency="UAH") == []


def test_a_phone_is_needed_when_the_pos_needs_one() -> None:
    nameless = replace(draft(), customer=Customer(name="Олена"))
    assert _codes(check_requirements(nameless, POSTER, currency="UAH")) == [
        ("phone_required", "customer.phone")
    ]
    assert check_requirements(nameless, PosFacts(), currency="UAH") == []


def test_a_dine_in_table_is_taken_as_the_guest_says_it() -> None:
    """Poster's incoming order has no table: the number goes to the cashier's comment."""
    at_table_9 = replace(draft(), fulfilment=Fulfilment(FulfilmentType.DINE_IN, table="9"))
    assert check_requirements(at_table_9, POSTER, currency="UAH") == []


def test_the_pos_currency_must_be_the_orders() -> None:
    euro_pos = replace(POSTER, currency="EUR")
    assert _codes(check_requirements(draft(payment=paid(1)), euro_pos, currency="UAH")) == [
        ("currency_mismatch", "payment.currency")
    ]
    assert _codes(check_requirements(draft(), euro_pos, currency="UAH")) == [
        ("currency_mismatch", "location_id")
    ]
    unpaid = replace(draft(), payment=DraftPayment(PaymentStatus.UNPAID, "UAH"))
    assert check_requirements(unpaid, POSTER, currency="UAH") == []


def test_a_reservation_needs_a_known_table_with_seats_enough_and_a_phone() -> None:
    def needs(
        table: str | None, guests: int = 2, phone: str | None = "+380671234567"
    ) -> list[tuple[str, str]]:
        return _codes(
            check_reservation_needs(table=table, guests=guests, phone=phone, facts=POSTER)
        )

    assert needs("7") == []
    assert needs(None) == [("table_required", "table_id")]
    assert needs("99") == [("unknown_table", "table_id")]
    assert needs("7", guests=3) == [("table_too_small", "guests")]
    assert needs("8", phone=None) == [("phone_required", "customer.phone")]


def test_ordering_options_are_bounded() -> None:
    with pytest.raises(InvalidValueError):
        OrderingOptions(auto_busy_threshold=-1)
    with pytest.raises(InvalidValueError):
        OrderingOptions(auto_busy_minutes=0)
    assert OrderingOptions().auto_busy_threshold is None  # off by default


def test_a_paid_draft_payment_needs_an_amount() -> None:
    with pytest.raises(InvalidValueError) as refused:
        DraftPayment(PaymentStatus.PAID, "UAH")
    assert (refused.value.code, refused.value.field) == ("amount_required", "payment.amount")
