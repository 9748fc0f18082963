"""When a Wix restaurant takes orders: fulfillment methods' weekly ``availability`` and
the operation's availability exceptions.

Wix Restaurants (the "new" Orders app) keeps opening hours per fulfillment method
(Fulfillment Methods API, ``/fulfillment-methods/v1/fulfillment-methods``): its
``availability`` is ``{"availableTimes": [{"dayOfWeek": "MON", "timeRanges":
[{"startTime": {"hours": 9, "minutes": 0}, "endTime": {"hours": 18, "minutes": 0}}]}],
"timeZone": …}``, one entry per open weekday (a weekday left out is closed). Updates
are partial PATCHes wrapped in ``fulfillmentMethod`` and carry the current
``revision``. Wix overrides ``timeZone`` with the site's own zone whatever is sent; the
sandbox answers with the business location's.

One-off closures are availability exceptions (``/restaurants-availability-exceptions/v1/
availability-exceptions``): a ``startTime``–``endTime`` range of an ``operationId``
during which the restaurant does not take orders. Wix documents ``available`` as
read-only and supports only ``false``.

Whether a time range may end at midnight (``{"hours": 24}``) or before its start (a
night past midnight) is *unconfirmed*; the sandbox refuses both, as the documented
bounds (hours 0-23) say, so a client must split such a night at midnight.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orderbridge.sandboxes.wix.errors import invalid, not_found, revision_mismatch
from orderbridge.sandboxes.wix.formats import wix_time
from orderbridge.sandboxes.wix.sandbox import WixSandbox

DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
METHODS = "/fulfillment-methods/v1/fulfillment-methods"
EXCEPTIONS = "/restaurants-availability-exceptions/v1/availability-exceptions"


# Fulfillment methods ----------------------------------------------------------------


def get_method(sandbox: WixSandbox, method_id: str) -> dict[str, Any]:
    found = sandbox.world.fulfillment_methods.get(method_id)
    if found is None:
        raise not_found("FulfillmentMethod", method_id)
    return found


def list_methods(sandbox: WixSandbox) -> dict[str, Any]:
    methods = list(sandbox.world.fulfillment_methods.values())
    return {"fulfillmentMethods": methods, "pagingMetadata": {"count": len(methods)}}


def _clock(value: Any, field: str) -> int:
    if not isinstance(value, dict):
        raise invalid(field, "must be an object {hours, minutes}", "TYPE")
    hours, minutes = value.get("hours", 0), value.get("minutes", 0)
    for name, number, top in (("hours", hours, 23), ("minutes", minutes, 59)):
        if isinstance(number, bool) or not isinstance(number, int) or not 0 <= number <= top:
            raise invalid(f"{field}.{name}", f"must be an integer 0-{top}")
    return int(hours) * 60 + int(minutes)


def _availability(sandbox: WixSandbox, given: Any) -> dict[str, Any]:
    """A checked ``availability``; its ``timeZone`` is the site's, as Wix does."""
    if not isinstance(given, dict):
        raise invalid("fulfillmentMethod.availability", "must be an object", "TYPE")
    zone = given.get("timeZone")
    if not isinstance(zone, str) or not zone:
        raise invalid("fulfillmentMethod.availability.timeZone", "is required", "REQUIRED_FIELD")
    times = given.get("availableTimes", [])
    if not isinstance(times, list):
        raise invalid("fulfillmentMethod.availability.availableTimes", "must be a list", "TYPE")
    seen: set[str] = set()
    for i, entry in enumerate(times):
        at = f"fulfillmentMethod.availability.availableTimes[{i}]"
        day = entry.get("dayOfWeek") if isinstance(entry, dict) else None
        if day not in DAYS:
            raise invalid(f"{at}.dayOfWeek", f"must be one of {list(DAYS)}")
        if day in seen:
            raise invalid(f"{at}.dayOfWeek", f"{day} is given twice")
        seen.add(day)
        ranges = entry.get("timeRanges", [])
        if not isinstance(ranges, list):
            raise invalid(f"{at}.timeRanges", "must be a list", "TYPE")
        for j, span in enumerate(ranges):
            where = f"{at}.timeRanges[{j}]"
            if not isinstance(span, dict):
                raise invalid(where, "must be an object", "TYPE")
            start = _clock(span.get("startTime"), f"{where}.startTime")
            end = _clock(span.get("endTime"), f"{where}.endTime")
            if end <= start:
                raise invalid(f"{where}.endTime", "must be after startTime")
    return {"availableTimes": times, "timeZone": sandbox.site_time_zone()}


def update_method(sandbox: WixSandbox, method_id: str, given: Any) -> dict[str, Any]:
    """Update Fulfillment Method (PATCH): the fields given change, ``revision`` must be
    current. The sandbox lets ``availability``, ``enabled`` and ``name`` change."""
    if not isinstance(given, dict):
        raise invalid("fulfillmentMethod", "is required", "REQUIRED_FIELD")
    method = get_method(sandbox, method_id)
    revision = given.get("revision")
    if revision is None:
        raise invalid("fulfillmentMethod.revision", "is required", "REQUIRED_FIELD")
    if str(revision) != method["revision"]:
        raise revision_mismatch("FulfillmentMethod", method_id, str(revision), method["revision"])
    changes: dict[str, Any] = {}
    if "availability" in given:
        changes["availability"] = _availability(sandbox, given["availability"])
    if "enabled" in given:
        if not isinstance(given["enabled"], bool):
            raise invalid("fulfillmentMethod.enabled", "must be a boolean", "TYPE")
        changes["enabled"] = given["enabled"]
    if "name" in given:
        if not isinstance(given["name"], str) or not given["name"]:
            raise invalid("fulfillmentMethod.name", "must be a non-empty string")
        changes["name"] = given["name"]
    method.update(changes)
    method["revision"] = str(int(method["revision"]) + 1)
    method["updatedDate"] = wix_time(sandbox.now())
    sandbox.dirty = True
    return method


# Availability exceptions ------------------------------------------------------------


def _moment(value: Any, field: str) -> datetime:
    if not isinstance(value, str):
        raise invalid(field, "is required", "REQUIRED_FIELD")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise invalid(field, "must be an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise invalid(field, "must carry a time zone (e.g. Z)")
    return moment


def create_exception(sandbox: WixSandbox, given: Any) -> dict[str, Any]:
    """Create Availability Exception: a closure of one operation from start to end."""
    if not isinstance(given, dict):
        raise invalid("availabilityException", "is required", "REQUIRED_FIELD")
    start = _moment(given.get("startTime"), "availabilityException.startTime")
    end = _moment(given.get("endTime"), "availabilityException.endTime")
    if end <= start:
        raise invalid("availabilityException.endTime", "must be after startTime")
    operation_id = given.get("operationId")
    operation = sandbox.world.operations.get(str(operation_id))
    if operation is None:
        raise invalid("availabilityException.operationId", "names no operation")
    if given.get("available", False) is not False:
        raise invalid("availabilityException.available", "only false is supported")
    name = given.get("name", "")
    if not isinstance(name, str) or len(name) > 500:
        raise invalid("availabilityException.name", "must be a string of at most 500 characters")
    stamp, exception_id = wix_time(sandbox.now()), sandbox.new_id()
    created: dict[str, Any] = {
        "id": exception_id,
        "revision": "1",
        "createdDate": stamp,
        "updatedDate": stamp,
        "startTime": wix_time(start),
        "endTime": wix_time(end),
        "available": False,
        "name": name,
        "operationId": operation.id,
        "businessLocationId": operation.business_location_id,
    }
    sandbox.world.availability_exceptions[exception_id] = created
    sandbox.dirty = True
    return created


def query_exceptions(sandbox: WixSandbox, query: Any) -> dict[str, Any]:
    """Query Availability Exceptions; the sandbox filters on ``operationId`` only
    (``{"operationId": id}`` or ``{"operationId": {"$eq": id}}``)."""
    wanted: Any = None
    if isinstance(query, dict) and isinstance(query.get("filter"), dict):
        wanted = query["filter"].get("operationId")
        if isinstance(wanted, dict):
            wanted = wanted.get("$eq")
    found = [
        e
        for e in sandbox.world.availability_exceptions.values()
        if wanted is None or e["operationId"] == wanted
    ]
    found.sort(key=lambda e: (e["startTime"], e["id"]))
    return {"availabilityExceptions": found, "pagingMetadata": {"count": len(found)}}


def delete_exception(sandbox: WixSandbox, exception_id: str) -> None:
    if sandbox.world.availability_exceptions.pop(exception_id, None) is None:
        raise not_found("AvailabilityException", exception_id)
    sandbox.dirty = True
