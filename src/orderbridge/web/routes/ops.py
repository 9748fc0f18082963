"""Operations: metrics, dead letters and replays (admin keys only); health is in
``health.py``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from orderbridge.messaging.tables import OutboxJob
from orderbridge.services import orders as order_service
from orderbridge.services import reservations as reservation_service
from orderbridge.services.errors import ServiceError
from orderbridge.services.menus import IMPORT_MENU
from orderbridge.web.convert import order_to_out, reservation_to_out
from orderbridge.web.deps import AdminCaller, Context
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.storefront import ERRORS, api_error
from orderbridge.web.schemas import OrderOut, ReservationOut
from orderbridge.web.schemas.common import MAX_ROW_ID

router = APIRouter(responses=ERRORS)
MAX_OFFSET = 1_000_000_000


@router.get("/metrics", tags=["operations"])
def metrics(ctx: Context) -> Response:
    return Response(generate_latest(ctx.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/api/v1/admin/deadletters", tags=["operations"])
def list_dead_letters(
    ctx: Context,
    who: AdminCaller,
    limit: int = Query(100, ge=1, le=1000),
    # Bounded so no integer the database cannot hold reaches it (a 500 otherwise).
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
) -> dict[str, Any]:
    """The tenant's dead jobs, newest first (hub-wide jobs such as sweeps belong to no
    tenant and are not listed here)."""
    from orderbridge.web.dashboard import jobs  # the dashboard's, imported on use

    with ctx.sessions() as session:
        rows = jobs.dead_page(session, who.tenant_id, limit=limit, offset=offset)
        return {"deadletters": [_dead(row) for row in rows]}


@router.post("/api/v1/admin/deadletters/{job_id}/retry", tags=["operations"])
def retry_dead_letter(
    job_id: Annotated[int, Path(ge=1, le=MAX_ROW_ID)], ctx: Context, who: AdminCaller
) -> dict[str, Any]:
    from orderbridge.web.dashboard import jobs  # the dashboard's, imported on use

    with ctx.sessions() as session, session.begin():
        if not jobs.owns_dead(session, who.tenant_id, job_id):
            raise ApiError(404, "unknown_deadletter", "no dead letter with that id", "job_id")
        jobs.retry(session, [job_id], now=ctx.clock())
    return {"retried": job_id}


@router.post("/api/v1/admin/orders/{order_id}/replay", response_model=OrderOut, tags=["operations"])
def replay_order(order_id: str, ctx: Context, who: AdminCaller) -> OrderOut:
    with ctx.uow() as tx:
        try:
            stored = order_service.replay_order(
                tx, order_id=order_id, now=ctx.clock(), tenant_id=who.tenant_id
            )
        except ServiceError as error:
            raise api_error(error) from None
    return order_to_out(stored.order, updated_at=stored.updated_at)


@router.post(
    "/api/v1/admin/reservations/{reservation_id}/replay",
    response_model=ReservationOut,
    tags=["operations"],
)
def replay_reservation(reservation_id: str, ctx: Context, who: AdminCaller) -> ReservationOut:
    """Send a failed reservation to the POS again, once its cause is fixed."""
    with ctx.uow() as tx:
        try:
            stored = reservation_service.replay_reservation(
                tx, reservation_id=reservation_id, now=ctx.clock(), tenant_id=who.tenant_id
            )
        except ServiceError as error:
            raise api_error(error) from None
    return reservation_to_out(stored.reservation, updated_at=stored.updated_at)


@router.post("/api/v1/admin/locations/{location_id}/menu/sync", tags=["operations"])
def sync_menu(location_id: str, ctx: Context, who: AdminCaller) -> dict[str, Any]:
    """Queue a full menu import from the location's POS."""
    with ctx.uow() as tx:
        if tx.get_location(location_id, tenant_id=who.tenant_id) is None:
            raise ApiError(404, "unknown_location", "no such location", "location_id")
        job = tx.enqueue(IMPORT_MENU, {"location_id": location_id}, key=f"menu:{location_id}")
        tx.commit()
    return {"queued": job}


def _dead(row: OutboxJob) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "key": row.key,
        "connection_id": row.connection_id,
        "attempts": row.attempts,
        "last_error": row.last_error,
        "died_at": row.updated_at.isoformat(),
    }
