"""What the hub is connected to and what it sells: connections and published menus.

Connections are read straight from their table and their credentials column is never
decrypted here: the page shows what is connected and how it stands, not how to log in.
What each connection can do comes from the connector registry, by its kind.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import fields

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from orderbridge import connectors
from orderbridge.storage import codec
from orderbridge.storage import tables as t
from orderbridge.web.convert_hours import snooze_out
from orderbridge.web.dashboard.auth import Signed
from orderbridge.web.dashboard.availability import SNOOZE_CHOICES
from orderbridge.web.dashboard.masking import mask_secret_settings
from orderbridge.web.dashboard.orders_query import location_names
from orderbridge.web.dashboard.render import render
from orderbridge.web.deps import Context

router = APIRouter(prefix="/admin", include_in_schema=False)


@router.get("/menu", response_class=HTMLResponse)
def menu(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    """The published menu of one location (the first one unless ``?location=``), with
    the snoozes running on it and how long each has left."""
    source_name = ""
    with ctx.sessions() as db:
        names = location_names(db, who.tenant_id)
        wanted = request.query_params.get("location", "")
        location_id = wanted if wanted in names else next(iter(names), "")
        snapshot = db.get(t.MenuSnapshot, location_id) if location_id else None
        published = codec.menu_from_json(snapshot.document) if snapshot else None
        if snapshot is not None and snapshot.source_connection_id:
            source = db.get(t.Connection, snapshot.source_connection_id)
            source_name = source.name if source is not None else ""
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
        now=now,
    )


@router.get("/connections", response_class=HTMLResponse)
def connections(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    with ctx.sessions() as db:
        rows = db.scalars(
            select(t.Connection)
            .where(t.Connection.tenant_id == who.tenant_id)
            .order_by(t.Connection.created_at)
        ).all()
        links = db.execute(
            select(
                t.LocationLink.connection_id, t.LocationLink.location_id, t.LocationLink.external_id
            )
            .join(t.Connection, t.Connection.id == t.LocationLink.connection_id)
            .where(t.Connection.tenant_id == who.tenant_id)
            .order_by(t.LocationLink.external_id)
        ).all()
        names = location_names(db, who.tenant_id)
    linked: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for connection_id, location_id, external_id in links:
        linked[connection_id].append((names.get(location_id, location_id), external_id))
    shown = [
        (row, mask_secret_settings(dict(row.settings)), bool(row.credentials), linked[row.id])
        for row in rows
    ]
    can = {row.id: capability_names(row.kind, row.settings) for row in rows}
    return render(request, "connections.html", who=who, connections=shown, can=can)


def capability_names(kind: str, settings: dict[str, object]) -> list[str] | None:
    """What the registry says a connection can do, as readable names (None: a kind this
    hub has no connector for, or settings its connector cannot read)."""
    try:
        declared = connectors.capabilities(kind, settings)
    except (connectors.UnknownKind, ValueError):
        return None
    return [f.name.replace("_", " ") for f in fields(declared) if getattr(declared, f.name)]
