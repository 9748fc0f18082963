"""storage.* and egais.*: the method table of the Storage section.

The handlers live by concern: supplies, suppliers and packs in ``storage_supplies``;
transfers and wastes in ``storage_moves``; manufactures in ``storage_manufactures``;
storages, leftovers and the stock reports in ``storage_stock``.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Envelope, Handler
from orderbridge.sandboxes.poster.methods import (
    storage_manufactures,
    storage_moves,
    storage_stock,
    storage_supplies,
)
from orderbridge.sandboxes.poster.params import Params


def get_egais_positions(ctx: CallContext, params: Params) -> Envelope:
    """egais.getPositionsWithSupplyStatus: EGAIS positions changed after ``after``
    (unix seconds), newest first, paged; ``total_count`` beside ``response`` counts
    them all, as the reference's example shows."""
    after = params.int("after", 0) or 0
    per_page = max(params.int("per_page", 50) or 50, 1)
    page = max(params.int("page", 1) or 1, 1)
    found = sorted(
        (p for p in ctx.account.egais_positions if p.last_modified_time > after),
        key=lambda p: -p.egais_supply_position_id,
    )
    chunk: list[dict[str, Any]] = [
        p.model_dump() for p in found[(page - 1) * per_page : page * per_page]
    ]
    return Envelope({"response": chunk, "total_count": len(found)})


METHODS: dict[str, Handler] = {
    **storage_supplies.METHODS,
    **storage_moves.METHODS,
    **storage_manufactures.METHODS,
    **storage_stock.METHODS,
    "egais.getPositionsWithSupplyStatus": get_egais_positions,
}
