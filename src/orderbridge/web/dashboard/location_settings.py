"""The Locations page: each location's name, timezone and price policy, and what it is
linked to. Pauses are on the Overview; menus on the Menu page (read-only: they come
from the POS)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from orderbridge.services.errors import ServiceError
from orderbridge.storage import admin_locations as store
from orderbridge.web.dashboard.auth import Operator, Posted, Signed
from orderbridge.web.dashboard.render import render
from orderbridge.web.dashboard.setup_pages import Outcome, back, done_note
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
) -> HTMLResponse:
    now = ctx.clock()
    with ctx.uow() as tx:
        records = tx.list_locations(who.tenant_id)
    with ctx.sessions() as db:
        links = store.links_by_location(db, who.tenant_id)
        menus = {r.location.id: store.menu_of(db, r.location.id) for r in records}
    rows = [
        (r, r.location.status_at(now), links.get(r.location.id, []), menus[r.location.id])
        for r in records
    ]
    return render(
        request,
        "locations.html",
        status=status,
        who=who,
        rows=rows,
        zones=COMMON_ZONES,
        outcome=outcome,
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
            )
    except ServiceError as error:
        field = f" ({error.field})" if error.field else ""
        text = f"{error.code}: {error.message}{field}"
        return page(
            request,
            ctx,
            who,
            outcome=Outcome(False, text, subject=location_id),
            status=error.status,
        )
    return back(PAGE, "saved", id=location_id)
