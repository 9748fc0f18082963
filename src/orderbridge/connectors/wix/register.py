"""POS orders into Wix: checks made at the register, not through the hub (opt-in).

Trigger: a Poster ``transaction`` webhook for a check the hub has no order for (the
Poster event handler answers ``unknown_check``). For every Wix connection of the
check's location with ``import_pos_orders`` on, an ``wix.import_pos_order`` job reads
the check (``dash.getTransaction`` with its products) and, once the check is closed —
only then is its content final — creates the order in Wix with restaurant catalog
references from this connection's published menu, then its fulfilment. Checks of the
hub's own orders carry the ``[ob:…]`` marker in their comment and are left alone. The
mapping (Poster check ↔ Wix order) is kept in the connection's id map, so a check is
imported once however many webhooks it causes. The hub's own Wix events about the new
order are recognised by its ``externalOrderId`` and ignored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.connectors.poster.schemas import PFloat, PInt, PNullText, PosterModel
from orderbridge.connectors.wix import refs as r
from orderbridge.connectors.wix.connector import WixConnector
from orderbridge.connectors.wix.mapping import PosLine, item_key, sub_key
from orderbridge.domain.menu import Menu
from orderbridge.domain.money import Money
from orderbridge.ports import ConnectionRecord, PosSystem, UnitOfWork

IMPORT_POS_ORDER = "wix.import_pos_order"
HUB_MARKER = "[ob:"
CLOSED = 2

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]
ChannelFactory = Callable[[ConnectionRecord], WixConnector]
RefsFactory = Callable[[str], r.RefStore]


def _list(value: Any) -> Any:
    return value if isinstance(value, list) else []


class RegisterLine(PosterModel):
    product_id: PInt
    modification_id: PInt = 0
    product_name: PNullText = ""
    num: PFloat = 1.0
    product_sum: PInt = 0


class RegisterCheck(PosterModel):
    """A check as ``dash.getTransaction`` (``include_products=true``) reports it."""

    transaction_id: PInt
    status: PInt = 1
    spot_id: PInt = 0
    transaction_comment: PNullText = ""
    sum: PInt = 0
    payed_sum: PInt = 0
    products: Annotated[list[RegisterLine], BeforeValidator(_list)] = Field(default_factory=list)


def queue_imports(uow: UowFactory, *, pos_connection_id: str, check_id: str) -> list[str]:
    """Queue an import per opted-in Wix connection of the POS connection's locations."""
    queued = []
    with uow() as tx:
        for binding in tx.locations_of_connection(pos_connection_id):
            for channel in tx.channel_connections(binding.location_id):
                if channel.kind != "wix" or not channel.settings.get("import_pos_orders"):
                    continue
                tx.enqueue(
                    IMPORT_POS_ORDER,
                    {
                        "pos_connection_id": pos_connection_id,
                        "check_id": check_id,
                        "location_id": binding.location_id,
                        "connection_id": channel.id,
                    },
                    key=f"pos-import:{channel.id}:{check_id}",
                    connection_id=channel.id,
                )
                queued.append(channel.id)
        tx.commit()
    return queued


async def import_pos_order(
    payload: Mapping[str, Any],
    *,
    uow: UowFactory,
    pos_for: PosFactory,
    channel_for: ChannelFactory,
    refs_for: RefsFactory,
) -> dict[str, Any]:
    """``wix.import_pos_order``: mirror one closed register check into Wix, once."""
    pos_id, check_id = str(payload["pos_connection_id"]), str(payload["check_id"])
    location_id = str(payload["location_id"])
    with uow() as tx:
        wix = tx.get_connection(str(payload["connection_id"]))
        pos_connection = tx.get_connection(pos_id)
        binding = tx.pos_binding(location_id)
    if wix is None or pos_connection is None or binding is None:
        return {"skipped": "unknown_connection"}
    if not wix.settings.get("import_pos_orders"):
        return {"skipped": "import_off"}
    refs = refs_for(wix.id)
    key = f"{pos_id}/{check_id}"
    known = refs.get(r.POS_ORDER, key)
    if known is not None:
        return {"skipped": "imported", "wix_order_id": known.external_id}
    pos = pos_for(pos_connection)
    if not isinstance(pos, PosterConnector):
        return {"skipped": "pos_without_checks"}
    found: list[RegisterCheck] = await pos.client.call(
        "dash.getTransaction",
        list[RegisterCheck],
        params={"transaction_id": check_id, "include_products": "true"},
    )
    check = found[0] if found else None
    if check is None or HUB_MARKER in check.transaction_comment:
        return {"skipped": "hub_order_or_gone"}
    if str(check.spot_id) != binding[1].external_id:
        return {"skipped": "other_spot"}
    if check.status != CLOSED:
        return {"waiting": "check_open"}
    lines = _lines(check, location_id, refs, binding[1].currency)
    if not lines:
        return {"skipped": "nothing_published"}
    order = await channel_for(wix).create_pos_order(
        lines,
        external_order_id=key,
        paid=check.payed_sum >= check.sum > 0,
        done=True,
    )
    refs.put(r.POS_ORDER, key, order.id)
    return {"wix_order_id": order.id, "lines": len(lines)}


def _lines(check: RegisterCheck, loc: str, refs: r.RefStore, currency: str) -> list[PosLine]:
    """The check's lines that are on this connection's published Wix menu."""
    menu = refs.published_menu(loc) or Menu(loc, currency)
    wix_menu = refs.get(r.MENU, loc)
    lines = []
    for product in check.products:
        item_id = str(product.product_id)
        item = refs.get(r.ITEM, item_key(loc, item_id))
        category = menu.category_of(item_id)
        section = refs.get(r.SECTION, item_key(loc, category.id)) if category else None
        if item is None or section is None or wix_menu is None:
            continue
        variant = None
        if product.modification_id:
            variant = refs.get(r.VARIANT, sub_key(loc, item_id, str(product.modification_id)))
        quantity = max(1, round(product.num))
        lines.append(
            PosLine(
                wix_item_id=item.external_id,
                menu_id=wix_menu.external_id,
                section_id=section.external_id,
                quantity=quantity,
                unit_price=Money(round(product.product_sum / quantity), currency),
                name=product.product_name or item_id,
                wix_variant_id=variant.external_id if variant else None,
            )
        )
    return lines
