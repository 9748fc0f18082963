"""Business locations (List Locations) and online-ordering operations.

Pausing a restaurant is ``onlineOrderingStatus`` ``PAUSED_UNTIL`` with
``pausedUntilOptions.time``; ``ENABLED`` resumes it and ``DISABLED`` stops online
ordering. Every update carries the operation's current ``revision`` (409 otherwise).
A pause whose time has passed lets orders through again, as Wix's does; the stored
status stays ``PAUSED_UNTIL`` until someone updates it (*unconfirmed*).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orderbridge.sandboxes.wix.errors import invalid, not_found, revision_mismatch
from orderbridge.sandboxes.wix.formats import wix_time
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.state import Operation

STATUSES = ("ENABLED", "DISABLED", "PAUSED_UNTIL")
FULFILLMENT_TYPES = ("PICKUP", "DELIVERY")


def list_locations(sandbox: WixSandbox, include_archived: bool) -> dict[str, Any]:
    locations = [
        loc.data
        for loc in sandbox.world.locations.values()
        if include_archived or not loc.data.get("archived")
    ]
    return {
        "locations": locations,
        "pagingMetadata": {"count": len(locations), "offset": 0, "hasNext": False},
    }


def get_location(sandbox: WixSandbox, location_id: str) -> dict[str, Any]:
    location = sandbox.world.locations.get(location_id)
    if location is None:
        raise not_found("Location", location_id)
    return {"location": location.data}


def get_operation(sandbox: WixSandbox, operation_id: str) -> Operation:
    operation = sandbox.world.operations.get(operation_id)
    if operation is None:
        raise not_found("Operation", operation_id)
    return operation


def list_operations(sandbox: WixSandbox) -> dict[str, Any]:
    return {"operations": [op.wire() for op in sandbox.world.operations.values()]}


def _pause_time(given: dict[str, Any]) -> str:
    options = given.get("pausedUntilOptions")
    value = options.get("time") if isinstance(options, dict) else None
    if not isinstance(value, str):
        raise invalid(
            "operation.pausedUntilOptions.time",
            "is required when onlineOrderingStatus is PAUSED_UNTIL",
            "REQUIRED_FIELD",
        )
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid(
            "operation.pausedUntilOptions.time", "must be an ISO 8601 date-time"
        ) from None
    if moment.tzinfo is None:
        raise invalid("operation.pausedUntilOptions.time", "must carry a time zone (e.g. Z)")
    return wix_time(moment)


def update_operation(sandbox: WixSandbox, operation_id: str, given: Any) -> Operation:
    """Update Operation (PATCH): the fields given change, ``revision`` must be current."""
    if not isinstance(given, dict):
        raise invalid("operation", "is required", "REQUIRED_FIELD")
    if given.get("id") not in (None, operation_id):
        raise invalid("operation.id", "does not match the id in the path")
    operation = get_operation(sandbox, operation_id)
    revision = given.get("revision")
    if revision is None:
        raise invalid("operation.revision", "is required", "REQUIRED_FIELD")
    if str(revision) != str(operation.revision):
        raise revision_mismatch("Operation", operation_id, str(revision), str(operation.revision))
    status = given.get("onlineOrderingStatus", operation.online_ordering_status)
    if status not in STATUSES:
        raise invalid("operation.onlineOrderingStatus", f"must be one of {list(STATUSES)}")
    paused_until = _pause_time(given) if status == "PAUSED_UNTIL" else None
    kind = given.get("defaultFulfillmentType", operation.default_fulfillment_type)
    if kind not in FULFILLMENT_TYPES:
        raise invalid(
            "operation.defaultFulfillmentType", f"must be one of {list(FULFILLMENT_TYPES)}"
        )
    name = given.get("name", operation.name)
    if not isinstance(name, str) or not name:
        raise invalid("operation.name", "must be a non-empty string")
    scheduling = given.get("orderScheduling", operation.order_scheduling)
    if not isinstance(scheduling, dict):
        raise invalid("operation.orderScheduling", "must be an object", "TYPE")
    operation.online_ordering_status = status
    operation.paused_until = paused_until
    operation.default_fulfillment_type = kind
    operation.name = name
    # Wix overwrites orderScheduling whole when any of it is given.
    operation.order_scheduling = scheduling
    operation.revision += 1
    operation.updated_date = wix_time(sandbox.now())
    sandbox.dirty = True
    return operation
