"""The hub's side of a manifest's templates: the names a manifest can use, and their values.

A request body in a manifest is a template over these documents (``{{ order.customer
.name }}``). :data:`VOCABULARY` lists every name with its kind, so a manifest is
checked offline (``order.custmer`` is an error with a suggestion); the ``*_document``
functions build the values for one call. Money stays :class:`Money` and times stay
aware datetimes until a template renders them (in the manifest's money format, in the
format its filters ask for), so a POS that wants decimal strings and one that wants
minor units read the same document.
"""

from __future__ import annotations

from typing import Any

from orderbridge.domain.orders import Order
from orderbridge.domain.reservations import Reservation
from orderbridge.ports import LocationBinding

TEXT, NUMBER, MONEY, TIME, FLAG = "text", "number", "money", "time", "flag"

_ADDRESS = {
    "line1": TEXT,
    "line2": TEXT,
    "city": TEXT,
    "postcode": TEXT,
    "lat": NUMBER,
    "lng": NUMBER,
}
_CUSTOMER = {"name": TEXT, "phone": TEXT, "email": TEXT}
_MODIFIER = {
    "modifier_id": TEXT,
    "group_id": TEXT,
    "name": TEXT,
    "quantity": NUMBER,
    "unit_price": MONEY,
}
_LINE = {
    "item_id": TEXT,
    "variant_id": TEXT,
    "name": TEXT,
    "quantity": NUMBER,
    "unit_price": MONEY,
    "unit_total": MONEY,
    "total": MONEY,
    "note": TEXT,
    "modifiers": [_MODIFIER],
}
ORDER = {
    "id": TEXT,
    "channel": TEXT,
    "channel_order_id": TEXT,
    "note": TEXT,
    "created_at": TIME,
    "currency": TEXT,
    "customer": _CUSTOMER,
    "fulfillment": {"type": TEXT, "time": TIME, "asap": FLAG, "table": TEXT, "address": _ADDRESS},
    "payment": {"status": TEXT, "paid": FLAG, "amount": MONEY},
    "totals": {"total": MONEY, "paid": MONEY, "due": MONEY, "item_count": NUMBER},
    "lines": [_LINE],
}
RESERVATION = {
    "id": TEXT,
    "channel": TEXT,
    "channel_reservation_id": TEXT,
    "time": TIME,
    "ends_at": TIME,
    "duration_minutes": NUMBER,
    "guests": NUMBER,
    "table": TEXT,
    "note": TEXT,
    "customer": _CUSTOMER,
}
LOCATION = {"id": TEXT, "external_id": TEXT, "currency": TEXT, "timezone": TEXT}

# What each service's templates may name (besides ``now``, the time of the call).
VOCABULARY: dict[str, dict[str, Any]] = {
    "create_order": {"key": TEXT, "order": ORDER, "location": LOCATION},
    "find_order": {"key": TEXT, "since": TIME, "location": LOCATION},
    "get_order": {"pos_order_id": TEXT, "location": LOCATION},
    "cancel_order": {"pos_order_id": TEXT, "reason": TEXT, "location": LOCATION},
    "create_reservation": {"key": TEXT, "reservation": RESERVATION, "location": LOCATION},
    "find_reservation": {"key": TEXT, "since": TIME, "location": LOCATION},
    "get_reservation": {"pos_order_id": TEXT, "location": LOCATION},
    "menu": {"location": LOCATION},
    "menu_items": {"location": LOCATION},
    "menu_item": {"item_id": TEXT, "location": LOCATION},
    "menu_variants": {"location": LOCATION},
    "menu_option_groups": {"location": LOCATION},
    "menu_options": {"location": LOCATION},
    "schedule": {"location": LOCATION},
    "locations": {},
}
for _names in VOCABULARY.values():
    _names["now"] = TIME


def location_document(location: LocationBinding) -> dict[str, Any]:
    return {
        "id": location.location_id,
        "external_id": location.external_id,
        "currency": location.currency,
        "timezone": location.timezone,
    }


def order_document(order: Order) -> dict[str, Any]:
    """The order as templates read it (see :data:`ORDER`)."""
    fulfilment = order.fulfilment
    address = fulfilment.address
    totals = order.totals
    payment = order.payment
    return {
        "id": order.id,
        "channel": order.key.channel,
        "channel_order_id": order.key.channel_order_id,
        "note": order.note,
        "created_at": order.created_at,
        "currency": order.currency,
        "customer": _customer(order.customer.name, order.customer.phone, order.customer.email),
        "fulfillment": {
            "type": fulfilment.type.value,
            "time": fulfilment.time,
            "asap": fulfilment.time is None,
            "table": fulfilment.table,
            "address": None
            if address is None
            else {
                "line1": address.line1,
                "line2": address.line2,
                "city": address.city,
                "postcode": address.postcode,
                "lat": address.lat,
                "lng": address.lng,
            },
        },
        "payment": {
            "status": payment.status.value if payment else "unpaid",
            "paid": totals.paid.amount > 0,
            "amount": totals.paid,
        },
        "totals": {
            "total": totals.total,
            "paid": totals.paid,
            "due": totals.due,
            "item_count": totals.item_count,
        },
        "lines": [
            {
                "item_id": line.item_id,
                "variant_id": line.variant_id,
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "unit_total": line.unit_total,
                "total": line.total,
                "note": line.note,
                "modifiers": [
                    {
                        "modifier_id": m.modifier_id,
                        "group_id": m.group_id,
                        "name": m.name,
                        "quantity": m.quantity,
                        "unit_price": m.unit_price,
                    }
                    for m in line.modifiers
                ],
            }
            for line in order.lines
        ],
    }


def reservation_document(reservation: Reservation) -> dict[str, Any]:
    """The reservation as templates read it (see :data:`RESERVATION`)."""
    customer = reservation.customer
    return {
        "id": reservation.id,
        "channel": reservation.key.channel,
        "channel_reservation_id": reservation.key.channel_reservation_id,
        "time": reservation.time,
        "ends_at": reservation.ends_at,
        "duration_minutes": int(reservation.duration.total_seconds() // 60),
        "guests": reservation.guests,
        "table": reservation.table,
        "note": reservation.note,
        "customer": _customer(customer.name, customer.phone, customer.email),
    }


def _customer(name: str, phone: str | None, email: str | None) -> dict[str, Any]:
    return {"name": name or None, "phone": phone, "email": email}
