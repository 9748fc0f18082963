"""Busy mode: promised times move later while the kitchen is swamped.

An operator turns it on for a while (``POST /api/v1/admin/locations/{id}/busy``) or a
location turns it on by itself: with ``auto_busy_threshold`` N set, more than N online
orders open at the POS (submitted, accepted, awaiting a cancel) turn busy mode on with
``auto_busy_minutes``, and dropping back to N or fewer turns it off. An operator's busy
mode is never touched by the automatic one. Either way the change is announced like a
pause (``locations.announce``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orderbridge.ports import UnitOfWork
from orderbridge.services.locations import announce

AUTO = "auto"


def follow_open_orders(tx: UnitOfWork, location_id: str, *, now: datetime) -> dict[str, Any]:
    """Turn automatic busy mode on or off for the orders open now (in ``tx``, not
    committed); nothing when the location has no threshold."""
    record = tx.get_location(location_id)
    if record is None or record.options.auto_busy_threshold is None:
        return {}
    threshold = record.options.auto_busy_threshold
    location = record.location
    current = location.busy_at(now)
    count = tx.open_order_count(location_id)
    if count > threshold and current is None:
        location.set_busy(now, extra_minutes=record.options.auto_busy_minutes, source=AUTO)
    elif count <= threshold and current is not None and current.source == AUTO:
        location.end_busy(now, reason=f"{count} open orders, at most {threshold}")
    else:
        return {"open_orders": count}
    announce(tx, record, now=now)
    return {"open_orders": count, "busy": location.busy_state is not None}
