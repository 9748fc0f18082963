"""spots.*: floor sections (halls) and their tables; every value a string, as shown."""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.params import Params


def get_spot_tables_halls(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """spots.getSpotTablesHalls: every hall of every spot, removed ones included."""
    halls = sorted(ctx.account.halls.values(), key=lambda h: (h.hall_order, h.hall_id))
    return [
        {
            "hall_id": str(hall.hall_id),
            "hall_name": hall.hall_name,
            "hall_order": str(hall.hall_order),
            "spot_id": str(hall.spot_id),
            "delete": str(hall.deleted),
            "last_modified_time": hall.last_modified_time,
        }
        for hall in halls
    ]


def get_table_hall_tables(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """spots.getTableHallTables, by spot and hall, optionally without removed tables.

    ``status`` is 2 while a table has an open check, else 1.
    """
    spot_id = params.int("spot_id")
    hall_id = params.int("hall_id")
    without_deleted = params.int("without_deleted", 0) == 1
    busy = {t.table_id for t in ctx.account.transactions.values() if t.status == 1}
    tables = []
    for table in sorted(ctx.account.tables.values(), key=lambda t: t.table_id):
        if spot_id is not None and table.spot_id != spot_id:
            continue
        if hall_id is not None and table.hall_id != hall_id:
            continue
        if without_deleted and table.is_deleted:
            continue
        tables.append(
            {
                "table_id": str(table.table_id),
                "table_num": table.table_num,
                "table_title": table.table_title,
                "spot_id": str(table.spot_id),
                "table_shape": table.table_shape,
                "hall_id": str(table.hall_id),
                "table_x": str(table.table_x),
                "table_y": str(table.table_y),
                "table_height": str(table.table_height),
                "table_width": str(table.table_width),
                "is_deleted": str(table.is_deleted),
                "status": "2" if table.table_id in busy else "1",
            }
        )
    return tables


METHODS: dict[str, Handler] = {
    "spots.getSpotTablesHalls": get_spot_tables_halls,
    "spots.getTableHallTables": get_table_hall_tables,
}
