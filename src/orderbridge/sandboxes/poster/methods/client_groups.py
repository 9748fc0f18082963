"""clients.*Group* and clients.sendSms: customer groups (every value a string in the
answers, as the reference's examples show) and text messages to customers.

A removed group stays in getGroups with ``delete`` "1" (the field's documented
meaning); its customers keep it until moved.
"""

from __future__ import annotations

import re
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing
from orderbridge.sandboxes.poster.methods.common import live, num_str
from orderbridge.sandboxes.poster.params import Params, to_float
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_people import ClientGroup


def group_view(account: Account, group: ClientGroup) -> dict[str, Any]:
    members = sum(
        1
        for c in account.clients.values()
        if c.client_groups_id == group.client_groups_id and not c.deleted
    )
    return {
        "client_groups_id": str(group.client_groups_id),
        "client_groups_name": group.client_groups_name,
        "client_groups_discount": num_str(group.client_groups_discount),
        "loyalty_type": str(group.loyalty_type),
        "birthday_bonus": str(group.birthday_bonus),
        "count_groups_clients": str(members),
        "delete": "1" if group.deleted else "0",
    }


def get_groups(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """clients.getGroups: every group, removed ones marked."""
    return [group_view(ctx.account, g) for g in ctx.account.client_groups.values()]


def get_group(ctx: CallContext, params: Params) -> dict[str, Any]:
    """clients.getGroup."""
    group = live(ctx.account.client_groups, params.req_int("group_id"), "group_id")
    return group_view(ctx.account, group)


def _fields(params: Params, current: ClientGroup | None) -> dict[str, Any]:
    name = params.str("client_groups_name") or (current.client_groups_name if current else "")
    if not name.strip():
        raise missing("client_groups_name")
    loyalty = params.int("loyalty_type", current.loyalty_type if current else None)
    if loyalty is None:
        raise missing("loyalty_type")
    if loyalty not in (1, 2):
        raise PosterError(400, "loyalty_type must be 1 or 2", field="loyalty_type")
    fields: dict[str, Any] = {"client_groups_name": name.strip(), "loyalty_type": loyalty}
    for key in ("client_groups_discount", "birthday_bonus"):
        raw = params.raw(key)
        if raw not in (None, ""):
            value = to_float(raw, key)
            if value < 0 or (key == "client_groups_discount" and value > 100):
                raise PosterError(400, f"{key} is out of range", field=key)
            fields[key] = value if key == "client_groups_discount" else round(value)
    return fields


def create_group(ctx: CallContext, params: Params) -> int:
    """clients.createGroup: the new group's id."""
    fields = _fields(params, None)
    group_id = ctx.account.next_id("client_group")
    ctx.account.client_groups[group_id] = ClientGroup(client_groups_id=group_id, **fields)
    ctx.emit("clients_group", group_id, "added")
    return group_id


def update_group(ctx: CallContext, params: Params) -> int:
    """clients.updateGroup: answers the group's id."""
    group = live(ctx.account.client_groups, params.req_int("client_groups_id"), "client_groups_id")
    for key, value in _fields(params, group).items():
        setattr(group, key, value)
    ctx.emit("clients_group", group.client_groups_id, "changed")
    return group.client_groups_id


def remove_group(ctx: CallContext, params: Params) -> bool:
    """clients.removeGroup: ``true`` once removed."""
    group = live(ctx.account.client_groups, params.req_int("group_id"), "group_id")
    group.deleted = True
    ctx.emit("clients_group", group.client_groups_id, "removed")
    return True


def send_sms(ctx: CallContext, params: Params) -> bool:
    """clients.sendSms: the message is kept as sent (the sandbox has no SMS gateway)
    and ``true`` answered. The phone is international, digits only, without "+"."""
    phone = params.req_str("phone")
    if not re.fullmatch(r"\d{10,15}", phone):
        raise PosterError(400, "phone must be 10 to 15 digits, without +", field="phone")
    message = (params.str("message") or "").strip()
    if not message:
        raise missing("message")
    ctx.account.sms.append({"phone": phone, "message": message, "sent_at": ctx.now_str()})
    return True


METHODS: dict[str, Handler] = {
    "clients.getGroups": get_groups,
    "clients.getGroup": get_group,
    "clients.createGroup": create_group,
    "clients.updateGroup": update_group,
    "clients.removeGroup": remove_group,
    "clients.sendSms": send_sms,
}
