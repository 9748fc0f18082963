"""access.* and spots.*: locations, halls and tables."""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.params import Params


def get_spots(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """access.getSpots: every spot, numbers as strings as the reference shows."""
    return [
        {
            "spot_id": str(spot.spot_id),
            "name": spot.spot_name,
            "spot_name": spot.spot_name,
            "spot_adress": spot.spot_adress,
            "address": spot.spot_adress,
            "storage_id": str(spot.storage_id),
            # The reference's shape: the storages attached to the spot.
            "storages": [
                {
                    "storage_id": spot.storage_id,
                    "storage_name": f"Storage of {spot.spot_name}",
                    "storage_adress": spot.spot_adress,
                }
            ],
        }
        for spot in ctx.account.spots.values()
    ]


METHODS: dict[str, Handler] = {
    "access.getSpots": get_spots,
}
