"""What the hub sells: the published menus (connections have their own page,
``dashboard.connections``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from orderbridge.storage import codec
from orderbridge.storage import tables as t
from orderbridge.web.convert_hours import snooze_out
from orderbridge.web.dashboard.auth import Signed
from orderbridge.web.dashboard.availability import SNOOZE_CHOICES
from orderbridge.web.dashboard.orders_query import location_names
from orderbridge.web.dashboard.render import render
from orderbridge.web.deps import Context

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/menu", response_class=HTMLResponse)
def menu(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    """The published menu of one location (the first one unless ``?location=``), with
    the snoozes running on it and how long each has left."""
    source_name = source_kind = ""
    with ctx.sessions() as db:
        names = location_names(db, who.tenant_id)
        wanted = request.query_params.get("location", "")
        location_id = wanted if wanted in names else next(iter(names), "")
        snapshot = db.get(t.MenuSnapshot, location_id) if location_id else None
        published = codec.menu_from_json(snapshot.document) if snapshot else None
        if snapshot is not None and snapshot.source_connection_id:
            source = db.get(t.Connection, snapshot.source_connection_id)
            source_name = source.name if source is not None else ""
            source_kind = source.kind if source is not None else ""
    now = ctx.clock()
    with ctx.uow() as tx:
        running = [s for s in tx.snoozes(location_id) if s.active_at(now)] if location_id else []
    snoozes = [snooze_out(s, menu=published, now=now) for s in running]
    return render(
        request,
        "menu.html",
        who=who,
        names=names,
        location_id=location_id,
        menu=published,
        snoozes=snoozes,
        snoozed_ids={(s.target.value, s.target_id) for s in running},
        snooze_choices=SNOOZE_CHOICES,
        version=snapshot.version if snapshot else "",
        updated_at=snapshot.updated_at if snapshot else None,
        source_name=source_name,
        source_kind=source_kind,
        now=now,
    )
