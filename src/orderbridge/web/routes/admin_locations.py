"""``/api/v1/admin/locations``: a tenant's locations as their operator sees them (links,
published menu, pause) and the settings an operator changes (name, timezone, price
policy, and how long an order may wait for the POS before ``order.stuck``)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from orderbridge.ports import LocationRecord
from orderbridge.services.errors import ServiceError
from orderbridge.storage import admin_locations as store
from orderbridge.storage.alert_destinations import stuck_waits
from orderbridge.web.deps import AdminCaller, Context, WebContext
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.storefront import ERRORS, api_error
from orderbridge.web.schemas.admin_setup import (
    AdminLocationOut,
    AdminLocationsOut,
    LocationIn,
    LocationLinkOut,
    LocationPatchIn,
    PublishedMenuOut,
)

router = APIRouter(prefix="/api/v1/admin/locations", tags=["admin"], responses=ERRORS)


def _out(
    session: Session,
    record: LocationRecord,
    links: list[store.LocationLinkRow],
    ctx: WebContext,
    stuck_after: dict[str, int],
) -> AdminLocationOut:
    location = record.location
    status = location.status_at(ctx.clock())
    menu = store.menu_of(session, location.id)
    return AdminLocationOut(
        id=location.id,
        name=location.name,
        timezone=location.timezone,
        currency=location.currency,
        price_policy=record.price_policy,
        status=status.state,
        paused_until=status.paused_until,
        pause_reason=status.reason,
        links=[LocationLinkOut(**vars(link)) for link in links],
        menu=PublishedMenuOut(**vars(menu)) if menu is not None else None,
        stuck_after_minutes=stuck_after.get(location.id, 0),
    )


@router.get("", response_model=AdminLocationsOut)
def list_locations(ctx: Context, who: AdminCaller) -> AdminLocationsOut:
    with ctx.uow() as tx:
        records = tx.list_locations(who.tenant_id)
    with ctx.sessions() as session:
        links = store.links_by_location(session, who.tenant_id)
        waits = _waits(session, who.tenant_id)
        return AdminLocationsOut(
            locations=[_out(session, r, links.get(r.location.id, []), ctx, waits) for r in records]
        )


@router.post("", status_code=201, response_model=AdminLocationOut)
def add_location(body: LocationIn, ctx: Context, who: AdminCaller) -> AdminLocationOut:
    """Make a location by hand (connecting a POS makes one per place, unless it does
    not say their currency: make them here, then link them when connecting)."""
    try:
        with ctx.sessions() as session, session.begin():
            location_id = store.add_location(
                session,
                who.tenant_id,
                name=body.name,
                timezone=body.timezone,
                currency=body.currency,
                price_policy=body.price_policy,
            )
    except ServiceError as error:
        raise api_error(error) from None
    return _read(ctx, who.tenant_id, location_id)


@router.get("/{location_id}", response_model=AdminLocationOut)
def read_location(location_id: str, ctx: Context, who: AdminCaller) -> AdminLocationOut:
    return _read(ctx, who.tenant_id, location_id)


@router.patch("/{location_id}", response_model=AdminLocationOut)
def change_location(
    location_id: str, body: LocationPatchIn, ctx: Context, who: AdminCaller
) -> AdminLocationOut:
    """Change the name, timezone, price policy or the ``order.stuck`` wait (only what
    the body names)."""
    try:
        with ctx.sessions() as session, session.begin():
            store.update_location(
                session,
                who.tenant_id,
                location_id,
                name=body.name,
                timezone=body.timezone,
                price_policy=body.price_policy,
                stuck_after_minutes=body.stuck_after_minutes,
            )
    except ServiceError as error:
        raise api_error(error) from None
    return _read(ctx, who.tenant_id, location_id)


def _read(ctx: WebContext, tenant_id: str, location_id: str) -> AdminLocationOut:
    with ctx.uow() as tx:
        record = tx.get_location(location_id, tenant_id=tenant_id)
    if record is None:
        raise ApiError(404, "unknown_location", "no such location", "id")
    with ctx.sessions() as session:
        links = store.links_by_location(session, tenant_id).get(location_id, [])
        return _out(session, record, links, ctx, _waits(session, tenant_id))


def _waits(session: Session, tenant_id: str) -> dict[str, int]:
    return {w.location_id: w.minutes for w in stuck_waits(session, tenant_id)}
