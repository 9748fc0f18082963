"""The mapping page: a channel's own menu beside the POS menu, worst first.

Each channel item sits next to its target and its best candidates, with the matcher's
confidence. A person confirms the target, picks another candidate, searches the POS
menu for the right one (in either script), or ignores the item; or confirms at once
every ``auto``/``suggested`` mapping above a chosen confidence. The counts at the top
say how many items still need someone. Forms post back here and land on the same row.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from orderbridge.matching import ChannelMode, MappingStatus, Target
from orderbridge.services import mapping as mapping_service
from orderbridge.services import mapping_edits, mapping_views
from orderbridge.services.errors import ServiceError
from orderbridge.storage import tables as t
from orderbridge.web.dashboard.auth import Posted, Signed
from orderbridge.web.dashboard.orders_query import location_names
from orderbridge.web.dashboard.render import render
from orderbridge.web.deps import Context

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE = "/admin/mapping"
DEFAULT_BULK = 0.9


def encode_target(target: Target) -> str:
    """A target as one form value: ``item|variant|modifier`` (empty parts for none)."""
    return "|".join((target.item_id, target.variant_id or "", target.modifier_id or ""))


def decode_target(value: str) -> Target | None:
    parts = value.split("|")
    if len(parts) != 3 or not parts[0]:
        return None
    return Target(parts[0], parts[1] or None, parts[2] or None)


def _channels(ctx: Context, tenant_id: str, location_id: str) -> dict[str, str]:
    """The location's channels: the storefront, then its channel connections by name."""
    with ctx.sessions() as db:
        rows = db.execute(
            select(t.Connection.id, t.Connection.name)
            .join(t.LocationLink, t.LocationLink.connection_id == t.Connection.id)
            .where(
                t.Connection.tenant_id == tenant_id,
                t.Connection.role == "channel",
                t.LocationLink.location_id == location_id,
            )
            .order_by(t.Connection.name)
        ).all()
    return {mapping_service.STOREFRONT: "Storefront API", **{str(i): str(n) for i, n in rows}}


def _back(location: str, channel: str, *, anchor: str = "", **extra: str) -> str:
    """This page again, scrolled to the row of item ``anchor``."""
    params = {"location": location, "channel": channel, **{k: v for k, v in extra.items() if v}}
    return f"{PAGE}?{urlencode(params)}" + (f"#item-{anchor}" if anchor else "")


@router.get("/mapping", response_class=HTMLResponse)
def mapping_page(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    """The mapping of one location's channel (the first location and the storefront unless
    ``?location=``/``?channel=``); ``?item=…&q=…`` searches the POS menu for that item."""
    params = request.query_params
    with ctx.sessions() as db:
        names = location_names(db, who.tenant_id)
    location_id = params.get("location", "")
    location_id = location_id if location_id in names else next(iter(names), "")
    channels = _channels(ctx, who.tenant_id, location_id) if location_id else {}
    channel = params.get("channel", mapping_service.STOREFRONT)
    channel = channel if channel in channels else mapping_service.STOREFRONT
    view = None
    hits: list[mapping_views.PosHit] = []
    searching = params.get("item", "")
    text = params.get("q", "").strip()[:200]
    if location_id:
        with ctx.uow() as tx:
            view = mapping_views.mapping_view(
                tx,
                tenant_id=who.tenant_id,
                location_id=location_id,
                channel=channel,
                worst_first=True,
            )
            menu = tx.get_menu(location_id)
            currency = menu.currency if menu else ""
        if searching and text and menu is not None:
            hits = mapping_views.search_pos_menu(menu, text)
    return render(
        request,
        "mapping.html",
        who=who,
        names=names,
        location_id=location_id,
        channels=channels,
        channel=channel,
        view=view,
        own=view is not None and view.menu.mode is ChannelMode.OWN,
        currency=currency if location_id else "",
        searching=searching,
        text=text,
        hits=hits,
        bulk=params.get("min", f"{DEFAULT_BULK:.2f}"),
        encode=encode_target,
        statuses=MappingStatus,
    )


@router.post("/mapping/decide", response_model=None)
def decide(
    ctx: Context,
    who: Posted,
    location: Annotated[str, Form()],
    channel: Annotated[str, Form()],
    item: Annotated[str, Form()],
    action: Annotated[str, Form()],
    target: Annotated[str, Form()] = "",
) -> Response:
    """Confirm the current or a chosen target (``confirm``, ``use``), or ``ignore``."""
    chosen = decode_target(target) if action in ("confirm", "use") else None
    if action not in ("confirm", "use", "ignore") or (action != "ignore" and chosen is None):
        return RedirectResponse(_back(location, channel, anchor=item, error="mapping_invalid"), 303)
    with ctx.uow() as tx:
        try:
            mapping_edits.set_mapping(
                tx,
                tenant_id=who.tenant_id,
                location_id=location,
                channel=channel,
                channel_item_id=item,
                target=chosen,
                who=who.key_id,
                now=ctx.clock(),
            )
        except ServiceError:
            return RedirectResponse(
                _back(location, channel, anchor=item, error="mapping_invalid"), 303
            )
    done = "ignored" if action == "ignore" else "mapped"
    return RedirectResponse(_back(location, channel, anchor=item, done=done), 303)


@router.post("/mapping/confirm-all", response_model=None)
def confirm_all(
    ctx: Context,
    who: Posted,
    location: Annotated[str, Form()],
    channel: Annotated[str, Form()],
    min_confidence: Annotated[str, Form()] = "",
) -> Response:
    """Confirm every ``auto``/``suggested`` mapping at or above ``min_confidence``."""
    try:
        floor = float(min_confidence)
    except ValueError:
        floor = -1.0
    if not 0.0 <= floor <= 1.0:
        return RedirectResponse(_back(location, channel, error="confidence_invalid"), 303)
    with ctx.uow() as tx:
        try:
            confirmed = mapping_edits.confirm_all(
                tx,
                tenant_id=who.tenant_id,
                location_id=location,
                channel=channel,
                min_confidence=floor,
                who=who.key_id,
                now=ctx.clock(),
            )
        except ServiceError:
            return RedirectResponse(_back(location, channel, error="mapping_invalid"), 303)
    extra = {"done": "confirmed_all", "n": str(len(confirmed)), "min": f"{floor:.2f}"}
    return RedirectResponse(_back(location, channel, **extra), 303)
