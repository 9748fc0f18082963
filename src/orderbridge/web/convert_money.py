"""An order's money between the wire and the domain: payments, discounts, charges, totals.

An unpaid order may leave out the amount (and the currency): the draft then carries a
:class:`~orderbridge.domain.drafts.DraftPayment`, and the hub settles it at the total
it computes. Amounts are minor units of the location's currency.
"""

from __future__ import annotations

from datetime import datetime

from orderbridge.domain.drafts import DraftPayment
from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.money import Money
from orderbridge.domain.order_details import Payment, PaymentStatus
from orderbridge.domain.order_money import Charge, Discount
from orderbridge.domain.orders import Order
from orderbridge.web.schemas.orders import (
    ChargeIn,
    ChargeOut,
    DiscountIn,
    DiscountOut,
    PaymentIn,
    TotalsOut,
)


def payment_in(body: PaymentIn | None, currency: str) -> Payment | DraftPayment | None:
    """The draft's payment; ``currency`` (the location's) stands in when none is named."""
    if body is None:
        return None
    named = body.currency or currency
    if body.amount is None:
        if body.status is PaymentStatus.PAID:
            raise InvalidValueError(
                "a paid order must say how much was paid",
                field="payment.amount",
                code="amount_required",
            )
        return DraftPayment(body.status, named)
    return Payment(body.status, Money(body.amount, named))


def discounts_in(bodies: list[DiscountIn], currency: str, field: str) -> tuple[Discount, ...]:
    """Discounts in ``currency``; a bad one names its place (``items[0].discounts[1]``)."""
    found = []
    for index, body in enumerate(bodies):
        try:
            found.append(Discount(Money(body.amount, currency), body.reason, body.code))
        except InvalidValueError as exc:
            raise InvalidValueError(exc.message, field=f"{field}[{index}]", code=exc.code) from None
    return tuple(found)


def charges_in(bodies: list[ChargeIn], currency: str) -> tuple[Charge, ...]:
    """Charges in ``currency``."""
    return tuple(Charge(body.type, Money(body.amount, currency), body.name) for body in bodies)


def discounts_out(discounts: tuple[Discount, ...]) -> list[DiscountOut]:
    return [DiscountOut(amount=d.amount.amount, reason=d.reason, code=d.code) for d in discounts]


def charges_out(order: Order) -> list[ChargeOut]:
    return [ChargeOut(type=c.kind, amount=c.amount.amount, name=c.label) for c in order.charges]


def totals_out(order: Order) -> TotalsOut:
    """The hub's totals: subtotal − discounts + charges = total; paid; due."""
    totals = order.totals
    return TotalsOut(
        subtotal=totals.subtotal.amount,
        discounts=totals.discounts.amount,
        charges=totals.charges.amount,
        total=totals.total.amount,
        paid=totals.paid.amount,
        due=totals.due.amount,
        currency=order.currency,
    )


def stored_moment(order: Order, ref: str) -> datetime | None:
    """A moment the hub kept in the order's refs (``promised_at``, ``release_at``)."""
    value = order.external_refs.get(ref)
    return datetime.fromisoformat(value) if value else None
