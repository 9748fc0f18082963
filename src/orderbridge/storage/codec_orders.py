"""Orders and their timelines as JSON documents, and back.

An order is stored in two halves. What the channel asked for never changes after the
order is received: the key (channel, channel order id), location, lines, customer,
fulfilment, payment, note and creation time. That half is one JSON document, written
by :func:`order_to_json`. What moves (status, timeline, the POS's ids in
``external_refs``) and the hub's own id live in columns a repository can index and
update on their own, so :func:`order_from_json` takes them back as arguments. It calls
the :class:`~orderbridge.domain.orders.Order` constructor, which rebuilds a stored
order as it was: no new timeline entry, no new domain event.

Totals are not stored: the model recomputes them from the lines and the payment, so a
stored total could only disagree with them.
"""

from __future__ import annotations

from collections.abc import Sequence

from orderbridge.domain.customers import Customer
from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.domain.order_details import (
    Address,
    Fulfilment,
    FulfilmentType,
    LineModifier,
    OrderLine,
    Payment,
    PaymentStatus,
)
from orderbridge.domain.order_money import Charge, ChargeKind, Discount
from orderbridge.domain.orders import Order, OrderKey, OrderStatus
from orderbridge.storage.codec_fields import (
    Fields,
    JSONDict,
    domain_errors,
    moment_to_json,
    money_to_json,
    optional_moment_to_json,
)


def order_to_json(order: Order) -> JSONDict:
    """The unchanging half of an order as a JSON-ready dict (see the module docstring)."""
    return {
        "key": {"channel": order.key.channel, "channel_order_id": order.key.channel_order_id},
        "location_id": order.location_id,
        "lines": [_line_to_json(line) for line in order.lines],
        "customer": customer_to_json(order.customer),
        "fulfilment": fulfilment_to_json(order.fulfilment),
        "payment": payment_to_json(order.payment),
        "note": order.note,
        "created_at": moment_to_json(order.created_at),
        "discounts": [discount_to_json(d) for d in order.discounts],
        "charges": [charge_to_json(c) for c in order.charges],
    }


def order_from_json(
    data: object,
    *,
    id: str,
    status: OrderStatus,
    timeline: Sequence[TimelineEntry],
    external_refs: dict[str, str],
) -> Order:
    """Rebuild a stored order from its document and its columns, raising no domain events.

    Raises ``ValueError`` naming the bad field when the document is malformed.
    """
    fields = Fields(data, "order")
    key = fields.obj("key")
    order_key = OrderKey(key.text("channel"), key.text("channel_order_id"))
    location_id = fields.text("location_id")
    lines = [_line_from_json(line) for line in fields.objects("lines", required=True)]
    customer = customer_from_json(fields.obj("customer"))
    fulfilment = fulfilment_from_json(fields.obj("fulfilment"))
    payment = payment_from_json(fields.optional_obj("payment"))
    note, created_at = fields.text("note", default=""), fields.moment("created_at")
    discounts = [discount_from_json(d) for d in fields.objects("discounts")]
    charges = [charge_from_json(c) for c in fields.objects("charges")]
    with domain_errors(fields.path):
        return Order(
            id=id,
            key=order_key,
            location_id=location_id,
            lines=lines,
            customer=customer,
            fulfilment=fulfilment,
            created_at=created_at,
            payment=payment,
            note=note,
            status=status,
            timeline=timeline,
            external_refs=external_refs,
            discounts=discounts,
            charges=charges,
        )


def timeline_entry_to_json(entry: TimelineEntry) -> JSONDict:
    """One timeline line as ``{"at", "status", "event", "detail"}``."""
    return {
        "at": moment_to_json(entry.at),
        "status": entry.status,
        "event": entry.event,
        "detail": entry.detail,
    }


def timeline_entry_from_json(data: object) -> TimelineEntry:
    """Rebuild a timeline entry written by :func:`timeline_entry_to_json`."""
    fields = Fields(data, "timeline_entry")
    return TimelineEntry(
        at=fields.moment("at"),
        status=fields.text("status"),
        event=fields.text("event"),
        detail=fields.text("detail", default=""),
    )


def customer_to_json(customer: Customer) -> JSONDict:
    """Name, phone (E.164) and email; absent contacts are null."""
    return {"name": customer.name, "phone": customer.phone, "email": customer.email}


def customer_from_json(fields: Fields) -> Customer:
    """The inverse of :func:`customer_to_json`; a bad phone or email is a ``ValueError``."""
    name, phone, email = (
        fields.text("name", default=""),
        fields.optional_text("phone"),
        fields.optional_text("email"),
    )
    with domain_errors(fields.path):
        return Customer(name=name, phone=phone, email=email)


def fulfilment_to_json(fulfilment: Fulfilment) -> JSONDict:
    """Type, time (null for ASAP), delivery address and dine-in table."""
    address = fulfilment.address
    return {
        "type": fulfilment.type.value,
        "time": optional_moment_to_json(fulfilment.time),
        "address": None if address is None else _address_to_json(address),
        "table": fulfilment.table,
    }


def fulfilment_from_json(fields: Fields) -> Fulfilment:
    """The inverse of :func:`fulfilment_to_json`; a delivery without address is refused."""
    kind, time = fields.choice("type", FulfilmentType), fields.optional_moment("time")
    address_fields = fields.optional_obj("address")
    address = None if address_fields is None else _address_from_json(address_fields)
    table = fields.optional_text("table")
    with domain_errors(fields.path):
        return Fulfilment(type=kind, time=time, address=address, table=table)


def payment_to_json(payment: Payment | None) -> JSONDict | None:
    """``{"status", "amount"}`` for a payment, None for none."""
    if payment is None:
        return None
    return {"status": payment.status.value, "amount": money_to_json(payment.amount)}


def payment_from_json(fields: Fields | None) -> Payment | None:
    """The inverse of :func:`payment_to_json`."""
    if fields is None:
        return None
    status, amount = fields.choice("status", PaymentStatus), fields.money("amount")
    with domain_errors(fields.path):
        return Payment(status=status, amount=amount)


def discount_to_json(discount: Discount) -> JSONDict:
    """``{"amount", "reason", "code"}``."""
    return {
        "amount": money_to_json(discount.amount),
        "reason": discount.reason,
        "code": discount.code,
    }


def discount_from_json(fields: Fields) -> Discount:
    """The inverse of :func:`discount_to_json`."""
    amount = fields.money("amount")
    reason, code = fields.text("reason", default=""), fields.text("code", default="")
    with domain_errors(fields.path):
        return Discount(amount=amount, reason=reason, code=code)


def charge_to_json(charge: Charge) -> JSONDict:
    """``{"type", "amount", "name"}``."""
    return {"type": charge.kind.value, "amount": money_to_json(charge.amount), "name": charge.name}


def charge_from_json(fields: Fields) -> Charge:
    """The inverse of :func:`charge_to_json`."""
    kind, amount = fields.choice("type", ChargeKind), fields.money("amount")
    name = fields.text("name", default="")
    with domain_errors(fields.path):
        return Charge(kind=kind, amount=amount, name=name)


def _address_to_json(address: Address) -> JSONDict:
    return {
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "postcode": address.postcode,
        # An int latitude equals its float, so both must print alike for draft hashes.
        "lat": None if address.lat is None else float(address.lat),
        "lng": None if address.lng is None else float(address.lng),
    }


def _address_from_json(fields: Fields) -> Address:
    return Address(
        line1=fields.text("line1"),
        line2=fields.text("line2", default=""),
        city=fields.text("city", default=""),
        postcode=fields.text("postcode", default=""),
        lat=fields.optional_number("lat"),
        lng=fields.optional_number("lng"),
    )


def _line_to_json(line: OrderLine) -> JSONDict:
    return {
        "item_id": line.item_id,
        "variant_id": line.variant_id,
        "name": line.name,
        "quantity": line.quantity,
        "unit_price": money_to_json(line.unit_price),
        "modifiers": [
            {
                "modifier_id": m.modifier_id,
                "group_id": m.group_id,
                "name": m.name,
                "quantity": m.quantity,
                "unit_price": money_to_json(m.unit_price),
            }
            for m in line.modifiers
        ],
        "note": line.note,
        "discounts": [discount_to_json(d) for d in line.discounts],
    }


def _line_from_json(fields: Fields) -> OrderLine:
    modifiers = tuple(_line_modifier_from_json(m) for m in fields.objects("modifiers"))
    item_id, quantity, unit_price = (
        fields.text("item_id"),
        fields.integer("quantity"),
        fields.money("unit_price"),
    )
    name, variant_id = fields.text("name", default=""), fields.optional_text("variant_id")
    note = fields.text("note", default="")
    discounts = tuple(discount_from_json(d) for d in fields.objects("discounts"))
    with domain_errors(fields.path):
        return OrderLine(
            item_id=item_id,
            quantity=quantity,
            unit_price=unit_price,
            name=name,
            variant_id=variant_id,
            modifiers=modifiers,
            note=note,
            discounts=discounts,
        )


def _line_modifier_from_json(fields: Fields) -> LineModifier:
    return LineModifier(
        modifier_id=fields.text("modifier_id"),
        quantity=fields.integer("quantity"),
        unit_price=fields.money("unit_price"),
        name=fields.text("name", default=""),
        group_id=fields.optional_text("group_id"),
    )
