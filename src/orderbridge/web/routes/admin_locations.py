"""``/api/v1/admin/locations``: a tenant's locations as their operator sees them (links,
published menu, pause) and the settings an operator changes (name, timezone, price
policy)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy.orm import Session

from orderbridge.ports import LocationRecord
from orderbridge.services.errors import ServiceError
from orderbridge.storage import admin_locations as store
from orderbridge.web.deps import AdminCaller, Context, WebContext
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.storefront import ERRORS, api_error
from orderbridge.web.schemas.admin_setup import (
    AdminLocationOut,
    AdminLocationsOut,
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
    )


@router.get("", response_model=AdminLocationsOut)
def list_locations(ctx: Context, who: AdminCaller) -> AdminLocationsOut:
    with ctx.uow() as tx:
        records = tx.list_locations(who.tenant_id)
    with ctx.sessions() as session:
        links = store.links_by_location(session, who.tenant_id)
        return AdminLocationsOut(
            locations=[_out(session, r, links.get(r.location.id, []), ctx) for r in records]
        )


@router.get("/{location_id}", response_model=AdminLocationOut)
def read_location(location_id: str, ctx: Context, who: AdminCaller) -> AdminLocationOut:
    return _read(ctx, who.tenant_id, location_id)


@router.patch("/{location_id}", response_model=AdminLocationOut)
def change_location(
    location_id: str, body: LocationPatchIn, ctx: Context, who: AdminCaller
) -> AdminLocationOut:
    """Change the name, timezone or price policy (only what the body names)."""
    try:
        with ctx.sessions() as session, session.begin():
            store.update_location(
                session,
                who.tenant_id,
                location_id,
                name=body.name,
                timezone=body.timezone,
                price_policy=body.price_policy,
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
        return _out(session, record, links, ctx)
