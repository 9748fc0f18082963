"""``/api/v1/admin/connections``: connect a POS or a channel, and look after it.

Thin over ``services.setup``: add (checked with the system before anything is
stored), list, read, change (rename; replace credentials, which clears
``needs_reauth`` and releases parked jobs), remove, test (one harmless call) and
sync (menus now). Calls to the connected system use connectors made for the call and
closed after it; the database work between them is short (one transaction each), and
runs on the event loop as the OAuth callback's does.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any, TypeVar

from fastapi import APIRouter, Response

from orderbridge import connectors
from orderbridge.services import setup as service
from orderbridge.services.errors import ServiceError
from orderbridge.services.setup import ConnectionView, LinkedLocation, SetupParts
from orderbridge.web.deps import AdminCaller, Context, WebContext
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.storefront import ERRORS, api_error
from orderbridge.web.schemas.admin_setup import (
    ConnectionChangedOut,
    ConnectionIn,
    ConnectionOut,
    ConnectionPatchIn,
    ConnectionProbeOut,
    ConnectionsOut,
    LinkedLocationOut,
)

T = TypeVar("T")
PREFIX = "/api/v1/admin/connections"
router = APIRouter(prefix=PREFIX, tags=["admin"], responses={**ERRORS, 502: ERRORS[409]})


def webhook_url(base_url: str, kind: str, connection_id: str) -> str | None:
    """Where a connected system must send its webhooks to reach this hub."""
    found = connectors.CONNECTORS.get(kind)
    path = found.webhook_path_of(connection_id) if found is not None else None
    return f"{base_url.rstrip('/')}{path}" if path else None


def connection_out(
    view: ConnectionView, ctx: WebContext, linked: list[LinkedLocation] | None = None
) -> ConnectionOut:
    locations = linked if linked is not None else list(view.locations)
    return ConnectionOut(
        id=view.id,
        kind=view.kind,
        role=view.role,
        name=view.name,
        status=view.status,
        status_reason=view.status_reason,
        external_account=view.external_account,
        settings=view.settings,
        credentials=list(view.credential_names),
        locations=[
            LinkedLocationOut(
                location_id=x.location_id, name=x.name, external_id=x.external_id, created=x.created
            )
            for x in locations
        ],
        webhook_url=webhook_url(ctx.settings.base_url, view.kind, view.id),
        created_at=view.created_at,
        updated_at=view.updated_at,
    )


def parts(ctx: WebContext) -> SetupParts:
    if ctx.setup is None:
        raise ApiError(404, "not_available", "this hub cannot set up connections")
    return ctx.setup


async def run(call: Awaitable[T]) -> T:
    """Await ``call``; service refusals become the API's errors."""
    try:
        return await call
    except ServiceError as error:
        raise api_error(error) from None


@router.post("", status_code=201, response_model=ConnectionOut)
async def add_connection(body: ConnectionIn, ctx: Context, who: AdminCaller) -> ConnectionOut:
    """Connect a system. A POS's places become hub locations (``locations`` in the
    answer, each ``created`` or linked); a token the system refuses stores nothing."""
    p = parts(ctx)
    request = service.NewConnection(
        tenant_id=who.tenant_id,
        kind=body.kind,
        credentials=body.credentials,
        settings=body.settings,
        name=body.name,
        location_id=body.location_id,
        locations=body.locations,
    )
    view, linked = await run(service.add_connection(request, parts=p))
    return connection_out(view, ctx, linked)


@router.get("", response_model=ConnectionsOut)
def list_connections(ctx: Context, who: AdminCaller) -> ConnectionsOut:
    views = parts(ctx).store.views(who.tenant_id)
    return ConnectionsOut(connections=[connection_out(v, ctx) for v in views])


@router.get("/{connection_id}", response_model=ConnectionOut)
def read_connection(connection_id: str, ctx: Context, who: AdminCaller) -> ConnectionOut:
    try:
        return connection_out(parts(ctx).store.view(who.tenant_id, connection_id), ctx)
    except ServiceError as error:
        raise api_error(error) from None


@router.patch("/{connection_id}", response_model=ConnectionChangedOut)
async def change_connection(
    connection_id: str, body: ConnectionPatchIn, ctx: Context, who: AdminCaller
) -> ConnectionChangedOut:
    """Rename, or replace the credentials: tried with the system first; then the
    connection is active again and what was parked by refused credentials goes back
    to the queue (``released``)."""
    p = parts(ctx)
    view, released = await run(
        service.change_connection(
            who.tenant_id,
            connection_id,
            name=body.name,
            credentials=body.credentials,
            settings=body.settings,
            parts=p,
        )
    )
    out = connection_out(view, ctx)
    return ConnectionChangedOut(**out.model_dump(), released=released)


@router.delete("/{connection_id}", status_code=204)
def remove_connection(connection_id: str, ctx: Context, who: AdminCaller) -> Response:
    """Disconnect: the connection and its links go; its locations, their menus and
    orders stay."""
    try:
        parts(ctx).store.remove(who.tenant_id, connection_id)
    except ServiceError as error:
        raise api_error(error) from None
    return Response(status_code=204)


@router.post("/{connection_id}/test", response_model=ConnectionProbeOut)
async def probe_connection(
    connection_id: str, ctx: Context, who: AdminCaller
) -> ConnectionProbeOut:
    """One harmless call with the stored credentials, and what the system said
    (``ok: false`` with its reason when it refused or did not answer)."""
    p = parts(ctx)
    found = await run(service.probe_connection(who.tenant_id, connection_id, parts=p))
    return ConnectionProbeOut(ok=found.ok, said=found.said, code=found.code)


@router.post("/{connection_id}/sync")
async def sync_connection(connection_id: str, ctx: Context, who: AdminCaller) -> dict[str, Any]:
    """Menus now: a POS's locations import their menus (each location's outcome in the
    answer); a channel's locations get their menus published (queued)."""
    p = parts(ctx)
    return await run(service.sync_connection(who.tenant_id, connection_id, parts=p))
