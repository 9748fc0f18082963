"""menu.*Workshop*: stations (bar, kitchen …), every value a string in the answers."""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import missing
from orderbridge.sandboxes.poster.methods.common import live
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state_stock import Workshop


def _view(workshop: Workshop) -> dict[str, Any]:
    return {
        "workshop_id": str(workshop.workshop_id),
        "workshop_name": workshop.workshop_name,
        "delete": "1" if workshop.deleted else "0",
    }


def _name(params: Params) -> str:
    # The reference's updateWorkshop example sends the name as ``product_name``.
    name = (params.str("workshop_name") or params.str("product_name") or "").strip()
    if not name:
        raise missing("workshop_name")
    return name


def get_workshops(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """menu.getWorkshops: every station, removed ones marked (``delete`` "1")."""
    return [_view(w) for w in ctx.account.workshops.values()]


def get_workshop(ctx: CallContext, params: Params) -> dict[str, Any]:
    """menu.getWorkshop."""
    return _view(live(ctx.account.workshops, params.req_int("workshop_id"), "workshop_id"))


def create_workshop(ctx: CallContext, params: Params) -> int:
    """menu.createWorkshop: the new station's id."""
    name = _name(params)
    workshop_id = ctx.account.next_id("workshop")
    ctx.account.workshops[workshop_id] = Workshop(workshop_id=workshop_id, workshop_name=name)
    ctx.emit("workshop", workshop_id, "added")
    return workshop_id


def update_workshop(ctx: CallContext, params: Params) -> int:
    """menu.updateWorkshop: renames a station; answers its id."""
    workshop = live(ctx.account.workshops, params.req_int("workshop_id"), "workshop_id")
    workshop.workshop_name = _name(params)
    ctx.emit("workshop", workshop.workshop_id, "changed")
    return workshop.workshop_id


def remove_workshop(ctx: CallContext, params: Params) -> bool:
    """menu.removeWorkshop: products printing there keep its id, as in Poster."""
    workshop = live(ctx.account.workshops, params.req_int("workshop_id"), "workshop_id")
    workshop.deleted = True
    ctx.emit("workshop", workshop.workshop_id, "removed")
    return True


METHODS: dict[str, Handler] = {
    "menu.getWorkshops": get_workshops,
    "menu.getWorkshop": get_workshop,
    "menu.createWorkshop": create_workshop,
    "menu.updateWorkshop": update_workshop,
    "menu.removeWorkshop": remove_workshop,
}
