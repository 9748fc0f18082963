"""incomingOrders.*: online orders sent to the register, and reading them back.

An online order waits on the register (status 0) until the cashier accepts it
(status 1, a check opens) or declines it (status 7). Orders and reservations share the
``IncomingOrder`` model and one id sequence; this module holds what both use (the
customer fields, the filters) and the order methods; ``reservations`` has the rest.
Everything is validated before anything is written, so a failed call leaves no trace.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.methods.clients import (
    check_birthday,
    find_client_by_phone,
    phone_digits,
)
from orderbridge.sandboxes.poster.methods.order_lines import (
    read_lines,
    read_payment,
    read_promotion,
)
from orderbridge.sandboxes.poster.params import Params, to_float
from orderbridge.sandboxes.poster.state import POSTER_TIME, IncomingOrder

# How a kind of incoming order is answered (``order_view``, ``reservation_view``).
View = Callable[[IncomingOrder], dict[str, Any]]

CUSTOMER_KEYS = ("first_name", "last_name", "phone", "email", "sex", "birthday", "address")
STATUSES = (0, 1, 7)


def check_datetime(value: str | None, field: str) -> str | None:
    """A ``Y-m-d H:i:s`` value, or error 400 naming ``field``."""
    if value is None:
        return None
    try:
        datetime.strptime(value, POSTER_TIME)
    except ValueError:
        raise PosterError(400, f"{field} must be in Y-m-d H:i:s format", field=field) from None
    return value


def read_customer(ctx: CallContext, params: Params) -> dict[str, Any]:
    """The customer fields of an order or a reservation, with the client they attach to.

    A known phone (compared by digits) attaches its customer; an unknown one leaves
    ``client_id`` 0 until the cashier accepts, when the register creates the customer,
    as the reference describes. Fields not sent are filled from the attached customer,
    as the reservation example shows. The reference calls the phone mandatory without a
    ``client_id``, yet its own promotion example sends neither, and the guide's clients
    (a kiosk, a table's QR code) may know nobody: such an order comes with no customer.
    """
    client_id = params.int("client_id")
    phone = params.str("phone")
    if phone is not None and not phone_digits(phone):
        raise PosterError(400, "phone must contain digits", field="phone")
    sex = params.int("sex")
    if sex is not None and sex not in (0, 1, 2):
        raise PosterError(400, "sex must be 0, 1 or 2", field="sex")
    fields: dict[str, Any] = {
        "first_name": params.str("first_name"),
        "last_name": params.str("last_name"),
        # Poster keeps the digits only (the reservation example answers "380684112224"
        # for "+380684112224").
        "phone": phone_digits(phone) or None,
        "email": params.str("email"),
        "sex": sex,
        "birthday": check_birthday(params.str("birthday")),
        "address": params.str("address"),
        "comment": params.str("comment"),
    }
    if client_id:
        client = ctx.account.clients.get(client_id)
        if client is None or client.deleted:
            raise not_found("client_id", client_id)
    else:
        client = find_client_by_phone(ctx.account, phone)
    fields["client_id"] = client.client_id if client else 0
    if client is not None:
        # Fields not sent come from the customer, empty ones included (the reservation
        # example answers the customer's "" address), and the comment is "" not null.
        known = {
            "first_name": client.firstname,
            "last_name": client.lastname,
            "phone": client.phone_number,
            "email": client.email,
            "sex": client.sex,
            "birthday": client.birthday or None,
            "address": client.address,
            "comment": "",
        }
        for key, value in known.items():
            if fields[key] is None:
                fields[key] = value
    return fields


def select(ctx: CallContext, params: Params, order_type: int, *, own: bool) -> list[IncomingOrder]:
    """Orders (type 1) or reservations (type 2) matching status, date_from and date_to."""
    status = params.int("status")
    if status is not None and status not in STATUSES:
        raise PosterError(400, "status must be 0, 1 or 7", field="status")
    date_from = check_datetime(params.str("date_from"), "date_from")
    date_to = check_datetime(params.str("date_to"), "date_to")
    found = []
    for order in ctx.account.incoming_orders.values():
        if order.type != order_type or (own and order.application_id != ctx.application_id):
            continue
        if status is not None and order.status != status:
            continue
        # Both bounds are inclusive; "Y-m-d H:i:s" strings compare as the times do.
        if date_from is not None and order.created_at < date_from:
            continue
        if date_to is not None and order.created_at > date_to:
            continue
        found.append(order)
    return sorted(found, key=lambda o: o.incoming_order_id)


def select_one(ctx: CallContext, params: Params, order_type: int, *, own: bool) -> IncomingOrder:
    """One order or reservation by ``incoming_order_id``; error 32 if it is not there."""
    order_id = params.req_int("incoming_order_id")
    order = ctx.account.incoming_orders.get(order_id)
    if order is None or order.type != order_type:
        raise not_found("incoming_order_id", order_id)
    if own and order.application_id != ctx.application_id:
        raise not_found("incoming_order_id", order_id)
    return order


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def order_view(order: IncomingOrder, *, created: bool = False) -> dict[str, Any]:
    """An online order as getIncomingOrder(s) answers it: numbers as JSON numbers.

    ``created`` adds what createIncomingOrder's answer has on top (the fiscal fields).
    The later real-world fields (payment, service_mode, delivery …) and each line's
    price and modification appear only when the order carries them; the reference
    shows none.
    """
    view: dict[str, Any] = {"incoming_order_id": order.incoming_order_id}
    view |= {
        "spot_id": order.spot_id,
        "status": order.status,
        "client_id": order.client_id,
        "first_name": order.first_name,
        "last_name": order.last_name,
        "phone": order.phone,
        "email": order.email,
        "sex": order.sex,
        "birthday": order.birthday,
        "address": order.address,
        "comment": order.comment,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
        "transaction_id": order.transaction_id,
    }
    if created:
        view["fiscal_spreading"] = order.fiscal_spreading
        view["fiscal_method"] = order.fiscal_method
    if order.payment is not None:
        view["payment"] = order.payment.model_dump()
    for key in ("service_mode", "delivery_price", "client_address", "delivery_time"):
        if getattr(order, key) is not None:
            view[key] = getattr(order, key)
    products = []
    for line in order.products:
        item: dict[str, Any] = {
            "io_product_id": line.io_product_id,
            "product_id": line.product_id,
            "modificator_id": line.modificator_id,
            "incoming_order_id": line.incoming_order_id,
            "count": _number(line.count),
            "created_at": line.created_at,
        }
        if line.price is not None:
            item["price"] = line.price
        if line.modification is not None:
            item["modification"] = line.modification
        products.append(item)
    view["products"] = products
    return view


def create_incoming_order(ctx: CallContext, params: Params) -> dict[str, Any]:
    """incomingOrders.createIncomingOrder: validate everything, then store and announce."""
    spot_id = params.req_int("spot_id")
    if spot_id not in ctx.account.spots:
        raise not_found("spot_id", spot_id)
    customer = read_customer(ctx, params)
    lines = read_lines(ctx.account, spot_id, params.list("products", required=True))
    payment = read_payment(ctx.account, params.dict("payment"))
    promotion = read_promotion(params.list("promotion"))
    service_mode = params.int("service_mode")
    if service_mode is not None and service_mode not in (1, 2, 3):
        raise PosterError(400, "service_mode must be 1, 2 or 3", field="service_mode")
    delivery_price = params.int("delivery_price")
    if delivery_price is not None and delivery_price < 0:
        raise PosterError(400, "delivery_price must not be negative", field="delivery_price")
    client_address = (
        _read_address(params.dict("client_address")) if "client_address" in params else None
    )
    delivery_time = check_datetime(params.str("delivery_time"), "delivery_time")
    if not lines:
        raise missing("products")

    now = ctx.now_str()
    order_id = ctx.account.next_id("incoming_order")
    for line in lines:
        line.io_product_id = ctx.account.next_id("incoming_order_product")
        line.incoming_order_id = order_id
        line.created_at = now
    order = IncomingOrder(
        incoming_order_id=order_id,
        type=1,
        spot_id=spot_id,
        created_at=now,
        updated_at=now,
        promotion=promotion,
        products=lines,
        payment=payment,
        service_mode=service_mode,
        delivery_price=delivery_price,
        client_address=client_address,
        delivery_time=delivery_time,
        application_id=ctx.application_id,
        **customer,
    )
    ctx.account.incoming_orders[order_id] = order
    ctx.emit("incoming_order", order_id, "added")
    if promotion is None:
        return order_view(order, created=True)
    return promoted_view(order)


def promoted_view(order: IncomingOrder) -> dict[str, Any]:
    """createIncomingOrder's answer for an order with promotions, as its example has it:
    the order read back from the database, ids and counts as strings (``"1.00000"``),
    ``status`` and ``client_id`` numbers, with ``type`` and ``promotion``."""
    view = order_view(order, created=True)
    strings = ("incoming_order_id", "spot_id", "transaction_id", "fiscal_spreading", "sex")
    answer: dict[str, Any] = {
        "incoming_order_id": str(order.incoming_order_id),
        "type": str(order.type),
    }
    for key, value in view.items():
        if key in answer:
            continue
        answer[key] = str(value) if key in strings and value is not None else value
        if key == "fiscal_method":
            answer["promotion"] = order.promotion
    answer["products"] = [
        {
            **line,
            "io_product_id": str(line["io_product_id"]),
            "product_id": str(line["product_id"]),
            "modificator_id": None
            if line["modificator_id"] is None
            else str(line["modificator_id"]),
            "incoming_order_id": str(line["incoming_order_id"]),
            "count": f"{float(line['count']):.5f}",
        }
        for line in view["products"]
    ]
    return answer


def _read_address(raw: dict[str, Any]) -> dict[str, Any]:
    address: dict[str, Any] = {}
    for key in ("address1", "address2", "comment"):
        value = raw.get(key)
        if value is not None and not isinstance(value, str | int | float):
            raise PosterError(400, f"client_address[{key}] must be text", field="client_address")
        address[key] = "" if value is None else str(value)
    for key in ("lat", "lng"):
        value = raw.get(key)
        address[key] = None if value in (None, "") else to_float(value, f"client_address[{key}]")
    return address


def readers(order_type: int, noun: str, view: View) -> dict[str, Handler]:
    """The four reads Poster has for a kind of incoming order (``noun``: ``IncomingOrder``
    or ``Reservation``): ``get{noun}s`` (filtered by status, date_from, date_to),
    ``get{noun}`` by ``incoming_order_id``, and the ``getOwn…`` pair, which see only
    those created with the caller's token (error 32 for another application's)."""

    def read_many(own: bool) -> Handler:
        return lambda ctx, params: [view(o) for o in select(ctx, params, order_type, own=own)]

    def read_one(own: bool) -> Handler:
        return lambda ctx, params: view(select_one(ctx, params, order_type, own=own))

    return {
        f"incomingOrders.get{noun}s": read_many(False),
        f"incomingOrders.get{noun}": read_one(False),
        f"incomingOrders.getOwn{noun}s": read_many(True),
        f"incomingOrders.getOwn{noun}": read_one(True),
    }


METHODS: dict[str, Handler] = {
    "incomingOrders.createIncomingOrder": create_incoming_order,
    **readers(1, "IncomingOrder", order_view),
}
