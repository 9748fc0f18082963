"""The Locations page: each location's name, timezone, price policy and stuck-order
wait, its opening hours (weekly, with exceptions: shown and edited here, saved through
the same service as ``PUT /api/v1/admin/locations/{id}/hours``), and what it is linked
to; and a location made by hand (for a POS that does not say its places' currency:
linked when the POS is connected). Pauses are on the Overview; menus on the Menu page
(read-only: they come from the POS)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from orderbridge.domain.locations import WeeklySchedule
from orderbridge.services import locations as location_service
from orderbridge.services.errors import Invalid, ServiceError
from orderbridge.storage import admin_locations as store
from orderbridge.storage.alert_destinations import stuck_waits
from orderbridge.web.dashboard.auth import Operator, Posted, Signed
from orderbridge.web.dashboard.hours_form import (
    DAYS,
    HoursProblem,
    HoursText,
    hours_text,
    read_hours,
)
from orderbridge.web.dashboard.render import render
from orderbridge.web.dashboard.setup_pages import Outcome, back, done_note, refused
from orderbridge.web.deps import Context, WebContext

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE = "/admin/locations"
COMMON_ZONES = (
    "Europe/Kyiv",
    "Europe/Warsaw",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Chisinau",
    "Asia/Tbilisi",
    "Asia/Almaty",
    "America/New_York",
    "UTC",
)


def page(
    request: Request,
    ctx: WebContext,
    who: Operator,
    *,
    outcome: Outcome | None = None,
    status: int = 200,
    typed: tuple[str, HoursText, HoursProblem] | None = None,
) -> HTMLResponse:
    """The page; ``typed``: a location's refused hours, shown as typed with the problem."""
    now = ctx.clock()
    with ctx.uow() as tx:
        records = tx.list_locations(who.tenant_id)
    with ctx.sessions() as db:
        links = store.links_by_location(db, who.tenant_id)
        menus = {r.location.id: store.menu_of(db, r.location.id) for r in records}
        waits = {w.location_id: w.minutes for w in stuck_waits(db, who.tenant_id)}
    rows = [
        (r, r.location.status_at(now), links.get(r.location.id, []), menus[r.location.id])
        for r in records
    ]
    hours = {r.location.id: hours_text(r.location.schedule) for r in records}
    problem = None
    if typed is not None:
        hours[typed[0]], problem = typed[1], typed[2]
    return render(
        request,
        "locations.html",
        status=status,
        who=who,
        rows=rows,
        zones=COMMON_ZONES,
        outcome=outcome,
        now=now,
        waits=waits,
        days=DAYS,
        hours=hours,
        hours_problem=problem,
        problem_at=typed[0] if typed else "",
    )


@router.get("/locations", response_class=HTMLResponse)
def locations(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    return page(request, ctx, who, outcome=done_note(request))


@router.post("/locations/{location_id}/settings", response_model=None)
def save(
    request: Request,
    location_id: str,
    ctx: Context,
    who: Posted,
    name: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "",
    price_policy: Annotated[str, Form()] = "",
    stuck_after_minutes: Annotated[str, Form()] = "",
) -> Response:
    try:
        with ctx.sessions() as db, db.begin():
            store.update_location(
                db,
                who.tenant_id,
                location_id,
                name=name or None,
                timezone=timezone.strip() or None,
                price_policy=price_policy or None,
                stuck_after_minutes=_minutes(stuck_after_minutes),
            )
    except ServiceError as error:
        outcome = refused(error, subject=location_id)
        return page(request, ctx, who, outcome=outcome, status=error.status)
    return back(PAGE, "saved", id=location_id)


@router.post("/locations", response_model=None)
def add(
    request: Request,
    ctx: Context,
    who: Posted,
    name: Annotated[str, Form()] = "",
    timezone: Annotated[str, Form()] = "",
    currency: Annotated[str, Form()] = "",
    price_policy: Annotated[str, Form()] = "menu",
) -> Response:
    """A location made by hand (``POST /api/v1/admin/locations``)."""
    try:
        with ctx.sessions() as db, db.begin():
            location_id = store.add_location(
                db,
                who.tenant_id,
                name=name,
                timezone=timezone.strip(),
                currency=currency.strip().upper(),
                price_policy=price_policy,
            )
    except ServiceError as error:
        return page(request, ctx, who, outcome=refused(error), status=error.status)
    return back(PAGE, "added", id=location_id)


def _minutes(text: str) -> int | None:
    """The stuck-order wait as typed (empty: unchanged); not a whole number: refused."""
    if not text.strip():
        return None
    if not text.strip().isdigit():
        raise Invalid(
            "invalid_value", "stuck_after_minutes is a whole number", field="stuck_after_minutes"
        )
    return int(text.strip())


def _save_hours(
    request: Request, ctx: WebContext, who: Operator, location_id: str, hours: WeeklySchedule | None
) -> Response:
    try:
        with ctx.uow() as tx:
            location_service.replace_hours(
                tx,
                tenant_id=who.tenant_id,
                location_id=location_id,
                schedule=hours,
                now=ctx.clock(),
            )
    except ServiceError as error:
        outcome = refused(error, subject=location_id)
        return page(request, ctx, who, outcome=outcome, status=error.status)
    return back(PAGE, "hours_saved" if hours else "hours_cleared", id=location_id)


@router.post("/locations/{location_id}/hours", response_model=None)
def save_hours(
    request: Request,
    location_id: str,
    ctx: Context,
    who: Posted,
    monday: Annotated[str, Form()] = "",
    tuesday: Annotated[str, Form()] = "",
    wednesday: Annotated[str, Form()] = "",
    thursday: Annotated[str, Form()] = "",
    friday: Annotated[str, Form()] = "",
    saturday: Annotated[str, Form()] = "",
    sunday: Annotated[str, Form()] = "",
    exceptions: Annotated[str, Form()] = "",
) -> Response:
    """Replace the weekly hours and exceptions; refused hours change nothing and come
    back as typed, with the problem next to its box."""
    days = (monday, tuesday, wednesday, thursday, friday, saturday, sunday)
    typed = HoursText(weekly=dict(zip(DAYS, days, strict=True)), exceptions=exceptions)
    hours = read_hours(typed)
    if isinstance(hours, HoursProblem):
        error = Invalid("invalid_hours", hours.message, field=hours.field)
        outcome = refused(error, subject=location_id)
        return page(
            request, ctx, who, outcome=outcome, status=422, typed=(location_id, typed, hours)
        )
    return _save_hours(request, ctx, who, location_id, hours)


@router.post("/locations/{location_id}/hours/clear", response_model=None)
def clear_hours(request: Request, location_id: str, ctx: Context, who: Posted) -> Response:
    """No opening hours: open around the clock (``DELETE …/hours``)."""
    return _save_hours(request, ctx, who, location_id, None)
