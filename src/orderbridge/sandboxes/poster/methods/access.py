"""access.*Spot*: the account's locations (spots) and the storages that serve them.

access.getSpots writes ``spot_id`` as a string and each storage's ``storage_id`` as a
number, as the reference's example does. A new spot gets its own storage, as Poster's
back office makes one with every location.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing
from orderbridge.sandboxes.poster.methods import access_staff
from orderbridge.sandboxes.poster.methods.common import live, truthy
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account, Spot
from orderbridge.sandboxes.poster.state_stock import Storage


def spot_storages(account: Account, spot_id: int) -> list[Storage]:
    """The live storages serving ``spot_id``."""
    return [s for s in account.storages.values() if s.spot_id == spot_id and not s.deleted]


def get_spots(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """access.getSpots: live spots with their storages (``1c=true`` adds ``id_1c``)."""
    with_1c = truthy(params, "1c")
    answer = []
    for spot in ctx.account.spots.values():
        if spot.deleted:
            continue
        row: dict[str, Any] = {
            "spot_id": str(spot.spot_id),
            "spot_name": spot.spot_name,
            "spot_adress": spot.spot_adress,
        }
        if with_1c:
            row["id_1c"] = spot.id_1c
        row["storages"] = [
            {
                "storage_id": storage.storage_id,
                "storage_name": storage.storage_name,
                "storage_adress": storage.storage_adress,
            }
            for storage in spot_storages(ctx.account, spot.spot_id)
        ]
        answer.append(row)
    return answer


def _name(params: Params) -> str:
    name = (params.str("spot_name") or "").strip()
    if not name:
        raise missing("spot_name")
    return name


def create_spot(ctx: CallContext, params: Params) -> int:
    """access.createSpot: the new spot's id; a storage for it comes along."""
    name = _name(params)
    address = params.str("spot_adress", "") or ""
    account = ctx.account
    spot_id = account.next_id("spot")
    storage_id = account.next_id("storage")
    account.storages[storage_id] = Storage(
        storage_id=storage_id, storage_name=f"Склад {name}", spot_id=spot_id
    )
    account.spots[spot_id] = Spot(
        spot_id=spot_id, spot_name=name, spot_adress=address, storage_id=storage_id
    )
    return spot_id


def update_spot(ctx: CallContext, params: Params) -> int:
    """access.updateSpot: renames (and readdresses) a spot; answers its id."""
    spot = live(ctx.account.spots, params.req_int("spot_id"), "spot_id")
    name = _name(params)
    spot.spot_name = name
    address = params.str("spot_adress")
    if address is not None:
        spot.spot_adress = address
    return spot.spot_id


def remove_spot(ctx: CallContext, params: Params) -> bool:
    """access.removeSpot: the spot is removed (the account keeps at least one)."""
    spot = live(ctx.account.spots, params.req_int("spot_id"), "spot_id")
    if sum(1 for s in ctx.account.spots.values() if not s.deleted) == 1:
        raise PosterError(153, "The account's last spot cannot be removed", field="spot_id")
    spot.deleted = True
    return True


METHODS: dict[str, Handler] = {
    "access.getSpots": get_spots,
    "access.createSpot": create_spot,
    "access.updateSpot": update_spot,
    "access.removeSpot": remove_spot,
    **access_staff.METHODS,
}
