"""Alerts: where the tenant's incidents are sent, and the incidents themselves.

The page lists the alert destinations (add one: its signing secret is shown once, on
the page that answers the form; remove one), the open incidents and the recent
cleared ones; "Send a test" queues a test alert to one. Destinations are checked
against the SSRF guard as in the admin API. It also sets, per location, how long an
order may wait for the POS to accept it before it counts as stuck (``order.stuck``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from orderbridge.connectors.storefront.ssrf import UnsafeUrl, check_url
from orderbridge.storage import alert_destinations as store
from orderbridge.storage.incidents import incidents_of
from orderbridge.web import alerting
from orderbridge.web.dashboard.auth import Operator, Posted, Signed
from orderbridge.web.dashboard.render import render
from orderbridge.web.deps import Context
from orderbridge.web.schemas.alerts import AlertDestinationIn, AlertEvent

router = APIRouter(prefix="/admin", include_in_schema=False)

RECENT_CLEARED = 20
EVENT_CHOICES: tuple[str, ...] = tuple(e.value for e in AlertEvent if e is not AlertEvent.ALL)


def _page(
    request: Request,
    ctx: Context,
    who: Operator,
    *,
    status: int = 200,
    created: store.IssuedDestination | None = None,
    problem: str | None = None,
    form: dict[str, object] | None = None,
    stuck_problem: str | None = None,
) -> HTMLResponse:
    with ctx.sessions() as session:
        destinations = store.destinations(session, who.tenant_id)
        open_incidents = incidents_of(session, who.tenant_id, status="open", limit=200)
        cleared = incidents_of(session, who.tenant_id, status="cleared", limit=RECENT_CLEARED)
        waits = store.stuck_waits(session, who.tenant_id)
    return render(
        request,
        "alerts.html",
        status=status,
        who=who,
        destinations=destinations,
        open_incidents=open_incidents,
        cleared=cleared,
        created=created,
        form_problem=problem,
        form=form or {},
        event_choices=EVENT_CHOICES,
        waits=waits,
        stuck_problem=stuck_problem,
        max_wait=store.MAX_STUCK_AFTER_MINUTES,
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    return _page(request, ctx, who)


@router.post("/alerts", response_class=HTMLResponse)
async def add_destination(
    request: Request,
    ctx: Context,
    who: Posted,
    url: Annotated[str, Form()] = "",
    description: Annotated[str, Form()] = "",
    events: Annotated[list[str] | None, Form()] = None,
) -> HTMLResponse:
    """Register a destination; the answer shows its secret, once."""
    form: dict[str, object] = {"url": url, "description": description, "events": events or []}
    try:
        body = AlertDestinationIn.model_validate(
            {"url": url, "description": description, "events": events or [AlertEvent.ALL]}
        )
        await check_url(body.url, allow_private=ctx.settings.allow_private_urls)
    except ValidationError as invalid:
        first = invalid.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "form"
        return _page(request, ctx, who, status=422, problem=f"{where}: {first['msg']}", form=form)
    except UnsafeUrl as unsafe:
        return _page(request, ctx, who, status=422, problem=f"url: {unsafe}", form=form)
    with ctx.sessions() as session, session.begin():
        issued = alerting.add_destination(session, ctx.cipher, who.tenant_id, body, now=ctx.clock())
    return _page(request, ctx, who, status=201, created=issued)


@router.post("/alerts/{destination_id}/delete", response_model=None)
def remove_destination(destination_id: str, ctx: Context, who: Posted) -> Response:
    with ctx.sessions() as session, session.begin():
        removed = store.delete_destination(session, who.tenant_id, destination_id)
    if not removed:
        return RedirectResponse("/admin/alerts?error=alert_gone", 303)
    return RedirectResponse("/admin/alerts?done=alert_removed", 303)


@router.post("/alerts/{destination_id}/test", response_model=None)
def test_destination(destination_id: str, ctx: Context, who: Posted) -> Response:
    """Queue a test alert to the destination (the API's ``POST …/{id}/test``)."""
    with ctx.sessions() as session, session.begin():
        job = alerting.queue_test_alert(session, who.tenant_id, destination_id, now=ctx.clock())
    if job is None:
        return RedirectResponse("/admin/alerts?error=alert_gone", 303)
    return RedirectResponse("/admin/alerts?done=alert_test_queued", 303)


@router.post("/alerts/stuck/{location_id}", response_model=None)
def set_stuck_after(
    request: Request,
    location_id: str,
    ctx: Context,
    who: Posted,
    minutes: Annotated[str, Form()] = "",
) -> Response:
    """How long the location's orders may wait for the POS before ``order.stuck``."""
    value = minutes.strip()
    if not (value.isascii() and value.isdigit()) or int(value) > store.MAX_STUCK_AFTER_MINUTES:
        problem = f"minutes: a whole number from 0 to {store.MAX_STUCK_AFTER_MINUTES}"
        return _page(request, ctx, who, status=422, stuck_problem=problem)
    with ctx.sessions() as session, session.begin():
        found = store.set_stuck_after(
            session, who.tenant_id, location_id, int(value), now=ctx.clock()
        )
    if not found:
        return RedirectResponse("/admin/alerts?error=unknown_location", 303)
    return RedirectResponse("/admin/alerts?done=stuck_saved", 303)
