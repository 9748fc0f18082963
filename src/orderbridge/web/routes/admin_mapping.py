"""Admin API: channel menus (``pos`` or ``own`` mode) and their mapping to the POS menu.

``{channel}`` is ``storefront`` (orders placed through the storefront API) or the id of
a channel connection linked to the location (a Wix site). Admin keys only.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, cast

from fastapi import APIRouter, Query

from orderbridge.connectors.menu_import import IMPORT_CHANNEL_MENU, can_read_own_menu
from orderbridge.matching import ChannelMode, MappingStatus, Target
from orderbridge.ports import UnitOfWork
from orderbridge.services import mapping as mapping_service
from orderbridge.services import mapping_edits, mapping_views
from orderbridge.services.errors import NotFound, ServiceError
from orderbridge.web.deps import AdminCaller, Context
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.storefront import ERRORS, api_error
from orderbridge.web.schemas.mapping import (
    BulkConfirmIn,
    BulkConfirmOut,
    CandidateOut,
    ChannelItemIn,
    ChannelMenuIn,
    ChannelMenuOut,
    ChannelMenusOut,
    ChannelMenuSummaryOut,
    MappingIn,
    MappingItemOut,
    MappingOut,
    MappingSettingsIn,
    MappingSettingsOut,
    OptionLinkOut,
    PosHitOut,
    PosSearchOut,
)

router = APIRouter(prefix="/api/v1/admin", tags=["menu mapping"], responses=ERRORS)
CHANNEL_MENU = "/locations/{location_id}/channel-menus/{channel}"


@router.get("/locations/{location_id}/channel-menus", response_model=ChannelMenusOut)
def list_channel_menus(location_id: str, ctx: Context, who: AdminCaller) -> ChannelMenusOut:
    """The location's channels that have a mode set, with their mapping counts."""
    with ctx.uow() as tx:
        try:
            mapping_service.check_channel(
                tx, tenant_id=who.tenant_id, location_id=location_id, channel="storefront"
            )
            menus = tx.mappings.channel_menus(location_id)
            views = [
                mapping_views.mapping_view(
                    tx, tenant_id=who.tenant_id, location_id=location_id, channel=m.channel
                )
                for m in menus
            ]
        except ServiceError as error:
            raise api_error(error) from None
    return ChannelMenusOut(
        channel_menus=[
            ChannelMenuSummaryOut(
                location_id=location_id,
                channel=view.menu.channel,
                mode=view.menu.mode.value,
                version=view.menu.version,
                items=len(view.menu.items),
                counts=view.counts,
                broken=[],
            )
            for view in views
        ]
    )


@router.put(CHANNEL_MENU, response_model=ChannelMenuSummaryOut)
def put_channel_menu(
    location_id: str, channel: str, body: ChannelMenuIn, ctx: Context, who: AdminCaller
) -> ChannelMenuSummaryOut:
    """Set the channel's mode; in ``own`` mode upload its menu, matched at once.

    Confirmed and ignored mappings are kept; the others follow the new match.
    """
    try:
        summary = mapping_service.put_channel_menu(
            uow=ctx.uow,
            tenant_id=who.tenant_id,
            location_id=location_id,
            channel=channel,
            mode=ChannelMode(body.mode),
            document=body.model_dump(mode="json", exclude={"mode"}),
            clock=ctx.clock,
        )
    except ServiceError as error:
        raise api_error(error) from None
    return ChannelMenuSummaryOut(
        location_id=location_id,
        channel=summary.channel,
        mode=summary.mode.value,
        version=summary.version,
        items=summary.items,
        counts=summary.counts,
        broken=list(summary.broken),
    )


@router.post(f"{CHANNEL_MENU}/import", status_code=202)
def import_channel_menu(
    location_id: str, channel: str, ctx: Context, who: AdminCaller
) -> dict[str, Any]:
    """Read a channel's own menu from the channel (a Wix site's from Wix), in the
    background, then match it.

    The channel switches to ``own`` mode when the import is stored; ``GET …/mapping``
    shows the result.
    """
    with ctx.uow() as tx:
        _check_channel(tx, who.tenant_id, location_id, channel)
        connection = tx.get_connection(channel)
        if connection is None or not can_read_own_menu(connection.kind):
            message = "this channel's own menu is uploaded, not read from it"
            raise ApiError(422, "not_importable", message, "channel")
        job = tx.enqueue(
            IMPORT_CHANNEL_MENU,
            {"location_id": location_id, "channel": channel},
            key=f"{IMPORT_CHANNEL_MENU}:{location_id}:{channel}",
            connection_id=channel,
        )
        tx.commit()
    return {"queued": job}


@router.get(CHANNEL_MENU, response_model=ChannelMenuOut)
def read_channel_menu(
    location_id: str, channel: str, ctx: Context, who: AdminCaller
) -> ChannelMenuOut:
    with ctx.uow() as tx:
        _check_channel(tx, who.tenant_id, location_id, channel)
        menu = tx.mappings.channel_menu(location_id, channel)
        document = tx.mappings.channel_document(location_id, channel) or {}
    items = cast(list[Any], document.get("items") or [])
    return ChannelMenuOut(
        location_id=location_id,
        channel=channel,
        mode=menu.mode.value if menu else ChannelMode.POS.value,
        version=menu.version if menu else "",
        items=[ChannelItemIn.model_validate(item) for item in items],
    )


@router.get(f"{CHANNEL_MENU}/mapping", response_model=MappingOut)
def read_mapping(
    location_id: str,
    channel: str,
    ctx: Context,
    who: AdminCaller,
    order: Annotated[Literal["menu", "worst"], Query()] = "menu",
) -> MappingOut:
    """Each channel item with its status, target and ranked candidates.

    ``order=worst``: unmapped first, then suggested, auto, confirmed, ignored, each from
    the lowest confidence up.
    """
    with ctx.uow() as tx:
        try:
            view = mapping_views.mapping_view(
                tx,
                tenant_id=who.tenant_id,
                location_id=location_id,
                channel=channel,
                worst_first=order == "worst",
            )
        except ServiceError as error:
            raise api_error(error) from None
    return MappingOut(
        location_id=location_id,
        channel=channel,
        mode=view.menu.mode.value,
        counts=view.counts,
        items=[_item_out(row) for row in view.rows],
    )


@router.put(f"{CHANNEL_MENU}/mapping/{{channel_item_id}}", response_model=MappingItemOut)
def put_mapping(
    location_id: str,
    channel: str,
    channel_item_id: str,
    body: MappingIn,
    ctx: Context,
    who: AdminCaller,
) -> MappingItemOut:
    """Confirm or correct the item's target, or ignore the item."""
    with ctx.uow() as tx:
        try:
            target = _target(tx, who.tenant_id, location_id, channel, channel_item_id, body)
            mapping_edits.set_mapping(
                tx,
                tenant_id=who.tenant_id,
                location_id=location_id,
                channel=channel,
                channel_item_id=channel_item_id,
                target=target,
                options=body.options,
                who=who.key_id,
                now=ctx.clock(),
            )
        except ServiceError as error:
            raise api_error(error) from None
    with ctx.uow() as tx:
        view = mapping_views.mapping_view(
            tx, tenant_id=who.tenant_id, location_id=location_id, channel=channel
        )
    row = next(r for r in view.rows if r.item.id == channel_item_id)
    return _item_out(row)


# Not ``…/mapping/confirm``: that path is also ``PUT …/mapping/{channel_item_id}`` for an
# item whose id is "confirm", so its ``Allow`` would name a method it does not document.
@router.post(f"{CHANNEL_MENU}/confirmations", response_model=BulkConfirmOut)
def bulk_confirm(
    location_id: str, channel: str, body: BulkConfirmIn, ctx: Context, who: AdminCaller
) -> BulkConfirmOut:
    """Confirm at once every ``auto``/``suggested`` mapping at or above a confidence."""
    with ctx.uow() as tx:
        try:
            confirmed = mapping_edits.confirm_all(
                tx,
                tenant_id=who.tenant_id,
                location_id=location_id,
                channel=channel,
                min_confidence=body.min_confidence,
                statuses=[MappingStatus(s) for s in body.statuses],
                who=who.key_id,
                now=ctx.clock(),
            )
        except ServiceError as error:
            raise api_error(error) from None
    return BulkConfirmOut(
        confirmed=len(confirmed), channel_item_ids=[m.channel_item_id for m in confirmed]
    )


@router.get("/locations/{location_id}/pos-menu/search", response_model=PosSearchOut)
def search_pos_menu(
    location_id: str,
    ctx: Context,
    who: AdminCaller,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=50)] = 20,
) -> PosSearchOut:
    """POS items and variants whose names contain ``q`` or sound like it, in any script."""
    with ctx.uow() as tx:
        if tx.get_location(location_id, tenant_id=who.tenant_id) is None:
            raise api_error(NotFound("unknown_location", "no such location", field="location_id"))
        menu = tx.get_menu(location_id)
    hits = mapping_views.search_pos_menu(menu, q, limit=limit) if menu else []
    return PosSearchOut(
        items=[
            PosHitOut(
                pos_item_id=hit.target.item_id,
                pos_variant_id=hit.target.variant_id,
                name=hit.name,
                price=hit.price,
                confidence=hit.confidence,
            )
            for hit in hits
        ]
    )


@router.get("/mapping-settings", response_model=MappingSettingsOut)
def read_settings(ctx: Context, who: AdminCaller) -> MappingSettingsOut:
    with ctx.uow() as tx:
        return MappingSettingsOut(auto_threshold=tx.mappings.auto_threshold(who.tenant_id))


@router.put("/mapping-settings", response_model=MappingSettingsOut)
def put_settings(body: MappingSettingsIn, ctx: Context, who: AdminCaller) -> MappingSettingsOut:
    """The tenant's ``auto`` threshold; it applies from the next match (upload or POS change)."""
    with ctx.uow() as tx:
        try:
            mapping_edits.set_auto_threshold(
                tx, tenant_id=who.tenant_id, value=body.auto_threshold, now=ctx.clock()
            )
        except ServiceError as error:
            raise api_error(error) from None
    return MappingSettingsOut(auto_threshold=body.auto_threshold)


def _check_channel(tx: UnitOfWork, tenant_id: str, location_id: str, channel: str) -> None:
    """404 unless ``channel`` is a channel of the tenant's location."""
    try:
        mapping_service.check_channel(
            tx, tenant_id=tenant_id, location_id=location_id, channel=channel
        )
    except ServiceError as error:
        raise api_error(error) from None


def _target(
    tx: UnitOfWork,
    tenant_id: str,
    location_id: str,
    channel: str,
    channel_item_id: str,
    body: MappingIn,
) -> Target | None:
    """The target the body names; ``status: confirmed`` alone confirms the current one."""
    if body.status == "ignored":
        return None
    if body.pos_item_id is not None:
        return Target(body.pos_item_id, body.pos_variant_id, body.pos_modifier_id)
    current = tx.mappings.mapping(location_id, channel, channel_item_id)
    if current is None or current.target is None:
        raise ServiceError(
            "nothing_to_confirm", "the item has no suggestion: send pos_item_id", field="status"
        )
    return current.target


def _item_out(row: mapping_views.MappingRow) -> MappingItemOut:
    mapping, item = row.mapping, row.item
    target = mapping.target
    names = {option.id: option.name for option in (*item.variants, *item.modifiers)}
    variant_ids = {option.id for option in item.variants}
    return MappingItemOut(
        channel_item_id=item.id,
        name=item.name,
        category=item.category,
        price=item.price,
        status=mapping.status.value,
        pos_item_id=target.item_id if target else None,
        pos_variant_id=target.variant_id if target else None,
        pos_modifier_id=target.modifier_id if target else None,
        pos_name=row.pos_name,
        confidence=mapping.confidence,
        candidates=[
            CandidateOut(
                pos_item_id=c.target.item_id,
                pos_variant_id=c.target.variant_id,
                pos_modifier_id=c.target.modifier_id,
                name=c.name,
                confidence=c.confidence,
            )
            for c in mapping.candidates
        ],
        options=[
            OptionLinkOut(
                channel_option_id=option_id,
                kind="variant" if option_id in variant_ids else "modifier",
                name=names[option_id],
                pos_option_id=pos_id,
                pinned=option_id in mapping.pinned_options,
            )
            for option_id, pos_id in mapping.options.items()
            if option_id in names
        ],
    )
