"""clients.*: customers, looked up by id or phone, and created by the API or the register.

Poster answers customers with every number as a string (``"client_id":"55"``), and
matches phones by their digits only (``phone_number``), whatever spacing or ``+`` the
phone was written with.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing
from orderbridge.sandboxes.poster.methods import client_groups
from orderbridge.sandboxes.poster.methods.common import live, num_str, truthy
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account, Client

# Where the register puts a customer it creates for an order from an unknown phone.
DEFAULT_GROUP = 1


def phone_digits(phone: str | None) -> str:
    """A phone as Poster compares phones: its digits only."""
    return re.sub(r"\D", "", phone or "")


def find_client_by_phone(account: Account, phone: str | None) -> Client | None:
    """The live customer whose phone has the same digits, if any."""
    digits = phone_digits(phone)
    if not digits:
        return None
    for client in account.clients.values():
        if not client.deleted and client.phone_number == digits:
            return client
    return None


def check_birthday(value: str | None, field: str = "birthday") -> str | None:
    """A ``Y-m-d`` birthday, or error 400 naming ``field``."""
    if value is None:
        return None
    try:
        datetime.strptime(value, "%Y-%m-%d")
    except ValueError:
        raise PosterError(400, f"{field} must be in Y-m-d format", field=field) from None
    return value


def add_client(ctx: CallContext, client: Client) -> Client:
    """Store a new customer under the next id and announce it (``client`` added)."""
    client.client_id = ctx.account.next_id("client")
    client.date_activale = client.date_activale or ctx.now_str()
    ctx.account.clients[client.client_id] = client
    ctx.emit("client", client.client_id, "added")
    return client


def client_view(account: Account, client: Client, *, with_1c: bool = False) -> dict[str, Any]:
    """A customer as clients.getClients answers one: every value a string."""
    group = account.client_groups.get(client.client_groups_id)
    name = group.client_groups_name if group else ""
    discount = num_str(group.client_groups_discount) if group else "0"
    loyalty = group.loyalty_type if group else 2
    view: dict[str, Any] = {
        "client_id": str(client.client_id),
        "firstname": client.firstname,
        "lastname": client.lastname,
        "patronymic": client.patronymic,
        "discount_per": str(client.discount_per),
        "bonus": str(client.bonus),
        "total_payed_sum": str(client.total_payed_sum),
        "date_activale": client.date_activale,
        "phone": client.phone,
        "phone_number": client.phone_number,
        "email": client.email,
        "birthday": client.birthday or "0000-00-00",
        "card_number": client.card_number or "0",
        "client_sex": str(client.sex),
        "country": client.country,
        "city": client.city,
        "comment": client.comment,
        "address": client.address,
        "client_groups_id": str(client.client_groups_id),
        "client_groups_name": name,
        "client_groups_discount": discount,
        "loyalty_type": str(loyalty),
        "birthday_bonus": str(group.birthday_bonus if group else 0),
        "delete": "1" if client.deleted else "0",
        "ewallet": str(client.ewallet),
    }
    if with_1c:
        view["id_1c"] = ""
    return view


def get_clients(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """clients.getClients with its filters, sorting (default client_id desc) and paging."""
    clients = [c for c in ctx.account.clients.values() if not c.deleted]
    group_id = params.int("group_id")
    if group_id is not None:
        clients = [c for c in clients if c.client_groups_id == group_id]
    phone = params.str("phone")
    if phone is not None:
        clients = [c for c in clients if c.phone_number == phone_digits(phone)]
    birthday = params.str("birthday")
    if birthday is not None:  # "md": month and day, e.g. 1123 for 23 November
        clients = [c for c in clients if c.birthday[5:7] + c.birthday[8:10] == birthday]
    with_1c = params.str("1c") == "true"
    views = [client_view(ctx.account, c, with_1c=with_1c) for c in clients]
    order_by = params.str("order_by", "client_id") or "client_id"
    if views and order_by not in views[0]:
        raise PosterError(400, f"Unknown order_by {order_by}", field="order_by")
    sort = (params.str("sort", "desc") or "desc").lower()
    if sort not in ("asc", "desc"):
        raise PosterError(400, "sort must be asc or desc", field="sort")
    views.sort(key=lambda v: _sort_key(v[order_by]), reverse=sort == "desc")
    offset = params.int("offset", 0) or 0
    num = params.int("num")
    views = views[offset:] if num is None else views[offset : offset + num]
    if params.str("client_id_only") == "true":
        return [{"client_id": v["client_id"]} for v in views]
    return views


def _sort_key(value: str) -> tuple[int, float, str]:
    # Numbers sort as numbers, the rest as text, as the database would.
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


def get_client(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """clients.getClient: a one-element list, as the reference shows; an unknown (or
    removed) customer is error 32, the API's one not-found convention."""
    client = live(ctx.account.clients, params.req_int("client_id"), "client_id")
    view = client_view(ctx.account, client, with_1c=params.str("1c") == "true")
    del view["delete"]  # getClient's example has no "delete"
    view["accumulation_products"] = {}
    view["prize_products"] = []
    return [view]


def _fields(ctx: CallContext, params: Params, current: Client | None) -> dict[str, Any]:
    """The customer fields of createClient/updateClient, checked (see create_client)."""
    raw_name = params.str("client_name")
    if current is None or raw_name is not None:
        name = str(raw_name or "").split()
        if not name:
            raise missing("client_name")
        names = {
            "lastname": name[0],
            "firstname": name[1] if len(name) > 1 else "",
            "patronymic": " ".join(name[2:]),
        }
    else:
        names = {}
    group_id = params.int("client_groups_id_client", current.client_groups_id if current else None)
    if group_id is None:
        raise missing("client_groups_id_client")
    live(ctx.account.client_groups, group_id, "client_groups_id_client")
    fields: dict[str, Any] = {**names, "client_groups_id": group_id}
    phone = params.str("phone")
    if phone is not None:
        if phone and not phone_digits(phone):
            raise PosterError(400, "phone must contain digits", field="phone")
        other = find_client_by_phone(ctx.account, phone) if phone else None
        if other is not None and other is not current:
            raise PosterError(99, f"A customer with phone {phone} already exists", field="phone")
        fields |= {"phone": phone, "phone_number": phone_digits(phone)}
    sex = params.int("client_sex")
    if sex is not None:
        if sex not in (0, 1, 2):
            raise PosterError(400, "client_sex must be 0, 1 or 2", field="client_sex")
        fields["sex"] = sex
    birthday = check_birthday(params.str("birthday"))
    if birthday is not None:
        fields["birthday"] = birthday
    for key in ("email", "card_number", "country", "city", "address", "comment"):
        value = params.str(key)
        if value is not None:
            fields[key] = value
    for key in ("discount_per", "bonus", "total_payed_sum"):
        number = params.int(key)
        if number is not None:
            fields[key] = number
    return fields


def create_client(ctx: CallContext, params: Params) -> int:
    """clients.createClient: the new customer's id, as a number.

    ``client_name`` is "Last First Patronymic", Poster's order for full names (the
    reference's one-word names land in ``lastname``). Phones are unique (error 99).
    """
    client = Client(client_id=0, **_fields(ctx, params, None))
    return add_client(ctx, client).client_id


def update_client(ctx: CallContext, params: Params) -> int:
    """clients.updateClient: changes what was sent; answers the customer's id."""
    client = live(ctx.account.clients, params.req_int("client_id"), "client_id")
    for key, value in _fields(ctx, params, client).items():
        setattr(client, key, value)
    ctx.emit("client", client.client_id, "changed")
    return client.client_id


def remove_client(ctx: CallContext, params: Params) -> bool:
    """clients.removeClient: the customer is removed (lookups miss them after)."""
    client = live(ctx.account.clients, params.req_int("client_id"), "client_id")
    client.deleted = True
    ctx.emit("client", client.client_id, "removed")
    return True


def change_bonus(ctx: CallContext, params: Params) -> int:
    """clients.changeClientBonus: add (or, negative, take) points; answers the balance.

    Only a customer of a points-based group (loyalty_type 1) has points, as the
    reference says: others are error 153. ``block_webhook`` keeps ``client`` changed
    from being announced.
    """
    client = live(ctx.account.clients, params.req_int("client_id"), "client_id")
    group = ctx.account.client_groups.get(client.client_groups_id)
    if group is None or group.loyalty_type != 1:
        raise PosterError(153, f"Customer {client.client_id} is not in a points-based group")
    count = params.req_int("count")
    if client.bonus + count < 0:
        raise PosterError(400, f"The customer has {client.bonus} points", field="count")
    client.bonus += count
    if not truthy(params, "block_webhook"):
        ctx.emit("client", client.client_id, "changed")
    return client.bonus


def change_payed_sum(ctx: CallContext, params: Params) -> int:
    """clients.changeClientPayedSum: add to (or take from) the purchase total (kopecks)."""
    client = live(ctx.account.clients, params.req_int("client_id"), "client_id")
    count = params.req_int("count")
    if client.total_payed_sum + count < 0:
        raise PosterError(400, f"The total is {client.total_payed_sum}", field="count")
    client.total_payed_sum += count
    if not truthy(params, "block_webhook"):
        ctx.emit("client_payed_sum", client.client_id, "changed")
    return client.total_payed_sum


METHODS: dict[str, Handler] = {
    "clients.getClients": get_clients,
    "clients.getClient": get_client,
    "clients.createClient": create_client,
    "clients.updateClient": update_client,
    "clients.removeClient": remove_client,
    "clients.changeClientBonus": change_bonus,
    "clients.changeClientPayedSum": change_payed_sum,
    **client_groups.METHODS,
}
