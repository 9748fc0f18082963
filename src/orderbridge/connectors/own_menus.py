"""A channel's own menu read from the channel itself: Wix Restaurants menus.

A Wix site that keeps its own menu (``own`` mode) orders by Wix's ids: an order line's
``catalogItemId`` is a Wix item, ``options.variantId`` a Wix item variant,
``options.modifierIds`` Wix modifiers. :func:`read_wix_menu` reads the site's menu
entities through the connector's client (the same Menus APIs the publisher writes to,
each read page by page with Wix's cursor paging) and :func:`wix_document` turns them
into a channel menu document with exactly those ids, the document an upload sends
(``PUT …/channel-menus/{channel}``), so matching and orders work as for any channel.

:func:`read_wix_own_menu` is what the connector registry's Wix entry declares as its
``read_own_menu``; the ``mapping.import_channel_menu`` job (``connectors/menu_import.py``)
calls it through the registry.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from orderbridge.connectors._entry import BuildContext
from orderbridge.connectors.wix.client import (
    ITEM,
    MODIFIER,
    MODIFIER_GROUP,
    SECTION,
    VARIANT,
    MenuKind,
    WixClient,
)
from orderbridge.connectors.wix.settings import WixSettings
from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.money import Money
from orderbridge.ports import ConnectionRecord, PermanentError

PAGE = 500
MAX_PAGES = 100
"""50,000 entities of one kind: more is not a restaurant's menu."""
NAME_LIMIT = 200
"""The admin API's limit on names, kept here too."""

Entity = Mapping[str, Any]


async def read_all(client: WixClient, kind: MenuKind) -> list[Entity]:
    """Every entity of ``kind`` on the site, page after page."""
    found: list[Entity] = []
    cursor = ""
    for _ in range(MAX_PAGES):
        query = {"cursorPaging.limit": str(PAGE)}
        if cursor:
            query["cursorPaging.cursor"] = cursor
        page = await client.call("GET", f"{kind.path}?{urlencode(query)}")
        found.extend(page.get(_plural(kind), []))
        paging = page.get("pagingMetadata") or {}
        cursor = (paging.get("cursors") or {}).get("next") or ""
        if not paging.get("hasNext") or not cursor:
            return found
    raise PermanentError("menu_too_large", f"more than {MAX_PAGES * PAGE} Wix {kind.singular}s")


def _plural(kind: MenuKind) -> str:
    return "modifierGroups" if kind is MODIFIER_GROUP else f"{kind.singular}s"


async def read_wix_menu(
    client: WixClient, *, business_location_id: str, currency: str
) -> dict[str, Any]:
    """The site's own menu as a channel menu document (items at the business location)."""
    sections = await read_all(client, SECTION)
    items = await read_all(client, ITEM)
    variants = await read_all(client, VARIANT)
    groups = await read_all(client, MODIFIER_GROUP)
    modifiers = await read_all(client, MODIFIER)
    if business_location_id:
        items = [
            i
            for i in items
            if business_location_id in (i.get("businessLocationIds") or [business_location_id])
        ]
    return wix_document(sections, items, variants, groups, modifiers, currency=currency)


def wix_document(
    sections: Sequence[Entity],
    items: Sequence[Entity],
    variants: Sequence[Entity],
    groups: Sequence[Entity],
    modifiers: Sequence[Entity],
    *,
    currency: str,
) -> dict[str, Any]:
    """Wix menu entities → ``{"items": [...]}`` with Wix's ids, prices in minor units.

    An item's category is the first section listing it; its variants are its price
    variants (named by the variant entities); its modifier groups list the group's
    modifiers with their additional charges.
    """
    section_of: dict[str, str] = {}
    for section in sections:
        for item_id in section.get("itemIds") or []:
            section_of.setdefault(str(item_id), str(section.get("name") or ""))
    variant_names = {str(v["id"]): str(v.get("name") or "") for v in variants}
    group_by_id = {str(g["id"]): g for g in groups}
    modifier_names = {str(m["id"]): str(m.get("name") or "") for m in modifiers}
    document_items = []
    for item in items:
        item_id = str(item["id"])
        entry: dict[str, Any] = {
            "id": item_id,
            "name": (str(item.get("name") or "").strip() or item_id)[:NAME_LIMIT],
            "category": section_of.get(item_id, "")[:NAME_LIMIT],
        }
        price = _minor((item.get("priceInfo") or {}).get("price"), currency)
        if price is not None:
            entry["price"] = price
        entry["variants"] = _variants(item, variant_names, currency)
        entry["modifier_groups"] = _groups(item, group_by_id, modifier_names, currency)
        document_items.append(entry)
    return {"items": document_items}


def _variants(item: Entity, names: Mapping[str, str], currency: str) -> list[dict[str, Any]]:
    """The item's price variants, named by the variant entities."""
    found = []
    for priced in (item.get("priceVariants") or {}).get("variants") or []:
        variant_id = str(priced.get("variantId") or "")
        if variant_id:
            price = _minor((priced.get("priceInfo") or {}).get("price"), currency)
            name = (names.get(variant_id) or variant_id)[:NAME_LIMIT]
            found.append({"id": variant_id, "name": name, "price": price})
    return found


def _groups(
    item: Entity,
    group_by_id: Mapping[str, Entity],
    modifier_names: Mapping[str, str],
    currency: str,
) -> list[dict[str, Any]]:
    found = []
    seen: set[str] = set()  # option ids are unique within an item
    for reference in item.get("modifierGroups") or []:
        group = group_by_id.get(str(reference.get("id")))
        if group is None:
            continue
        modifiers = []
        for modifier in group.get("modifiers") or []:
            modifier_id = str(modifier.get("id") or "")
            if not modifier_id or modifier_id in seen:
                continue
            seen.add(modifier_id)
            charge = (modifier.get("additionalChargeInfo") or {}).get("additionalCharge")
            modifiers.append(
                {
                    "id": modifier_id,
                    "name": (modifier_names.get(modifier_id) or modifier_id)[:NAME_LIMIT],
                    "price": _minor(charge, currency) or 0,
                }
            )
        name = str(group.get("name") or "")[:NAME_LIMIT]
        found.append({"id": str(group["id"]), "name": name, "modifiers": modifiers})
    return found


def _minor(amount: object, currency: str) -> int | None:
    """A Wix decimal string as minor units; None when absent or not a price."""
    if amount in (None, ""):
        return None
    try:
        return Money.from_decimal(Decimal(str(amount)), currency).amount
    except (InvalidOperation, InvalidValueError):
        return None


async def read_wix_own_menu(
    connection: ConnectionRecord, context: BuildContext, *, place: str, currency: str
) -> dict[str, Any]:
    """The registry's ``read_own_menu`` of Wix connections (``place``: the linked Wix
    business location, unless the connection's settings name one)."""
    settings = WixSettings.model_validate({**connection.settings, **connection.credentials})
    client = WixClient.from_settings(settings, transport=context.transport)
    try:
        return await read_wix_menu(
            client,
            business_location_id=settings.business_location_id or place,
            currency=currency,
        )
    finally:
        await client.aclose()
