"""What the hub sells: the published menus (connections have their own page,
``dashboard.connections``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from orderbridge.storage import codec
from orderbridge.storage import tables as t
from orderbridge.web.dashboard.auth import Signed
from orderbridge.web.dashboard.orders_query import location_names
from orderbridge.web.dashboard.render import render
from orderbridge.web.deps import Context

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/menu", response_class=HTMLResponse)
def menu(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    """The published menu of one location (the first one unless ``?location=``)."""
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
    return render(
        request,
        "menu.html",
        who=who,
        names=names,
        location_id=location_id,
        menu=published,
        version=snapshot.version if snapshot else "",
        updated_at=snapshot.updated_at if snapshot else None,
        source_name=source_name,
        source_kind=source_kind,
        now=ctx.clock(),
    )
