"""The first page: is every location taking orders, is every connection healthy, is
anything stuck (the open incidents)? And the pause/resume buttons, which act through
the same service as ``POST /api/v1/locations/{id}/status``, so channels hear of the
change the same way.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy import select

from orderbridge.domain.errors import DomainError
from orderbridge.domain.locations import Location
from orderbridge.services import locations as location_service
from orderbridge.services.errors import NotFound, ServiceError
from orderbridge.storage import tables as t
from orderbridge.storage.health import BREAKER_OPEN
from orderbridge.storage.incidents import incidents_of
from orderbridge.web.convert_locations import apply_location_status
from orderbridge.web.dashboard import jobs
from orderbridge.web.dashboard.auth import Posted, Signed
from orderbridge.web.dashboard.availability import BUSY_CHOICES, BUSY_FOR
from orderbridge.web.dashboard.orders_query import OrderFilter, order_page, status_counts
from orderbridge.web.dashboard.render import missing, render
from orderbridge.web.deps import Context
from orderbridge.web.schemas import LocationStatusIn

router = APIRouter(prefix="/admin", include_in_schema=False)
OPEN_INCIDENTS_SHOWN = 50

PAUSE_CHOICES: tuple[tuple[str, str], ...] = (
    ("15", "15 min"),
    ("30", "30 min"),
    ("60", "1 hour"),
    ("120", "2 hours"),
    ("240", "4 hours"),
    ("", "until I resume"),
)


@router.get("", response_class=HTMLResponse)
def overview(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    now = ctx.clock()
    with ctx.uow() as tx:
        records = tx.list_locations(who.tenant_id)
    locations = [(r.location, r.location.status_at(now)) for r in records]
    with ctx.sessions() as db:
        connections = db.scalars(
            select(t.Connection)
            .where(t.Connection.tenant_id == who.tenant_id)
            .order_by(t.Connection.created_at)
        ).all()
        queue = jobs.queue_counts(db, who.tenant_id)
        counts = status_counts(db, who.tenant_id)
        recent = order_page(db, who.tenant_id, OrderFilter(), zone=who.zone, per_page=10)
        incidents = incidents_of(db, who.tenant_id, status="open", limit=OPEN_INCIDENTS_SHOWN)
    names = {location.id: location.name for location, _ in locations}
    return render(
        request,
        "overview.html",
        who=who,
        now=now,
        locations=locations,
        connections=connections,
        queue=queue,
        counts=counts,
        recent=recent.rows,
        names=names,
        pause_choices=PAUSE_CHOICES,
        incidents=incidents,
        breakers={i.subject_id for i in incidents if i.kind == BREAKER_OPEN},
        busy_choices=BUSY_CHOICES,
        busy_for=BUSY_FOR,
    )


def pause_until(location: Location, *, minutes: str, until: str, now: datetime) -> datetime | None:
    """The end of a pause from the form: a local date-time wins over a duration."""
    if until:
        return datetime.fromisoformat(until).replace(tzinfo=location.zone)
    if minutes.isdigit():
        return now + timedelta(minutes=int(minutes))
    return None


def _back(**query: str) -> RedirectResponse:
    text = "&".join(f"{k}={v}" for k, v in query.items())
    return RedirectResponse(f"/admin?{text}", status_code=303)


@router.post("/locations/{location_id}/pause", response_model=None)
def pause(
    request: Request,
    location_id: str,
    ctx: Context,
    who: Posted,
    minutes: Annotated[str, Form()] = "",
    until: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    now = ctx.clock()

    def change(location: Location) -> bool:
        end = pause_until(location, minutes=minutes, until=until.strip(), now=now)
        body = LocationStatusIn(action="pause", until=end, reason=reason)
        return apply_location_status(location, body, at=now)

    with ctx.uow() as tx:
        try:
            location_service.change_status(
                tx, tenant_id=who.tenant_id, location_id=location_id, change=change, now=now
            )
        except NotFound:
            return missing(request, "location", who)
        except DomainError:
            return _back(error="pause_past")
        except (ValidationError, ValueError, OverflowError, ServiceError):
            # OverflowError: a number of minutes past any date.
            return _back(error="pause_invalid")
    return _back(done="paused")


@router.post("/locations/{location_id}/resume", response_model=None)
def resume(request: Request, location_id: str, ctx: Context, who: Posted) -> Response:
    now = ctx.clock()
    changed: list[bool] = []

    def change(location: Location) -> bool:
        changed.append(apply_location_status(location, LocationStatusIn(action="resume"), at=now))
        return changed[-1]

    with ctx.uow() as tx:
        try:
            location_service.change_status(
                tx, tenant_id=who.tenant_id, location_id=location_id, change=change, now=now
            )
        except NotFound:
            return missing(request, "location", who)
    return _back(done="resumed") if any(changed) else _back(error="not_paused")
