"""menu.createDish, updateDish, removeDish: dishes, their recipes and modifier groups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext
from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.methods.menu_categories import color
from orderbridge.sandboxes.poster.methods.menu_parse import (
    as_flag,
    as_int,
    int_or,
    is_absent,
    number,
    per_spot,
    text,
)
from orderbridge.sandboxes.poster.methods.menu_products import spot_prices
from orderbridge.sandboxes.poster.methods.menu_read import live_category, live_product
from orderbridge.sandboxes.poster.methods.menu_recipes import items, recipe_rows
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import (
    DishModification,
    DishModificationGroup,
    Product,
)


@dataclass
class _Group:
    group: DishModificationGroup
    mod_ids: list[int]  # 0 for modifications to create


def _groups(params: Params, dish: Product | None) -> list[_Group]:
    old_groups = {g.dish_modification_group_id for g in dish.group_modifications} if dish else set()
    old_mods = {
        m.dish_modification_id
        for g in (dish.group_modifications if dish else [])
        for m in g.modifications
    }
    result = []
    for gkey, raw in items(params.raw("modificationgroup"), "modificationgroup"):
        f = f"modificationgroup[{gkey}]"
        group_id = int_or(
            raw.get("dish_modification_group_id"), f"{f}[dish_modification_group_id]", 0
        )
        if group_id and group_id not in old_groups:
            raise not_found(f"{f}[dish_modification_group_id]", group_id)
        name = text(raw.get("name"), f"{f}[name]").strip()
        if not name:
            raise missing(f"{f}[name]")
        kind = int_or(raw.get("type"), f"{f}[type]", 1)
        low = int_or(raw.get("minNum"), f"{f}[minNum]", 0)
        high = int_or(raw.get("maxNum"), f"{f}[maxNum]", 1)
        if kind not in (1, 2):
            raise PosterError(400, f"{f}[type] must be 1 or 2", field=f"{f}[type]")
        if low < 0 or high < low:
            raise PosterError(
                400, f"{f}: minNum must be between 0 and maxNum", field=f"{f}[minNum]"
            )
        mods, ids, seen = [], [], set()
        for mkey, mraw in items(raw.get("modifications", []), f"{f}[modifications]"):
            mf = f"{f}[modifications][{mkey}]"
            mod_id = int_or(mraw.get("dish_modification_id"), f"{mf}[dish_modification_id]", 0)
            if mod_id and mod_id not in old_mods:
                raise not_found(f"{mf}[dish_modification_id]", mod_id)
            mname = text(mraw.get("name"), f"{mf}[name]").strip()
            if not mname:
                raise missing(f"{mf}[name]")
            if mname.casefold() in seen:
                raise PosterError(154, field=f"{mf}[name]")
            seen.add(mname.casefold())
            mods.append(
                DishModification(
                    dish_modification_id=mod_id,
                    name=mname,
                    ingredient_id=int_or(mraw.get("ingredientId"), f"{mf}[ingredientId]", 0),
                    type=int_or(mraw.get("type"), f"{mf}[type]", 1),
                    brutto=number(mraw.get("brutto"), f"{mf}[brutto]"),
                    price=int_or(mraw.get("price"), f"{mf}[price]", 0),
                )
            )
            ids.append(mod_id)
        group = DishModificationGroup(
            dish_modification_group_id=group_id,
            name=name,
            num_min=low,
            num_max=high,
            type=kind,
            modifications=mods,
        )
        result.append(_Group(group, ids))
    return result


def _apply_groups(ctx: CallContext, dish: Product, groups: list[_Group]) -> None:
    old_photos = {
        m.dish_modification_id: m.photo for g in dish.group_modifications for m in g.modifications
    }
    account, now = ctx.account, ctx.now_str()
    for item in groups:
        g = item.group
        g.dish_modification_group_id = g.dish_modification_group_id or account.next_id(
            "dish_modification_group"
        )
        for mod in g.modifications:
            mod.photo = old_photos.get(mod.dish_modification_id, "")
            mod.dish_modification_id = mod.dish_modification_id or account.next_id(
                "dish_modification"
            )
            mod.last_modified_time = now
    dish.group_modifications = [item.group for item in groups]


def _save(ctx: CallContext, params: Params, dish: Product | None) -> int:
    account = ctx.account
    spot_ids = list(account.spots)
    base = dish or Product(product_id=0, product_name="", type=2, nodiscount=1)
    name = text(params.raw("product_name"), "product_name", base.product_name).strip()
    if not name:
        raise missing("product_name")
    category = int_or(params.raw("menu_category_id"), "menu_category_id", base.menu_category_id)
    if category:
        live_category(account, category, "menu_category_id")
    workshop_key = "workshop_id" if "workshop_id" in params else "workshop"
    color_key = "product_color" if "product_color" in params else "color"
    values: dict[str, Any] = {
        "product_name": name,
        "menu_category_id": category,
        "barcode": text(params.raw("barcode"), "barcode", base.barcode),
        "workshop": int_or(params.raw(workshop_key), workshop_key, base.workshop),
        "color": color(params.raw(color_key), color_key, base.color),
        "weight_flag": int_or(params.raw("weight_flag"), "weight_flag", base.weight_flag),
        "nodiscount": int_or(params.raw("nodiscount"), "nodiscount", base.nodiscount),
        "cooking_time": int_or(params.raw("cooking_time"), "cooking_time", base.cooking_time),
        "different_spots_prices": int_or(
            params.raw("different_spots_prices"),
            "different_spots_prices",
            base.different_spots_prices,
        ),
    }
    same = values["different_spots_prices"] == 0
    prices = per_spot(params.raw("price"), spot_ids, "price", as_int, same=same)
    visible = per_spot(params.raw("visible"), spot_ids, "visible", as_flag, same=False)
    raw_recipe = params.raw("ingredient")
    recipe = None if is_absent(raw_recipe) else recipe_rows(ctx.account, raw_recipe)
    groups = None if is_absent(params.raw("modificationgroup")) else _groups(params, dish)
    # Everything is checked: write.
    created = dish is None
    if dish is None:
        dish = Product(product_id=account.next_id("product"), product_name=name, type=2)
        account.products[dish.product_id] = dish
    for key, value in values.items():
        setattr(dish, key, value)
    if recipe is not None:
        for row in recipe:
            row["structure_id"] = str(account.next_id("structure"))
        dish.ingredients = recipe
        dish.out = round(sum(float(r["structure_netto"]) for r in recipe))
        dish.cost = sum(int(r["structure_selfprice"]) for r in recipe)
    if groups is not None:
        _apply_groups(ctx, dish, groups)
    dish.spots = spot_prices(dish.spots, prices, visible, dish.cost, spot_ids, default_visible=True)
    ctx.emit("dish", dish.product_id, "added" if created else "changed")
    return dish.product_id


def _live_dish(ctx: CallContext, params: Params) -> Product:
    dish = live_product(ctx.account, params.req_int("dish_id"), "dish_id")
    if not dish.is_dish:
        raise PosterError(
            32, f"dish_id {dish.product_id} is a product, not a dish", field="dish_id"
        )
    return dish


def create_dish(ctx: CallContext, params: Params) -> int:
    """menu.createDish: the new dish's id; announces ``dish added``."""
    return _save(ctx, params, None)


def update_dish(ctx: CallContext, params: Params) -> int:
    """menu.updateDish: changes what was sent; groups and modifiers not sent are removed.

    When ``modificationgroup`` is not sent at all the groups stay as they are.
    """
    return _save(ctx, params, _live_dish(ctx, params))


def remove_dish(ctx: CallContext, params: Params) -> bool:
    """menu.removeDish: marks the dish removed; announces ``dish removed``."""
    dish = _live_dish(ctx, params)
    dish.deleted = True
    ctx.emit("dish", dish.product_id, "removed")
    return True
