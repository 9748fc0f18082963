"""Pure conversions between the storefront's wire models and the domain.

Inbound, a validated body becomes domain values: amounts become :class:`Money` in the
location's currency, phones become E.164 (national numbers read in the location's
region), and anything the domain refuses raises its :class:`DomainError` with the
wire path of the bad field (``customer.phone``, ``fulfillment.address``), which the
error handlers answer as a 422. Outbound, aggregates become ``*Out`` models.

Menus are in ``convert_menu`` and locations in ``convert_locations``; everything is
importable from here. Nothing here reads a clock, a database or the network: the moment of a menu's
availability, an order's last update or a reservation's arrival is always passed in.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from orderbridge.domain.customers import Customer, is_e164
from orderbridge.domain.drafts import DraftLine, DraftModifier, OrderDraft
from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.domain.money import Money
from orderbridge.domain.order_details import Address, Fulfilment
from orderbridge.domain.orders import Order, OrderKey, OrderLine
from orderbridge.domain.reservations import Reservation, ReservationKey
from orderbridge.web.contacts import DEFAULT_PHONE_REGION, normalize_phone
from orderbridge.web.convert_locations import apply_location_status, location_to_out
from orderbridge.web.convert_menu import menu_to_out
from orderbridge.web.convert_money import (
    charges_in,
    charges_out,
    discounts_in,
    discounts_out,
    payment_in,
    stored_moment,
    totals_out,
)
from orderbridge.web.schemas import (
    AddressIn,
    AddressOut,
    CustomerIn,
    CustomerOut,
    FulfillmentIn,
    FulfillmentOut,
    LineIn,
    LineOut,
    ModifierOut,
    OrderIn,
    OrderOut,
    PaymentOut,
    ReservationIn,
    ReservationOut,
    TimelineEntryOut,
)

__all__ = [
    "apply_location_status",
    "customer_in_to_domain",
    "location_to_out",
    "menu_to_out",
    "order_in_to_draft",
    "order_to_out",
    "reservation_in_to_reservation",
    "reservation_to_out",
]


def customer_in_to_domain(
    body: CustomerIn, *, region: str = DEFAULT_PHONE_REGION, field: str = "customer"
) -> Customer:
    """The domain customer, with the phone in E.164 (a national number read in ``region``).

    Raises :class:`InvalidValueError` (code ``invalid_phone``, field ``customer.phone``)
    for a number that is not valid in ``region``.
    """
    phone = None
    if body.phone and is_e164(body.phone):
        # What ``CustomerIn`` makes of an international number it checked: kept as is.
        phone = body.phone
    elif body.phone:
        try:
            phone = normalize_phone(body.phone, region)
        except ValueError as exc:
            raise InvalidValueError(
                str(exc), field=f"{field}.phone", code="invalid_phone"
            ) from None
    return Customer(name=body.name, phone=phone, email=body.email)


def order_in_to_draft(
    body: OrderIn, *, channel: str, currency: str, default_region: str = DEFAULT_PHONE_REGION
) -> OrderDraft:
    """The domain draft of an order body from ``channel``; client prices are in ``currency``.

    ``currency`` is the location's; the payment keeps the currency it names, and
    ``validate_order`` refuses it if it is not the menu's. ``default_region`` is the
    location's country, for phones given in national form.
    """
    return OrderDraft(
        key=OrderKey(channel=channel, channel_order_id=body.channel_order_id),
        location_id=body.location_id,
        items=tuple(_draft_line(line, currency, n) for n, line in enumerate(body.items)),
        customer=customer_in_to_domain(body.customer, region=default_region),
        fulfilment=_fulfilment(body.fulfillment),
        payment=payment_in(body.payment, currency),
        note=body.note,
        discounts=discounts_in(body.discounts, currency, "discounts"),
        charges=charges_in(body.charges, currency),
    )


def _draft_line(line: LineIn, currency: str, index: int) -> DraftLine:
    return DraftLine(
        item_id=line.item_id,
        quantity=line.quantity,
        variant_id=line.variant_id,
        modifiers=tuple(
            DraftModifier(
                modifier_id=m.modifier_id,
                quantity=m.quantity,
                unit_price=None if m.price is None else Money(m.price, currency),
            )
            for m in line.modifiers
        ),
        note=line.note,
        unit_price=None if line.price is None else Money(line.price, currency),
        discounts=discounts_in(line.discounts, currency, f"items[{index}].discounts"),
    )


def _fulfilment(body: FulfillmentIn) -> Fulfilment:
    # The domain checks awareness too; this catches a body built without validation.
    return Fulfilment(
        type=body.type,
        time=body.time,
        address=_address(body.address) if body.address is not None else None,
        table=body.table,
    )


def _address(body: AddressIn) -> Address:
    # The domain's address has no comment field; the courier reads line2, so it goes there.
    line2 = "; ".join(part for part in (body.line2, body.comment) if part)
    return Address(
        line1=body.line1,
        city=body.city,
        line2=line2,
        postcode=body.postcode,
        lat=body.lat,
        lng=body.lng,
    )


def order_to_out(order: Order, *, updated_at: datetime | None = None) -> OrderOut:
    """The storefront view of ``order``; ``updated_at`` defaults to its latest timeline entry."""
    fulfilment = order.fulfilment
    address = fulfilment.address
    return OrderOut(
        id=order.id,
        status=order.status,
        location_id=order.location_id,
        channel=order.key.channel,
        channel_order_id=order.key.channel_order_id,
        created_at=order.created_at,
        updated_at=updated_at or _last_change(order.timeline, order.created_at),
        items=[_line_out(line) for line in order.lines],
        customer=_customer_out(order.customer),
        fulfillment=FulfillmentOut(
            type=fulfilment.type,
            time=fulfilment.time,
            address=(
                AddressOut(
                    line1=address.line1,
                    line2=address.line2,
                    city=address.city,
                    postcode=address.postcode,
                    lat=address.lat,
                    lng=address.lng,
                )
                if address is not None
                else None
            ),
            table=fulfilment.table,
            promised_at=stored_moment(order, "promised_at"),
            send_at=stored_moment(order, "release_at"),
        ),
        payment=(
            PaymentOut(
                status=order.payment.status,
                amount=order.payment.amount.amount,
                currency=order.payment.amount.currency,
            )
            if order.payment is not None
            else None
        ),
        note=order.note,
        totals=totals_out(order),
        timeline=_timeline_out(order.timeline),
        discounts=discounts_out(order.discounts),
        charges=charges_out(order),
    )


def _line_out(line: OrderLine) -> LineOut:
    return LineOut(
        item_id=line.item_id,
        variant_id=line.variant_id,
        name=line.name,
        quantity=line.quantity,
        unit_price=line.unit_price.amount,
        modifiers=[
            ModifierOut(
                modifier_id=m.modifier_id,
                group_id=m.group_id,
                name=m.name,
                quantity=m.quantity,
                unit_price=m.unit_price.amount,
            )
            for m in line.modifiers
        ],
        note=line.note,
        total=line.total.amount,
        discounts=discounts_out(line.discounts),
    )


def _customer_out(customer: Customer) -> CustomerOut:
    return CustomerOut(name=customer.name, phone=customer.phone, email=customer.email)


def _timeline_out(timeline: tuple[TimelineEntry, ...]) -> list[TimelineEntryOut]:
    return [
        TimelineEntryOut(at=e.at, status=e.status, event=e.event, detail=e.detail) for e in timeline
    ]


def _last_change(timeline: tuple[TimelineEntry, ...], created_at: datetime) -> datetime:
    return max((entry.at for entry in timeline), default=created_at)


def reservation_in_to_reservation(
    body: ReservationIn,
    *,
    channel: str,
    id: str,
    at: datetime,
    default_region: str = DEFAULT_PHONE_REGION,
) -> Reservation:
    """A new ``received`` reservation from ``body``, arrived from ``channel`` at ``at``.

    Unlike an order, a reservation is not checked against a menu, so there is no
    draft step: the route (or service) picks the ``id`` and stores what this returns,
    including its ``ReservationReceived`` event.
    """
    return Reservation.receive(
        id=id,
        key=ReservationKey(channel=channel, channel_reservation_id=body.channel_reservation_id),
        location_id=body.location_id,
        time=body.time,
        duration=timedelta(minutes=body.duration_minutes),
        guests=body.guests,
        customer=customer_in_to_domain(body.customer, region=default_region),
        at=at,
        table=body.table_id,
        note=body.note,
    )


def reservation_to_out(
    reservation: Reservation, *, updated_at: datetime | None = None
) -> ReservationOut:
    """The storefront view of ``reservation``; ``updated_at`` defaults to its latest entry."""
    return ReservationOut(
        id=reservation.id,
        status=reservation.status,
        location_id=reservation.location_id,
        channel=reservation.key.channel,
        channel_reservation_id=reservation.key.channel_reservation_id,
        time=reservation.time,
        duration_minutes=int(reservation.duration.total_seconds() // 60),
        guests=reservation.guests,
        table_id=reservation.table,
        customer=_customer_out(reservation.customer),
        note=reservation.note,
        created_at=reservation.created_at,
        updated_at=updated_at or _last_change(reservation.timeline, reservation.created_at),
        timeline=_timeline_out(reservation.timeline),
    )
