"""What a menu entity must satisfy before the sandbox stores it.

Wix's object references give the limits (name lengths, list sizes, "one of"
``priceInfo``/``priceVariants``); prices are decimal strings. References between
entities (a menu's ``sectionIds``, a section's ``itemIds``, an item's variants and
modifier groups, a group's modifiers) must name entities that exist: Wix's "Build a
Complete Menu" guide builds bottom-up for that reason, though whether Wix rejects a
dangling id is *unconfirmed*. The sandbox rejects it, so a publisher that creates in
the wrong order finds out here rather than in production.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from orderbridge.sandboxes.wix.errors import invalid
from orderbridge.sandboxes.wix.formats import parse_amount
from orderbridge.sandboxes.wix.state import MenuKind, World

NAME_LIMITS: dict[MenuKind, int] = {
    "menus": 500,
    "sections": 500,
    "items": 200,
    "variants": 200,
    "modifierGroups": 100,
    "modifiers": 200,
}


def _name(entity: dict[str, Any], limit: int) -> None:
    name = entity.get("name")
    if not isinstance(name, str) or not name.strip():
        raise invalid("name", "is required", "REQUIRED_FIELD")
    if len(name) > limit:
        raise invalid("name", f"must be at most {limit} characters", "MAX_LENGTH")


def _flag(entity: dict[str, Any], field: str) -> None:
    if field in entity and not isinstance(entity[field], bool):
        raise invalid(field, "must be a boolean", "TYPE")


def _id_list(world: World, entity: dict[str, Any], field: str, kind: MenuKind, limit: int) -> None:
    ids = entity.get(field, [])
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise invalid(field, "must be a list of ids", "TYPE")
    if len(ids) > limit:
        raise invalid(field, f"must hold at most {limit} ids", "MAX_ITEMS")
    known = world.menu(kind)
    for index, entity_id in enumerate(ids):
        if entity_id not in known:
            raise invalid(f"{field}[{index}]", f"{kind} {entity_id} does not exist", "REFERENCE")


def _objects(entity: dict[str, Any], field: str) -> list[dict[str, Any]]:
    value = entity.get(field, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise invalid(field, "must be a list of objects", "TYPE")
    return value


def _check_menu(world: World, entity: dict[str, Any]) -> None:
    _flag(entity, "visible")
    _id_list(world, entity, "sectionIds", "sections", 500)


def _check_section(world: World, entity: dict[str, Any]) -> None:
    _flag(entity, "visible")
    _id_list(world, entity, "itemIds", "items", 300)


def _check_item(world: World, entity: dict[str, Any]) -> None:
    _flag(entity, "visible")
    if "priceInfo" in entity and "priceVariants" in entity:
        raise invalid("priceInfo", "an item has priceInfo or priceVariants, not both", "ONE_OF")
    if "priceInfo" in entity:
        info = entity["priceInfo"]
        if not isinstance(info, dict):
            raise invalid("priceInfo", "must be an object", "TYPE")
        parse_amount(info.get("price"), "priceInfo.price")
    if "priceVariants" in entity:
        block = entity["priceVariants"]
        if not isinstance(block, dict):
            raise invalid("priceVariants", "must be an object", "TYPE")
        for index, variant in enumerate(_objects(block, "variants")):
            where = f"priceVariants.variants[{index}]"
            if variant.get("variantId") not in world.menu("variants"):
                raise invalid(f"{where}.variantId", "names no item variant", "REFERENCE")
            parse_amount((variant.get("priceInfo") or {}).get("price"), f"{where}.priceInfo.price")
    groups = _objects(entity, "modifierGroups")
    if len(groups) > 25:
        raise invalid("modifierGroups", "must hold at most 25 groups", "MAX_ITEMS")
    for index, group in enumerate(groups):
        if group.get("id") not in world.menu("modifierGroups"):
            raise invalid(f"modifierGroups[{index}].id", "names no modifier group", "REFERENCE")
    settings = entity.get("orderSettings", {})
    if not isinstance(settings, dict):
        raise invalid("orderSettings", "must be an object", "TYPE")
    _flag(settings, "inStock")


def _check_modifier_group(world: World, entity: dict[str, Any]) -> None:
    modifiers = _objects(entity, "modifiers")
    for index, modifier in enumerate(modifiers):
        where = f"modifiers[{index}]"
        if modifier.get("id") not in world.menu("modifiers"):
            raise invalid(f"{where}.id", "names no item modifier", "REFERENCE")
        charge = modifier.get("additionalChargeInfo")
        if charge is not None:
            if not isinstance(charge, dict):
                raise invalid(f"{where}.additionalChargeInfo", "must be an object", "TYPE")
            parse_amount(
                charge.get("additionalCharge", "0"),
                f"{where}.additionalChargeInfo.additionalCharge",
            )
    rule = entity.get("rule", {})
    if not isinstance(rule, dict):
        raise invalid("rule", "must be an object", "TYPE")
    low, high = rule.get("minSelections", 0), rule.get("maxSelections")
    if not isinstance(low, int) or low < 0:
        raise invalid("rule.minSelections", "must be a whole number ≥ 0", "MIN")
    if high is not None and (not isinstance(high, int) or high < max(low, 1)):
        raise invalid("rule.maxSelections", "must be a whole number ≥ minSelections", "MIN")


def _check_plain(world: World, entity: dict[str, Any]) -> None:
    _flag(entity, "visible")
    _flag(entity, "inStock")


CHECKS: dict[MenuKind, Callable[[World, dict[str, Any]], None]] = {
    "menus": _check_menu,
    "sections": _check_section,
    "items": _check_item,
    "variants": _check_plain,
    "modifierGroups": _check_modifier_group,
    "modifiers": _check_plain,
}


def check(world: World, kind: MenuKind, entity: dict[str, Any]) -> None:
    """Raise a 400 ``WixError`` naming the first field of ``entity`` that is wrong."""
    _name(entity, NAME_LIMITS[kind])
    CHECKS[kind](world, entity)
