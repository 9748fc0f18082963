"""Canonical orders and reservations → Poster request bodies; Poster states → the hub's.

The money of an order (line prices, discounts, charges, the payment) is
``mapping_money``'s; this module puts the body together.

Pure functions, no I/O. An order line's ids are Poster's ids as text (``mapping`` builds
the menu that way), so ``item_id`` is the ``product_id``, ``variant_id`` the
``modificator_id`` and a modifier id the dish modification ``m``. An id that is not a
Poster id fails the order with ``unmapped_item`` instead of sending half of it.

Every order and reservation carries the hub's idempotency marker ``[ob:<key>]`` in its
``comment``: after an ambiguous failure the connector finds it again among the
application's own incoming orders instead of creating it twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from orderbridge.connectors.poster.mapping_money import poster_check, poster_id
from orderbridge.connectors.poster.schemas import PosterIncomingOrder, PosterTransaction
from orderbridge.connectors.poster.settings import PosterPricePolicy
from orderbridge.domain.customers import Customer
from orderbridge.domain.order_money import ChargeKind
from orderbridge.domain.orders import FulfilmentType, Order, PaymentStatus
from orderbridge.domain.reservations import Reservation
from orderbridge.ports import PermanentError, PosOrderRef, PosOrderState

POSTER_TIME = "%Y-%m-%d %H:%M:%S"
MIN_RESERVATION_SECONDS = 1800  # the reference: "must be at least 1800 seconds"
SERVICE_MODES = {FulfilmentType.DINE_IN: 1, FulfilmentType.PICKUP: 2, FulfilmentType.DELIVERY: 3}
_SAFE_KEY = re.compile(r"[\w:.@/+-]{1,120}")


def marker(key: str) -> str:
    """``[ob:<key>]``; a key with characters a comment might mangle is hashed instead."""
    if _SAFE_KEY.fullmatch(key):
        return f"[ob:{key}]"
    return f"[ob:h{hashlib.sha256(key.encode()).hexdigest()[:24]}]"


def has_marker(comment: str | None, key: str) -> bool:
    """True if a Poster comment carries ``key``'s marker."""
    return bool(comment) and marker(key) in str(comment)


def poster_time(moment: datetime, timezone: str) -> str:
    """An aware moment as Poster's ``Y-m-d H:i:s`` in the spot's local time."""
    return moment.astimezone(ZoneInfo(timezone)).strftime(POSTER_TIME)


def _customer_fields(customer: Customer) -> dict[str, Any]:
    if not customer.phone:
        # Poster needs client_id or phone (error 34); say so before calling it.
        raise PermanentError("phone_required", "Poster needs the customer's phone number")
    first, _, last = customer.name.strip().partition(" ")
    fields: dict[str, Any] = {"phone": customer.phone}
    if first:
        fields["first_name"] = first
    if last.strip():
        fields["last_name"] = last.strip()
    if customer.email:
        fields["email"] = customer.email
    return fields


def incoming_order_body(
    order: Order,
    *,
    spot_id: int,
    key: str,
    timezone: str,
    price_policy: PosterPricePolicy,
    charge_products: Mapping[ChargeKind, str] = {},
    promotions: Mapping[str, str] = {},
) -> dict[str, Any]:
    """The incomingOrders.createIncomingOrder body for ``order`` at ``spot_id``.

    Lines, discounts, charges and the payment follow ``mapping_money`` (prices with the
    ``hub`` policy or where a discount lowers them; a paid order carries ``payment``
    type 1 so the cashier sees nothing left to pay, its ``sum`` capped at the check).
    """
    check = poster_check(
        order, price_policy=price_policy, charge_products=charge_products, promotions=promotions
    )
    body: dict[str, Any] = {"spot_id": spot_id, **_customer_fields(order.customer)}
    body["products"] = check.products
    if check.promotion:
        body["promotion"] = check.promotion
    body["comment"] = order_comment(order, key=key, timezone=timezone, notes=check.notes)
    body["service_mode"] = SERVICE_MODES[order.fulfilment.type]
    fulfilment = order.fulfilment
    if fulfilment.time is not None:
        # Poster's delivery_time is "when the customer gets it"; a pickup time is the same.
        body["delivery_time"] = poster_time(fulfilment.time, timezone)
    if fulfilment.address is not None:
        address = fulfilment.address
        client_address: dict[str, Any] = {
            "address1": ", ".join(p for p in (address.line1, address.city) if p),
            "address2": ", ".join(p for p in (address.line2, address.postcode) if p),
            "comment": "",
        }
        if address.lat is not None and address.lng is not None:
            client_address |= {"lat": address.lat, "lng": address.lng}
        body["client_address"] = client_address
        body["address"] = client_address["address1"]
    if check.payment is not None:
        body["payment"] = check.payment
    return body


def order_comment(order: Order, *, key: str, timezone: str, notes: Sequence[str] = ()) -> str:
    """What the cashier reads: channel, its order number, handover, notes, money, marker.

    The money lines say what the check cannot: each discount and why, each charge, and
    what is paid and what is left to collect.
    """
    parts = [f"{order.key.channel} #{order.key.channel_order_id}"]
    fulfilment = order.fulfilment
    when = poster_time(fulfilment.time, timezone)[:16] if fulfilment.time else "ASAP"
    if fulfilment.type is FulfilmentType.DELIVERY and fulfilment.address is not None:
        a = fulfilment.address
        where = ", ".join(p for p in (a.line1, a.line2, a.city, a.postcode) if p)
        parts.append(f"Delivery {when}: {where}")
    elif fulfilment.type is FulfilmentType.DINE_IN:
        parts.append(f"Dine-in {when}, table {fulfilment.table}")
    else:
        parts.append(f"Pickup {when}")
    totals = order.totals
    if order.payment is not None and order.payment.status is PaymentStatus.PAID:
        due = "" if totals.due.is_zero() else f", to collect {totals.due.format()}"
        parts.append(f"Paid online {order.payment.amount.format()}{due}")
    for index, line in enumerate(order.lines, start=1):
        if line.note:
            parts.append(f"Line {index} ({line.name or line.item_id}): {line.note}")
        for discount in line.discounts:
            parts.append(f"Line {index} discount {discount.describe()}")
    parts.extend(f"Discount {d.describe()}" for d in order.discounts)
    parts.extend(f"{c.label} {c.amount.format()}" for c in order.charges)
    parts.extend(notes)
    if order.discounts or order.charges or any(line.discounts for line in order.lines):
        parts.append(f"Total {totals.total.format()}, to collect {totals.due.format()}")
    if order.note:
        parts.append(f"Note: {order.note}")
    parts.append(marker(key))
    return "\n".join(parts)


def reservation_body(
    reservation: Reservation, *, spot_id: int, key: str, timezone: str
) -> dict[str, Any]:
    """The incomingOrders.createReservation body; Poster needs a table and ≥ 30 minutes.

    A shorter booking is sent as half an hour (Poster's minimum): holding the table a
    little longer harms nobody, refusing the booking would.
    """
    if not reservation.table:
        raise PermanentError("table_required", "a Poster reservation needs a table")
    seconds = int(reservation.duration / timedelta(seconds=1))
    comment = [f"{reservation.key.channel} #{reservation.key.channel_reservation_id}"]
    if reservation.note:
        comment.append(f"Note: {reservation.note}")
    comment.append(marker(key))
    return {
        "spot_id": spot_id,
        "table_id": poster_id(reservation.table, "table"),
        "date_reservation": poster_time(reservation.time, timezone),
        "duration": max(seconds, MIN_RESERVATION_SECONDS),
        "guests_count": reservation.guests,
        **_customer_fields(reservation.customer),
        "comment": "\n".join(comment),
    }


def pos_state(incoming: PosterIncomingOrder, check: PosterTransaction | None) -> PosOrderState:
    """Poster's status (and the linked check's) in the hub's words.

    7 is "canceled" in Poster; before acceptance (no check was ever opened) it is the
    hub's declined, after it canceled. A closed check (status 2, or a close time) is
    completed; a removed one (status 3) canceled.
    """
    if incoming.status == 7:
        return PosOrderState.CANCELED if incoming.transaction_id else PosOrderState.DECLINED
    if check is not None:
        if check.status == 2 or check.date_close > 0:
            return PosOrderState.COMPLETED
        if check.status == 3:
            return PosOrderState.CANCELED
    if incoming.status == 1:
        return PosOrderState.ACCEPTED
    return PosOrderState.NEW


def pos_order_ref(
    incoming: PosterIncomingOrder, check: PosterTransaction | None = None
) -> PosOrderRef:
    """The port's record of one Poster incoming order."""
    state = pos_state(incoming, check)
    return PosOrderRef(
        pos_order_id=str(incoming.incoming_order_id),
        state=state,
        pos_check_id=str(incoming.transaction_id) if incoming.transaction_id else None,
        detail=f"Poster status {incoming.status}" + (f", check {check.status}" if check else ""),
    )
