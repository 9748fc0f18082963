"""Line items of eCommerce orders, and what restaurant catalog references must name.

A restaurant line item's ``catalogReference`` is ``{catalogItemId, appId, options:
{operationId, menuId, sectionId, onlineOrderingPageUrl?}}`` with the Restaurants
Orders app id; the sandbox checks that the operation, menu and section exist and that
the item is in that section of that menu. Line items of other apps (Wix Stores, gift
cards …) and custom items pass through unchecked, as they do in Wix.

How a restaurant line item carries the chosen price variant and modifiers is
*unconfirmed*. The sandbox puts them in ``catalogReference.options`` as ``variantId``
and ``modifierIds`` and describes them in ``descriptionLines``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from orderbridge.sandboxes.wix.errors import invalid
from orderbridge.sandboxes.wix.formats import parse_amount, price
from orderbridge.sandboxes.wix.state import World

RESTAURANTS_APP_ID = "9a5d83fd-8570-482e-81ab-cfa88942ee60"
STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e"
MAX_QUANTITY = 100_000


def _is_guid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def check_restaurant_reference(world: World, ref: dict[str, Any], where: str) -> dict[str, Any]:
    """The menu item a restaurant catalog reference names; 400 if anything is off."""
    options = ref.get("options")
    if not isinstance(options, dict):
        raise invalid(f"{where}.options", "restaurant items need operationId, menuId, sectionId")
    for key in ("operationId", "menuId", "sectionId"):
        if not isinstance(options.get(key), str) or not options[key]:
            raise invalid(f"{where}.options.{key}", "is required", "REQUIRED_FIELD")
    if options["operationId"] not in world.operations:
        raise invalid(f"{where}.options.operationId", "names no operation", "REFERENCE")
    menu = world.menu("menus").get(options["menuId"])
    if menu is None:
        raise invalid(f"{where}.options.menuId", "names no menu", "REFERENCE")
    section = world.menu("sections").get(options["sectionId"])
    if section is None or section["id"] not in menu.get("sectionIds", []):
        raise invalid(f"{where}.options.sectionId", "names no section of that menu", "REFERENCE")
    item = world.menu("items").get(str(ref.get("catalogItemId")))
    if item is None or item["id"] not in section.get("itemIds", []):
        raise invalid(f"{where}.catalogItemId", "names no item of that section", "REFERENCE")
    return item


def menu_price(world: World, item: dict[str, Any], options: dict[str, Any], where: str) -> Decimal:
    """The unit price of a menu item with the chosen variant and modifiers."""
    variants = (item.get("priceVariants") or {}).get("variants") or []
    variant_id = options.get("variantId")
    if variants:
        chosen = next((v for v in variants if v.get("variantId") == variant_id), None)
        if chosen is None:
            raise invalid(f"{where}.options.variantId", "choose one of the item's variants")
        unit = parse_amount(chosen["priceInfo"]["price"], "price")
    else:
        if variant_id is not None:
            raise invalid(f"{where}.options.variantId", "the item has no price variants")
        unit = parse_amount((item.get("priceInfo") or {}).get("price", "0"), "price")
    charges = modifier_charges(world, item)
    modifier_ids = options.get("modifierIds") or []
    if not isinstance(modifier_ids, list):
        raise invalid(f"{where}.options.modifierIds", "must be a list of modifier ids", "TYPE")
    for modifier_id in modifier_ids:
        if modifier_id not in charges:
            raise invalid(f"{where}.options.modifierIds", f"{modifier_id} is not offered here")
        unit += charges[modifier_id][1]
    return unit


def modifier_charges(world: World, item: dict[str, Any]) -> dict[str, tuple[str, Decimal]]:
    """Modifier id → (its group's name, its additional charge) for one item."""
    offered: dict[str, tuple[str, Decimal]] = {}
    for ref in item.get("modifierGroups") or []:
        group = world.menu("modifierGroups").get(str(ref.get("id")))
        if group is None:
            continue
        for modifier in group.get("modifiers") or []:
            charge = (modifier.get("additionalChargeInfo") or {}).get("additionalCharge", "0")
            offered[str(modifier.get("id"))] = (group["name"], Decimal(str(charge)))
    return offered


def description_lines(world: World, item: dict[str, Any], options: dict[str, Any]) -> list[Any]:
    """The chosen variant and modifiers as plain-text description lines."""
    lines: list[dict[str, Any]] = []
    variant = world.menu("variants").get(str(options.get("variantId")))
    if variant is not None:
        lines.append(_text_line("Варіант", variant["name"]))
    charges = modifier_charges(world, item)
    for modifier_id in options.get("modifierIds") or []:
        modifier = world.menu("modifiers").get(modifier_id)
        if modifier is not None and modifier_id in charges:
            lines.append(_text_line(charges[modifier_id][0], modifier["name"]))
    return lines


def _text_line(name: str, text: str) -> dict[str, Any]:
    return {"name": {"original": name}, "plainText": {"original": text}, "lineType": "PLAIN_TEXT"}


def build_line(world: World, given: Any, index: int, currency: str) -> dict[str, Any]:
    """A stored line item from the one Create Order received (names and prices of
    restaurant items default to the menu's)."""
    where = f"order.lineItems[{index}]"
    if not isinstance(given, dict):
        raise invalid(where, "must be an object", "TYPE")
    line_id = given.get("id") or str(uuid.uuid4())
    if not isinstance(line_id, str) or not _is_guid(line_id):
        raise invalid(f"{where}.id", "must be a GUID or empty")
    quantity = given.get("quantity")
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 1 <= quantity <= MAX_QUANTITY
    ):
        raise invalid(f"{where}.quantity", f"must be a whole number from 1 to {MAX_QUANTITY}")
    ref = given.get("catalogReference")
    item: dict[str, Any] | None = None
    options: dict[str, Any] = {}
    if ref is not None:
        if not isinstance(ref, dict) or not ref.get("catalogItemId") or not ref.get("appId"):
            raise invalid(f"{where}.catalogReference", "needs catalogItemId and appId")
        if ref["appId"] == RESTAURANTS_APP_ID:
            item = check_restaurant_reference(world, ref, f"{where}.catalogReference")
            options = ref["options"]
    name = (given.get("productName") or {}).get("original") or (item or {}).get("name")
    if not isinstance(name, str) or not name:
        raise invalid(f"{where}.productName.original", "is required", "REQUIRED_FIELD")
    given_price = (given.get("price") or {}).get("amount")
    if given_price is not None:
        unit = parse_amount(given_price, f"{where}.price.amount")
    elif item is not None:
        unit = menu_price(world, item, options, f"{where}.catalogReference")
    else:
        raise invalid(f"{where}.price.amount", "is required", "REQUIRED_FIELD")
    total = unit * quantity
    line = {
        "id": line_id,
        "productName": {"original": name, "translated": name},
        "catalogReference": ref,
        "quantity": quantity,
        "price": price(unit, currency),
        "priceBeforeDiscounts": price(unit, currency),
        "totalPriceBeforeTax": price(total, currency),
        "totalPriceAfterTax": price(total, currency),
        "taxDetails": {"taxRate": "0", "totalTax": price(Decimal(0), currency)},
        "itemType": given.get("itemType") or {"preset": "PHYSICAL"},
        "descriptionLines": given.get("descriptionLines")
        or (description_lines(world, item, options) if item else []),
    }
    return {k: v for k, v in line.items() if v is not None}
