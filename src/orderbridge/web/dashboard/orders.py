"""Orders: the filtered list, one order's whole story, and the replay of a failed one."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from orderbridge.domain.orders import OrderStatus
from orderbridge.services import orders as order_service
from orderbridge.services.errors import Conflict, NotFound
from orderbridge.web.dashboard import jobs
from orderbridge.web.dashboard.auth import Posted, Signed
from orderbridge.web.dashboard.orders_query import (
    STATUSES,
    OrderFilter,
    location_names,
    order_page,
)
from orderbridge.web.dashboard.render import missing, render
from orderbridge.web.deps import Context

router = APIRouter(prefix="/admin", include_in_schema=False)


def page_number(request: Request) -> int:
    text = request.query_params.get("page", "1")
    return int(text) if text.isdigit() and 0 < int(text) < 1_000_000 else 1


@router.get("/orders", response_class=HTMLResponse)
def order_list(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    where = OrderFilter.from_query(dict(request.query_params))
    with ctx.sessions() as db:
        page = order_page(db, who.tenant_id, where, zone=who.zone, page=page_number(request))
        names = location_names(db, who.tenant_id)
    return render(
        request,
        "orders.html",
        who=who,
        page=page,
        where=where,
        filters=where.as_query(),
        statuses=STATUSES,
        names=names,
    )


@router.get("/orders/{order_id}", response_model=None)
def order_detail(order_id: str, request: Request, ctx: Context, who: Signed) -> Response:
    with ctx.uow() as tx:
        stored = tx.get_order(order_id, tenant_id=who.tenant_id)
        if stored is None:
            return missing(request, "order", who)
        record = tx.get_location(stored.order.location_id)
    with ctx.sessions() as db:
        attempts = jobs.order_jobs(db, order_id)
    order = stored.order
    return render(
        request,
        "order.html",
        who=who,
        stored=stored,
        order=order,
        location=record.location if record else None,
        totals=order.totals,
        jobs=attempts,
        replayable=order.status is OrderStatus.FAILED,
    )


@router.post("/orders/{order_id}/replay", response_model=None)
def replay(order_id: str, request: Request, ctx: Context, who: Posted) -> Response:
    """Send a failed order to the POS again, after the operator fixed its cause."""
    with ctx.uow() as tx:
        stored = tx.get_order(order_id, tenant_id=who.tenant_id)
        if stored is None:
            return missing(request, "order", who)
        if stored.order.status is not OrderStatus.FAILED:
            return RedirectResponse(f"/admin/orders/{order_id}?error=not_replayable", 303)
        try:
            order_service.replay_order(
                tx, order_id=order_id, now=ctx.clock(), tenant_id=who.tenant_id
            )
        except NotFound:
            return missing(request, "order", who)
        except Conflict as refused:
            error = "unmapped" if refused.code == "unmapped_item" else "not_replayable"
            return RedirectResponse(f"/admin/orders/{order_id}?error={error}", 303)
    return RedirectResponse(f"/admin/orders/{order_id}?done=replayed", 303)
