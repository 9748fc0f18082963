"""Dashboard actions for what a location can sell and how fast: snoozes on the Menu
page, busy mode on the Overview. They act through the same services as the admin API
(``/api/v1/admin/locations/{id}/snoozes`` and ``/busy``), so channels hear of each
change the same way."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from orderbridge.domain.availability import SnoozeTarget
from orderbridge.domain.errors import DomainError
from orderbridge.domain.locations import Location
from orderbridge.services import availability
from orderbridge.services import locations as location_service
from orderbridge.services.errors import NotFound, ServiceError
from orderbridge.web.dashboard.auth import Operator, Posted
from orderbridge.web.dashboard.render import missing
from orderbridge.web.deps import Context

router = APIRouter(prefix="/admin", include_in_schema=False)
Change = Callable[[Location], bool]

SNOOZE_CHOICES: tuple[tuple[str, str], ...] = (
    ("30", "30 min"),
    ("60", "1 hour"),
    ("120", "2 hours"),
    ("240", "4 hours"),
    ("day", "rest of the day"),
)
BUSY_CHOICES: tuple[tuple[str, str], ...] = (
    ("10", "+10 min"),
    ("20", "+20 min"),
    ("30", "+30 min"),
    ("45", "+45 min"),
)
BUSY_FOR: tuple[tuple[str, str], ...] = (
    ("30", "for 30 min"),
    ("60", "for 1 hour"),
    ("120", "for 2 hours"),
    ("", "until I end it"),
)


def snooze_end(location: Location, choice: str, now: datetime) -> datetime | None:
    """When a snooze picked in the form ends: minutes from now, or the location's midnight."""
    if choice == "day":
        local = location.local_time(now)
        midnight = datetime.combine(
            local.date() + timedelta(days=1), datetime.min.time(), location.zone
        )
        return midnight
    if choice.isdigit() and 0 < int(choice) <= 24 * 60:
        return now + timedelta(minutes=int(choice))
    return None


def _menu(location_id: str, **query: str) -> RedirectResponse:
    text = "&".join(f"{k}={v}" for k, v in {"location": location_id, **query}.items())
    return RedirectResponse(f"/admin/menu?{text}", status_code=303)


@router.post("/menu/snoozes", response_model=None)
def snooze(
    request: Request,
    ctx: Context,
    who: Posted,
    location: Annotated[str, Form()],
    target: Annotated[str, Form()],
    target_id: Annotated[str, Form()],
    until: Annotated[str, Form()] = "60",
) -> Response:
    now = ctx.clock()
    with ctx.uow() as tx:
        record = tx.get_location(location, tenant_id=who.tenant_id)
    if record is None:
        return missing(request, "location", who)
    end = snooze_end(record.location, until, now)
    if end is None or target not in SnoozeTarget.__members__.values():
        return _menu(location, error="snooze_invalid")
    try:
        availability.add_snoozes(
            ctx.uow,
            tenant_id=who.tenant_id,
            location_id=location,
            targets=[(SnoozeTarget(target), target_id)],
            until=end,
            reason="from the dashboard",
            clock=ctx.clock,
        )
    except ServiceError:
        return _menu(location, error="snooze_invalid")
    return _menu(location, done="snoozed")


@router.post("/menu/snoozes/{snooze_id}/end", response_model=None)
def end_snooze(
    request: Request,
    snooze_id: str,
    ctx: Context,
    who: Posted,
    location: Annotated[str, Form()],
) -> Response:
    try:
        availability.remove_snooze(
            ctx.uow,
            tenant_id=who.tenant_id,
            location_id=location,
            snooze_id=snooze_id,
            clock=ctx.clock,
        )
    except NotFound:
        return _menu(location, error="snooze_gone")
    return _menu(location, done="unsnoozed")


def _back(**query: str) -> RedirectResponse:
    return RedirectResponse("/admin?" + "&".join(f"{k}={v}" for k, v in query.items()), 303)


def _change(
    request: Request, ctx: Context, who: Operator, location_id: str, change: Change, done: str
) -> Response:
    """Apply a status change through the service (announced to channels) and go back."""
    with ctx.uow() as tx:
        try:
            location_service.change_status(
                tx, tenant_id=who.tenant_id, location_id=location_id, change=change, now=ctx.clock()
            )
        except NotFound:
            return missing(request, "location", who)
        except DomainError:
            return _back(error="busy_invalid")
    return _back(done=done)


@router.post("/locations/{location_id}/busy", response_model=None)
def busy(
    request: Request,
    location_id: str,
    ctx: Context,
    who: Posted,
    extra_minutes: Annotated[str, Form()] = "20",
    duration: Annotated[str, Form()] = "60",
) -> Response:
    now = ctx.clock()
    if not extra_minutes.isdigit() or (duration and not duration.isdigit()):
        return _back(error="busy_invalid")
    until = now + timedelta(minutes=int(duration)) if duration else None

    def change(location: Location) -> bool:
        return location.set_busy(now, extra_minutes=int(extra_minutes), until=until)

    return _change(request, ctx, who, location_id, change, "busy_on")


@router.post("/locations/{location_id}/busy/end", response_model=None)
def end_busy(request: Request, location_id: str, ctx: Context, who: Posted) -> Response:
    now = ctx.clock()
    return _change(
        request, ctx, who, location_id, lambda location: location.end_busy(now), "busy_off"
    )
