"""Line items of eCommerce orders, and what restaurant catalog references must name.

A restaurant line item's ``catalogReference`` is ``{catalogItemId, appId, options:
{operationId, menuId, sectionId, onlineOrderingPageUrl?}}`` with the Restaurants
Orders app id (Wix's POS sample flows); the sandbox checks that the operation, menu and
section exist and that the item is in that section of that menu. Line items of other
apps (Wix Stores, gift cards …) and custom items pass through unchecked, as in Wix.

The chosen price variant rides in ``options.variantId``, the key eCommerce catalogs
use for a variant (Wix's Create Order and order examples; the all-zero GUID means
none). The chosen modifiers are the line's ``modifierGroups`` (``[{id, name,
modifiers: [{id, quantity, label, price}]}]``, read-only, in the Order type of
``@wix/auto_sdk_ecom_orders`` 1.0.300) and are named in ``descriptionLines``. No public
example shows a restaurant line with both; see tests/payloads/wix/README.md.

A line keeps every documented field its creator sent (``image``,
``physicalProperties``, ``totalDiscount``, ``paymentOption``, ``locations`` …) and gets
the computed ones: ``priceBeforeDiscounts``, ``totalPriceBeforeTax``,
``totalPriceAfterTax``, ``taxDetails``, ``lineItemPrice``, ``refundQuantity``.
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
NO_VARIANT = "00000000-0000-0000-0000-000000000000"
# Fields of a line item its creator may set, kept as given (Wix's line item type).
KEPT_FIELDS = (
    "image",
    "physicalProperties",
    "itemType",
    "fulfillerId",
    "paymentOption",
    "digitalFile",
    "subscriptionInfo",
    "priceDescription",
    "locations",
)


def _is_guid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def text(value: str) -> dict[str, str]:
    """Wix's translatable text: ``{original, translated}``."""
    return {"original": value, "translated": value}


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


def chosen_variant(options: dict[str, Any]) -> str | None:
    value = options.get("variantId")
    return value if isinstance(value, str) and value and value != NO_VARIANT else None


def variant_price(item: dict[str, Any], variant_id: str | None, where: str) -> Decimal:
    """The price of a menu item, or of its chosen price variant."""
    variants = (item.get("priceVariants") or {}).get("variants") or []
    if variants:
        chosen = next((v for v in variants if v.get("variantId") == variant_id), None)
        if chosen is None:
            raise invalid(f"{where}.options.variantId", "choose one of the item's variants")
        return parse_amount(chosen["priceInfo"]["price"], "price")
    if variant_id is not None:
        raise invalid(f"{where}.options.variantId", "the item has no price variants")
    return parse_amount((item.get("priceInfo") or {}).get("price", "0"), "price")


def modifier_charges(
    world: World, item: dict[str, Any]
) -> dict[str, tuple[dict[str, Any], Decimal]]:
    """Modifier id → (its group, its additional charge) for one item."""
    offered: dict[str, tuple[dict[str, Any], Decimal]] = {}
    for ref in item.get("modifierGroups") or []:
        group = world.menu("modifierGroups").get(str(ref.get("id")))
        if group is None:
            continue
        for modifier in group.get("modifiers") or []:
            charge = (modifier.get("additionalChargeInfo") or {}).get("additionalCharge", "0")
            offered[str(modifier.get("id"))] = (group, Decimal(str(charge)))
    return offered


def modifier_groups(
    world: World, item: dict[str, Any], modifier_ids: list[Any], currency: str, where: str
) -> list[dict[str, Any]]:
    """The chosen modifiers as Wix's line ``modifierGroups``; 400 for one not offered."""
    charges = modifier_charges(world, item)
    groups: dict[str, dict[str, Any]] = {}
    for modifier_id in modifier_ids:
        if not isinstance(modifier_id, str) or modifier_id not in charges:
            raise invalid(f"{where}.modifierIds", f"{modifier_id} is not offered here")
        group, charge = charges[modifier_id]
        modifier = world.menu("modifiers").get(modifier_id, {"name": modifier_id})
        entry = groups.setdefault(
            group["id"], {"id": group["id"], "name": text(group["name"]), "modifiers": []}
        )
        entry["modifiers"].append(
            {
                "id": modifier_id,
                "quantity": 1,
                "label": text(modifier["name"]),
                "price": price(charge, currency),
            }
        )
    return list(groups.values())


def description_lines(
    world: World, variant_id: str | None, groups: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The chosen variant and modifiers as plain-text description lines."""
    lines: list[dict[str, Any]] = []
    variant = world.menu("variants").get(str(variant_id)) if variant_id else None
    if variant is not None:
        lines.append({"name": text("Варіант"), "plainText": text(variant["name"])})
    for group in groups:
        for modifier in group["modifiers"]:
            lines.append({"name": group["name"], "plainText": modifier["label"]})
    return lines


def _quantity(given: dict[str, Any], where: str) -> int:
    quantity = given.get("quantity")
    if (
        isinstance(quantity, bool)
        or not isinstance(quantity, int)
        or not 1 <= quantity <= MAX_QUANTITY
    ):
        raise invalid(f"{where}.quantity", f"must be a whole number from 1 to {MAX_QUANTITY}")
    return quantity


def build_line(
    world: World,
    given: Any,
    index: int,
    currency: str,
    *,
    tax_included: bool,
    chosen_modifiers: list[Any] | None = None,
) -> dict[str, Any]:
    """A stored line item from the one received; names and prices of restaurant items
    default to the menu's. ``chosen_modifiers`` (modifier ids) come from the checkout:
    ``modifierGroups`` is read-only in Create Order."""
    where = f"order.lineItems[{index}]"
    if not isinstance(given, dict):
        raise invalid(where, "must be an object", "TYPE")
    line_id = given.get("id") or str(uuid.uuid4())
    if not isinstance(line_id, str) or not _is_guid(line_id):
        raise invalid(f"{where}.id", "must be a GUID or empty")
    quantity = _quantity(given, where)
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
    groups: list[dict[str, Any]] = []
    variant_id = chosen_variant(options)
    if item is not None:
        groups = modifier_groups(world, item, chosen_modifiers or [], currency, where)
    given_price = (given.get("price") or {}).get("amount")
    if given_price is not None:
        unit = parse_amount(given_price, f"{where}.price.amount")
    elif item is not None:
        unit = variant_price(item, variant_id, f"{where}.catalogReference") + sum(
            (Decimal(m["price"]["amount"]) for g in groups for m in g["modifiers"]), Decimal(0)
        )
    else:
        raise invalid(f"{where}.price.amount", "is required", "REQUIRED_FIELD")
    discount = parse_amount(
        (given.get("totalDiscount") or {}).get("amount", "0"), f"{where}.totalDiscount.amount"
    )
    rate = parse_amount((given.get("taxDetails") or {}).get("taxRate", "0"), f"{where}.taxDetails")
    gross = unit * quantity
    taxable = max(gross - discount, Decimal(0))
    tax = taxable - taxable / (1 + rate) if tax_included else taxable * rate
    line: dict[str, Any] = {
        "id": line_id,
        "productName": {"original": name, "translated": name},
        "catalogReference": ref,
        "quantity": quantity,
        "totalDiscount": price(discount, currency),
        "descriptionLines": given.get("descriptionLines")
        or (description_lines(world, variant_id, groups) if item else []),
        **{key: given[key] for key in KEPT_FIELDS if key in given},
        "refundQuantity": 0,
        "price": price(unit, currency),
        "priceBeforeDiscounts": price(unit, currency),
        "totalPriceBeforeTax": price(taxable - tax if tax_included else taxable, currency),
        "totalPriceAfterTax": price(taxable if tax_included else taxable + tax, currency),
        "taxDetails": {
            "taxableAmount": price(taxable, currency),
            "taxRate": str(rate),
            "totalTax": price(tax, currency),
        },
        "lineItemPrice": price(gross, currency),
    }
    line.setdefault("itemType", {"preset": "PHYSICAL"})
    line.setdefault("paymentOption", "FULL_PAYMENT_ONLINE")
    line.setdefault("locations", [])
    if groups:
        line["modifierGroups"] = groups
    return {k: v for k, v in line.items() if v is not None}
