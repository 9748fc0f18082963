"""Push a location's opening hours and preparation time to its Wix operation, and read
them back (the mapping is in :mod:`~orderbridge.connectors.wix.mapping_hours`).

- **Hours**: every fulfillment method of the operation (``operation.fulfillmentIds``)
  gets the weekly hours as its ``availability`` — only when it says something else, so
  a repeated job changes nothing — and the dated exceptions become the operation's
  availability exceptions: the hub's own (named ``orderbridge: …``) are created or
  deleted until they are exactly the closures wanted; the restaurant's own are left
  alone. A location without hours in the hub leaves Wix's weekly hours as they are
  (Wix keeps its own), and its old hub closures are removed.
- **Preparation time**: the location's preparation minutes plus busy mode's go into
  ``orderScheduling`` with the status update (see the connector), so a busy kitchen
  shows longer times on the Wix site too.

Every update carries the entity's current ``revision`` (re-read and retried when
stale) and is read back to confirm; a method that reads otherwise after the update is
a :class:`TransientError` (the job retries).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from orderbridge.connectors.wix import mapping_hours as hours
from orderbridge.connectors.wix.client import RevisionConflict, WixClient
from orderbridge.domain.locations import WeeklySchedule
from orderbridge.ports import TransientError


@dataclass(frozen=True)
class HoursPushed:
    """What one push changed at Wix."""

    methods_updated: int
    closures_created: int
    closures_deleted: int

    def as_dict(self) -> dict[str, int]:
        return {
            "methods_updated": self.methods_updated,
            "closures_created": self.closures_created,
            "closures_deleted": self.closures_deleted,
        }


def _wix_time(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _parse(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


async def _set_method_hours(
    client: WixClient, method_id: str, wanted: list[dict[str, Any]], zone: str, retries: int
) -> bool:
    """Give one fulfillment method the weekly hours; False when it had them already."""
    for _ in range(retries + 1):
        method = await client.get_fulfillment_method(method_id)
        if hours.same_times((method.get("availability") or {}).get("availableTimes"), wanted):
            return False
        fields = {
            "revision": method.get("revision"),
            "availability": {"availableTimes": wanted, "timeZone": zone},
        }
        try:
            await client.update_fulfillment_method(method_id, fields)
        except RevisionConflict:
            continue
        confirmed = await client.get_fulfillment_method(method_id)
        if not hours.same_times(
            (confirmed.get("availability") or {}).get("availableTimes"), wanted
        ):
            raise TransientError(f"Wix fulfillment method {method_id} reads other hours")
        return True
    raise TransientError(f"Wix fulfillment method {method_id} kept changing (stale revision)")


async def _sync_closures(
    client: WixClient, operation_id: str, wanted: dict[tuple[datetime, datetime], str]
) -> tuple[int, int]:
    """Make the hub's availability exceptions exactly ``wanted`` (span → name; a
    renamed one is replaced): (created, deleted)."""
    existing = await client.query_availability_exceptions(operation_id)
    ours: dict[tuple[datetime, datetime], str] = {}
    deleted = 0
    for found in existing:
        if not str(found.get("name", "")).startswith(hours.HUB_MARK):
            continue  # the restaurant's own closure
        start, end = _parse(found.get("startTime")), _parse(found.get("endTime"))
        key = (start, end) if start and end else None
        if key is None or wanted.get(key) != found.get("name") or key in ours:
            await client.delete_availability_exception(str(found["id"]))
            deleted += 1
        else:
            ours[key] = str(found["id"])
    created = 0
    for (start, end), name in sorted(wanted.items()):
        if (start, end) in ours:
            continue
        await client.create_availability_exception(
            {
                "startTime": _wix_time(start),
                "endTime": _wix_time(end),
                "name": name,
                "operationId": operation_id,
            }
        )
        created += 1
    return created, deleted


async def push_hours(
    client: WixClient,
    *,
    operation_id: str,
    schedule: WeeklySchedule | None,
    timezone: str,
    now: datetime,
    revision_retries: int,
) -> HoursPushed:
    """Bring the operation's hours in step with ``schedule`` (None: the hub keeps no
    hours for the location, so only the hub's old closures go)."""
    operation = await client.get_operation(operation_id)
    updated = 0
    wanted: dict[tuple[datetime, datetime], str] = {}
    if schedule is not None:
        times = hours.available_times(schedule)
        for method_id in operation.fulfillmentIds:
            if await _set_method_hours(client, method_id, times, timezone, revision_retries):
                updated += 1
        zone = ZoneInfo(timezone)
        for span in hours.closures(schedule, zone=zone, now=now):
            wanted[span] = hours.closure_name(schedule, span, zone)
    created, deleted = await _sync_closures(client, operation_id, wanted)
    return HoursPushed(updated, created, deleted)
