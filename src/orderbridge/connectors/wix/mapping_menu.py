"""Pure functions from the hub's canonical menu to Wix Restaurants menu entities.

A hub category is a Wix section, an item an item, a variant an item variant (priced on
the item's ``priceVariants``), a modifier group a modifier group (its modifiers priced
by ``additionalChargeInfo``), a modifier a modifier. Wix references entities by its own
ids, so each builder takes the Wix ids of what the entity points at. Prices are decimal
strings; names are cut to Wix's limits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from orderbridge.domain.menu import Category, Item, Modifier, ModifierGroup, Variant
from orderbridge.domain.money import Money

MAX_SECTION_ITEMS = 300
MAX_ITEM_GROUPS = 25
NAME_LIMITS = {"item": 200, "variant": 200, "modifier_group": 100, "modifier": 200, "section": 500}

Body = dict[str, Any]


def price(value: Money) -> str:
    """Money as Wix's decimal string (``"190.00"``)."""
    return str(value.to_decimal())


def _name(text: str, kind: str) -> str:
    return (text.strip() or "—")[: NAME_LIMITS.get(kind, 200)]


def variant_body(variant: Variant) -> Body:
    return {"name": _name(variant.name, "variant")}


def modifier_body(modifier: Modifier) -> Body:
    return {"name": _name(modifier.name, "modifier")}


def group_body(group: ModifierGroup, modifier_ids: Mapping[str, str]) -> Body:
    """A modifier group naming its modifiers by their Wix ids, with their charges."""
    return {
        "name": _name(group.name, "modifier_group"),
        "modifiers": [
            {"id": modifier_ids[m.id], "additionalChargeInfo": {"additionalCharge": price(m.price)}}
            for m in group.modifiers
            if m.id in modifier_ids
        ],
        "rule": {
            "required": group.min > 0,
            "minSelections": group.min,
            "maxSelections": group.max,
        },
    }


def item_body(item: Item, variant_ids: Mapping[str, str], group_ids: Mapping[str, str]) -> Body:
    """An item with its price (or priced variants), its modifier groups and stock."""
    body: Body = {
        "name": _name(item.name, "item"),
        "description": item.description,
        "visible": item.availability.visible,
        "modifierGroups": [
            {"id": group_ids[g.id]} for g in item.modifier_groups if g.id in group_ids
        ][:MAX_ITEM_GROUPS],
        # A snooze is "out of stock until": the hub drops it from the menu when it ends.
        "orderSettings": {
            "inStock": item.availability.in_stock and item.availability.snoozed_until is None
        },
    }
    variants = [v for v in item.variants if v.id in variant_ids]
    if variants:
        body["priceVariants"] = {
            "variants": [
                {"variantId": variant_ids[v.id], "priceInfo": {"price": price(v.price)}}
                for v in variants
            ]
        }
    else:
        body["priceInfo"] = {"price": price(item.price)}
    return body


def section_body(category: Category, item_ids: Mapping[str, str]) -> Body:
    """A section listing its items (by Wix id) in the category's display order."""
    return {
        "name": _name(category.name, "section"),
        "visible": category.visible,
        "itemIds": [item_ids[i.id] for i in category.items if i.id in item_ids][:MAX_SECTION_ITEMS],
    }


def menu_body(name: str, section_ids: Sequence[str]) -> Body:
    return {"name": _name(name, "section"), "visible": True, "sectionIds": list(section_ids)}
