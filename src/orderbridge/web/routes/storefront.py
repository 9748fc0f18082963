"""The storefront API (``/api/v1``): what a restaurant's website, app or chatbot calls.

Any key reads locations and menus and places orders and reservations; a storefront
key reads and cancels only what it placed (``Caller.owns``: another key's order is a
404), and pausing a location needs an admin key (403 ``insufficient_scope``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Header, Request, Response

from orderbridge.domain.errors import DomainError
from orderbridge.log_context import bind_log_context
from orderbridge.ports import DuplicateKey, LocationRecord
from orderbridge.services import locations as location_service
from orderbridge.services import orders as order_service
from orderbridge.services import reservations as reservation_service
from orderbridge.services.errors import ServiceError
from orderbridge.services.ids import new_id
from orderbridge.storage.api_keys import Caller
from orderbridge.storage.codec import canonical_hash, reservation_to_json
from orderbridge.web.convert import (
    apply_location_status,
    location_to_out,
    menu_to_out,
    order_to_out,
    reservation_in_to_reservation,
    reservation_to_out,
)
from orderbridge.web.deps import AdminCaller, AnyCaller, Context
from orderbridge.web.errors import ApiError
from orderbridge.web.errors import api_error as api_error  # where the admin routes import it
from orderbridge.web.metrics import HubMetrics
from orderbridge.web.routes.place_order import IDEMPOTENCY_KEY_LONGEST, place_order
from orderbridge.web.schemas import (
    ErrorBody,
    LocationOut,
    LocationsOut,
    LocationStatusIn,
    MenuOut,
    OrderIn,
    OrderOut,
    ReservationIn,
    ReservationOut,
)

STOREFRONT = "storefront"
ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorBody} for code in (400, 401, 403, 404, 409, 413, 415, 422)
}

router = APIRouter(prefix="/api/v1", responses=ERRORS)


def own_only(who: Caller) -> str | None:
    """The ``placed_by`` a caller is limited to: None (everything) for an admin key."""
    return None if who.is_admin else who.owner_id


@router.get("/locations", response_model=LocationsOut, tags=["locations"])
def list_locations(ctx: Context, who: AnyCaller) -> LocationsOut:
    now = ctx.clock()
    with ctx.uow() as tx:
        records = tx.list_locations(who.tenant_id)
    return LocationsOut(locations=[location_out(r, now) for r in records])


def location_out(record: LocationRecord, now: datetime) -> LocationOut:
    """A location as storefronts see it at ``now`` (hours, busy mode, preparation time)."""
    location = record.location
    return location_to_out(location, location.status_at(now), now=now, timing=record.options.timing)


@router.get("/locations/{location_id}", response_model=LocationOut, tags=["locations"])
def read_location(location_id: str, ctx: Context, who: AnyCaller) -> LocationOut:
    with ctx.uow() as tx:
        try:
            record = location_service.get_location(
                tx, tenant_id=who.tenant_id, location_id=location_id
            )
        except ServiceError as error:
            raise api_error(error) from None
    return location_out(record, ctx.clock())


@router.post("/locations/{location_id}/status", response_model=LocationOut, tags=["locations"])
def change_location_status(
    location_id: str, body: LocationStatusIn, ctx: Context, who: AdminCaller
) -> LocationOut:
    """Pause (optionally until a time, with a reason) or resume taking orders (admin key)."""
    now = ctx.clock()
    with ctx.uow() as tx:
        try:
            record = location_service.change_status(
                tx,
                tenant_id=who.tenant_id,
                location_id=location_id,
                change=lambda location: apply_location_status(location, body, at=now),
                now=now,
            )
        except ServiceError as error:
            raise api_error(error) from None
    return location_out(record, now)


@router.get(
    "/locations/{location_id}/menu",
    response_model=MenuOut,
    tags=["menu"],
    responses={304: {"description": "the menu has not changed since the ETag given"}},
)
def read_menu(
    location_id: str,
    request: Request,
    response: Response,
    ctx: Context,
    who: AnyCaller,
) -> MenuOut | Response:
    """The published menu; send ``If-None-Match`` with the last ``ETag`` to get 304."""
    with ctx.uow() as tx:
        if tx.get_location(location_id, tenant_id=who.tenant_id) is None:
            raise ApiError(404, "unknown_location", "no such location", "location_id")
        menu = tx.get_menu(location_id)
    if menu is None:
        raise ApiError(404, "menu_not_published", "the location has no menu yet", "location_id")
    out = menu_to_out(menu, now=ctx.clock())
    etag = f'"{out.version}"'
    if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers={"ETag": etag})
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "no-cache"
    return out


def _count(request: Request, source: str, outcome: str) -> None:
    metrics: HubMetrics = request.app.state.metrics
    metrics.count_ingested(source, outcome)


@router.post("/orders", status_code=201, response_model=OrderOut, tags=["orders"])
async def create_order(
    body: OrderIn,
    request: Request,
    who: AnyCaller,
    idempotency_key: Annotated[str | None, Header(max_length=IDEMPOTENCY_KEY_LONGEST)] = None,
) -> Response:
    """Place an order. Repeating the same request (same ``Idempotency-Key`` or channel
    order id, same body) answers the same order; a different body answers 409."""
    # Placed with the requests that arrive together, in one transaction, and answered
    # once it has committed (web/order_intake.py). Served on the direct lane
    # (routes/place_order.py) but for requests with a query string; declared here for
    # the OpenAPI document, which still says 201 → OrderOut.
    return await place_order(request, who, body, idempotency_key)


@router.get("/orders/{order_id}", response_model=OrderOut, tags=["orders"])
def read_order(order_id: str, ctx: Context, who: AnyCaller) -> OrderOut:
    with ctx.uow() as tx:
        try:
            stored = order_service.get_order(
                tx, tenant_id=who.tenant_id, order_id=order_id, placed_by=own_only(who)
            )
        except ServiceError as error:
            raise api_error(error) from None
    return order_to_out(stored.order, updated_at=stored.updated_at)


@router.post("/orders/{order_id}/cancel", response_model=OrderOut, tags=["orders"])
def cancel_order(order_id: str, ctx: Context, who: AnyCaller) -> OrderOut:
    with ctx.uow() as tx:
        try:
            stored = order_service.cancel_order(
                tx,
                tenant_id=who.tenant_id,
                order_id=order_id,
                reason="",
                now=ctx.clock(),
                placed_by=own_only(who),
            )
        except ServiceError as error:
            raise api_error(error) from None
    return order_to_out(stored.order, updated_at=stored.updated_at)


@router.post("/reservations", status_code=201, response_model=ReservationOut, tags=["reservations"])
def create_reservation(
    body: ReservationIn, request: Request, response: Response, ctx: Context, who: AnyCaller
) -> ReservationOut:
    now = ctx.clock()
    try:
        reservation = reservation_in_to_reservation(
            body, channel=STOREFRONT, id=new_id("res"), at=now
        )
    except DomainError as error:
        raise ApiError.from_domain(error) from None
    document = reservation_to_json(reservation)
    document.pop("created_at", None)
    request_hash = canonical_hash(document)
    try:
        with ctx.uow() as tx:
            stored, created = reservation_service.place_reservation(
                tx,
                tenant_id=who.tenant_id,
                reservation=reservation,
                request_hash=request_hash,
                now=now,
                placed_by=who.owner_id,
                sees_all=who.is_admin,
            )
    except ServiceError as error:
        _count(request, "storefront_reservation", "rejected")
        raise api_error(error) from None
    except DuplicateKey:
        raise ApiError(409, "duplicate_reservation", "placed by a parallel request") from None
    _count(request, "storefront_reservation", "stored" if created else "duplicate")
    bind_log_context(reservation_id=stored.reservation.id)
    if not created:
        response.headers["Idempotent-Replayed"] = "true"
    return reservation_to_out(stored.reservation, updated_at=stored.updated_at)


@router.get("/reservations/{reservation_id}", response_model=ReservationOut, tags=["reservations"])
def read_reservation(reservation_id: str, ctx: Context, who: AnyCaller) -> ReservationOut:
    with ctx.uow() as tx:
        try:
            stored = reservation_service.get_reservation(
                tx,
                tenant_id=who.tenant_id,
                reservation_id=reservation_id,
                placed_by=own_only(who),
            )
        except ServiceError as error:
            raise api_error(error) from None
    return reservation_to_out(stored.reservation, updated_at=stored.updated_at)


@router.post(
    "/reservations/{reservation_id}/cancel", response_model=ReservationOut, tags=["reservations"]
)
def cancel_reservation(reservation_id: str, ctx: Context, who: AnyCaller) -> ReservationOut:
    with ctx.uow() as tx:
        try:
            stored = reservation_service.cancel_reservation(
                tx,
                tenant_id=who.tenant_id,
                reservation_id=reservation_id,
                reason="",
                now=ctx.clock(),
                placed_by=own_only(who),
            )
        except ServiceError as error:
            raise api_error(error) from None
    return reservation_to_out(stored.reservation, updated_at=stored.updated_at)
