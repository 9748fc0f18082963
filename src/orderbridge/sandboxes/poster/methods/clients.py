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
from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account, Client

# Customer groups, from the reference's clients.getGroups / getClient examples:
# id → (name, discount %, loyalty_type 1 points / 2 discount). Group 1 is where new
# customers go; the reference shows no group 1, so its name is the sandbox's own.
CLIENT_GROUPS: dict[int, tuple[str, int, int]] = {
    1: ("Гості", 0, 2),
    2: ("Скидка Выходной", 15, 1),
    3: ("Накопительная скидка", 0, 1),
    7: ("Постоянный клиент", 0, 2),
}


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


def client_view(client: Client, *, with_1c: bool = False) -> dict[str, Any]:
    """A customer as clients.getClients answers one: every value a string."""
    name, discount, loyalty = CLIENT_GROUPS.get(client.client_groups_id, ("", 0, 2))
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
        "client_groups_discount": str(discount),
        "loyalty_type": str(loyalty),
        "birthday_bonus": "0",
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
    views = [client_view(c, with_1c=with_1c) for c in clients]
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
    """clients.getClient: a one-element list, as the reference shows.

    For an unknown id the answer is an empty list: the reference wraps the customer in
    an array, and Poster answers its list-shaped lookups with ``[]`` when nothing matches.
    """
    client_id = params.req_int("client_id")
    client = ctx.account.clients.get(client_id)
    if client is None or client.deleted:
        return []
    view = client_view(client, with_1c=params.str("1c") == "true")
    del view["delete"]  # getClient's example has no "delete"
    view["accumulation_products"] = {}
    view["prize_products"] = []
    return [view]


def create_client(ctx: CallContext, params: Params) -> int:
    """clients.createClient: the new customer's id, as a number.

    ``client_name`` is "Last First Patronymic", Poster's order for full names (the
    reference's one-word names land in ``lastname``). Phones are unique (error 99).
    """
    name = str(params.req_str("client_name")).split()
    if not name:
        raise missing("client_name")
    group_id = params.req_int("client_groups_id_client")
    if group_id not in CLIENT_GROUPS:
        raise not_found("client_groups_id_client", group_id)
    phone = params.str("phone", "") or ""
    if phone and not phone_digits(phone):
        raise PosterError(400, "phone must contain digits", field="phone")
    if phone and find_client_by_phone(ctx.account, phone) is not None:
        raise PosterError(99, f"A customer with phone {phone} already exists", field="phone")
    sex = params.int("client_sex", 0) or 0
    if sex not in (0, 1, 2):
        raise PosterError(400, "client_sex must be 0, 1 or 2", field="client_sex")
    client = Client(
        client_id=0,
        lastname=name[0] if name else "",
        firstname=name[1] if len(name) > 1 else "",
        patronymic=" ".join(name[2:]),
        phone=phone,
        phone_number=phone_digits(phone),
        email=params.str("email", "") or "",
        sex=sex,
        birthday=check_birthday(params.str("birthday")) or "",
        card_number=params.str("card_number", "") or "",
        discount_per=params.int("discount_per", 0) or 0,
        bonus=params.int("bonus", 0) or 0,
        total_payed_sum=params.int("total_payed_sum", 0) or 0,
        client_groups_id=group_id,
        country=params.str("country", "") or "",
        city=params.str("city", "") or "",
        address=params.str("address", "") or "",
        comment=params.str("comment", "") or "",
    )
    return add_client(ctx, client).client_id


METHODS: dict[str, Handler] = {
    "clients.getClients": get_clients,
    "clients.getClient": get_client,
    "clients.createClient": create_client,
}
