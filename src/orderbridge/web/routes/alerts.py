"""Alert destinations and incidents (admin keys only).

``POST /api/v1/admin/alerts`` registers a URL for the tenant's incidents; ``GET`` lists
the destinations, ``DELETE …/{id}`` removes one, ``POST …/{id}/test`` queues a test
alert to it. ``GET /api/v1/admin/incidents`` lists incidents, open ones by default.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Query, Response

from orderbridge.ports import Incident
from orderbridge.storage import alert_destinations as store
from orderbridge.storage.alert_tables import AlertDestination
from orderbridge.storage.incidents import incidents_of
from orderbridge.web.alerting import add_destination, queue_test_alert
from orderbridge.web.deps import AdminCaller, Context
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.storefront import ERRORS
from orderbridge.web.schemas.alerts import (
    AlertDestinationCreatedOut,
    AlertDestinationIn,
    AlertDestinationOut,
    IncidentOut,
    IncidentsOut,
)
from orderbridge.web.urls import require_callable_url

router = APIRouter(prefix="/api/v1/admin", tags=["alerts"], responses=ERRORS)


def destination_out(row: AlertDestination) -> AlertDestinationOut:
    return AlertDestinationOut.model_validate(
        {
            "id": row.id,
            "url": row.url,
            "events": row.events["events"],
            "description": row.description,
            "created_at": row.created_at,
        }
    )


def incident_out(incident: Incident) -> IncidentOut:
    return IncidentOut(
        id=incident.id,
        kind=incident.kind,
        subject_id=incident.subject_id,
        status=incident.status,
        detail=incident.detail,
        data=dict(incident.data),
        opened_at=incident.opened_at,
        cleared_at=incident.cleared_at,
    )


@router.post("/alerts", status_code=201, response_model=AlertDestinationCreatedOut)
async def create_destination(
    body: AlertDestinationIn, ctx: Context, who: AdminCaller
) -> AlertDestinationCreatedOut:
    """Send the tenant's incidents of ``events`` to ``url`` (a Slack incoming webhook
    works as it is); the answer carries the signing secret, shown only this once.

    Loopback, private and link-local addresses are refused (SSRF) unless the
    deployment allows them for local development.
    """
    await require_callable_url(body.url, allow_private=ctx.settings.allow_private_urls)
    with ctx.sessions() as session, session.begin():
        issued = add_destination(session, ctx.cipher, who.tenant_id, body, now=ctx.clock())
        out = destination_out(issued.row)
    return AlertDestinationCreatedOut(**out.model_dump(), secret=issued.secret)


@router.get("/alerts", response_model=list[AlertDestinationOut])
def list_destinations(ctx: Context, who: AdminCaller) -> list[AlertDestinationOut]:
    with ctx.sessions() as session:
        return [destination_out(row) for row in store.destinations(session, who.tenant_id)]


@router.delete("/alerts/{destination_id}", status_code=204)
def delete_destination(destination_id: str, ctx: Context, who: AdminCaller) -> Response:
    with ctx.sessions() as session, session.begin():
        if not store.delete_destination(session, who.tenant_id, destination_id):
            raise ApiError(404, "unknown_alert_destination", "no such alert destination", "id")
    return Response(status_code=204)


@router.post("/alerts/{destination_id}/test", status_code=202)
def test_destination(destination_id: str, ctx: Context, who: AdminCaller) -> dict[str, int]:
    """Queue a test alert (``type`` ``alert.test``) to the destination: does it arrive?"""
    with ctx.sessions() as session, session.begin():
        job = queue_test_alert(session, who.tenant_id, destination_id, now=ctx.clock())
    if job is None:
        raise ApiError(404, "unknown_alert_destination", "no such alert destination", "id")
    return {"queued": job}


@router.get("/incidents", response_model=IncidentsOut)
def list_incidents(
    ctx: Context,
    who: AdminCaller,
    status: Literal["open", "cleared", "all"] = Query("open"),
    limit: int = Query(100, ge=1, le=1000),
) -> IncidentsOut:
    """The tenant's incidents, newest first: open ones unless ``status`` says otherwise."""
    with ctx.sessions() as session:
        found = incidents_of(
            session, who.tenant_id, status=None if status == "all" else status, limit=limit
        )
    return IncidentsOut(incidents=[incident_out(i) for i in found])
