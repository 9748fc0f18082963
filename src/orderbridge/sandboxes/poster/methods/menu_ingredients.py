"""menu.*Ingredient* and menu.*CategoryIngredients*: raw materials and their categories.

An ingredient's ``ingredient_left`` is what all storages hold (the stock ledger's
running total); the answers write numbers as strings but ``ingredient_weight`` as a
number, as the reference's examples do.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Envelope, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing
from orderbridge.sandboxes.poster.methods.common import decimals, flag01, live, num, truthy
from orderbridge.sandboxes.poster.params import Params, to_float
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_stock import LOSS_METHODS, Ingredient, IngredientCategory

UNITS = ("kg", "p", "l")


def ingredient_view(ingredient: Ingredient, *, with_1c: bool, full: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "ingredient_id": str(ingredient.ingredient_id),
        "ingredient_name": ingredient.ingredient_name,
        "category_id": str(ingredient.category_id),
        "ingredient_left": decimals(sum(ingredient.left.values()), 5),
        "limit_value": str(num(ingredient.limit_value)),
        "time_notif": "0",
        "ingredient_unit": ingredient.unit,
        "ingredient_weight": num(ingredient.weight),
    }
    for method in LOSS_METHODS:
        view[f"ingredients_losses_{method}"] = str(num(ingredient.losses.get(method, 0)))
    view["ingredients_type"] = "1"
    view["partial_write_off"] = str(ingredient.partial_write_off)
    if with_1c or full:
        view["id_1c"] = ingredient.id_1c or "0"
    if full:
        view["delete"] = "1" if ingredient.deleted else "0"
        view["hidden"] = str(ingredient.hidden)
    return view


def get_ingredients(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """menu.getIngredients: the live ingredients (``id_1c=true`` adds their 1C ids)."""
    with_1c = truthy(params, "id_1c") or truthy(params, "1c")
    return [
        ingredient_view(i, with_1c=with_1c, full=False)
        for i in ctx.account.ingredients.values()
        if not i.deleted
    ]


def get_ingredient(ctx: CallContext, params: Params) -> dict[str, Any]:
    """menu.getIngredient: one ingredient with its 1C id, removal and hidden flags."""
    ingredient = live(ctx.account.ingredients, params.req_int("ingredient_id"), "ingredient_id")
    return ingredient_view(ingredient, with_1c=True, full=True)


def _category(account: Account, params: Params, default: int) -> int:
    category_id = params.int("category_id", default)
    assert category_id is not None
    if category_id:
        live(account.ingredient_categories, category_id, "category_id")
    return category_id


def _fields(ctx: CallContext, params: Params, current: Ingredient | None) -> dict[str, Any]:
    name = (params.str("ingredient_name") or (current.ingredient_name if current else "")).strip()
    if not name:
        raise missing("ingredient_name")
    unit = params.str("type", current.unit if current else None)
    if unit is None:
        raise missing("type")
    if unit not in UNITS:
        raise PosterError(400, "type must be kg, p or l", field="type")
    if current is not None and unit != current.unit and _supplied(ctx.account, current):
        raise PosterError(153, "The unit of a supplied ingredient cannot change", field="type")
    losses = dict(current.losses) if current else {}
    for method in LOSS_METHODS:
        raw = params.raw(f"loss_{method}")
        if raw not in (None, ""):
            value = to_float(raw, f"loss_{method}")
            if not 0 <= value < 100:
                raise PosterError(400, f"loss_{method} must be 0–99", field=f"loss_{method}")
            losses[method] = value
    weight = params.raw("weight_ingredient")
    return {
        "ingredient_name": name,
        "category_id": _category(ctx.account, params, current.category_id if current else 0),
        "unit": unit,
        "weight": to_float(weight, "weight_ingredient")
        if weight not in (None, "")
        else (current.weight if current else 0),
        "losses": losses,
        "partial_write_off": flag01(
            params, "partial_write_off", current.partial_write_off if current else 0
        ),
    }


def _supplied(account: Account, ingredient: Ingredient) -> bool:
    return any(
        m.kind == "ingredient" and m.item_id == ingredient.ingredient_id and m.doc == "supply"
        for m in account.stock_moves
    )


def create_ingredient(ctx: CallContext, params: Params) -> int:
    """menu.createIngredient: the new ingredient's id (no stock until supplied)."""
    fields = _fields(ctx, params, None)
    ingredient_id = ctx.account.next_id("ingredient")
    ctx.account.ingredients[ingredient_id] = Ingredient(ingredient_id=ingredient_id, **fields)
    ctx.emit("ingredient", ingredient_id, "added")
    return ingredient_id


def update_ingredient(ctx: CallContext, params: Params) -> int:
    """menu.updateIngredient: answers the ingredient's id."""
    ingredient = live(ctx.account.ingredients, params.req_int("id"), "id")
    for key, value in _fields(ctx, params, ingredient).items():
        setattr(ingredient, key, value)
    ctx.emit("ingredient", ingredient.ingredient_id, "changed")
    return ingredient.ingredient_id


def remove_ingredient(ctx: CallContext, params: Params) -> bool:
    """menu.removeIngredient: recipes that use it keep their rows, as in Poster."""
    ingredient = live(ctx.account.ingredients, params.req_int("ingredient_id"), "ingredient_id")
    ingredient.deleted = True
    ctx.emit("ingredient", ingredient.ingredient_id, "removed")
    return True


def _category_view(category: IngredientCategory, with_1c: bool) -> dict[str, Any]:
    view: dict[str, Any] = {"category_id": str(category.category_id), "name": category.name}
    if with_1c:
        view["id_1c"] = category.id_1c
    return view


def get_categories(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """menu.getCategoriesIngredients (the answer says ``name``, as its example does)."""
    with_1c = truthy(params, "1c")
    return [
        _category_view(c, with_1c)
        for c in sorted(ctx.account.ingredient_categories.values(), key=lambda c: c.name)
        if not c.deleted
    ]


def get_category(ctx: CallContext, params: Params) -> dict[str, Any]:
    """menu.getCategoryIngredients."""
    category = live(ctx.account.ingredient_categories, params.req_int("category_id"), "category_id")
    return _category_view(category, truthy(params, "1c"))


def _category_name(params: Params) -> str:
    name = (params.str("category_name") or "").strip()
    if not name:
        raise missing("category_name")
    return name


def create_category(ctx: CallContext, params: Params) -> int:
    """menu.createCategoryIngredients: the new category's id."""
    name = _category_name(params)
    category_id = ctx.account.next_id("ingredient_category")
    ctx.account.ingredient_categories[category_id] = IngredientCategory(
        category_id=category_id, name=name
    )
    ctx.emit("ingredients_category", category_id, "added")
    return category_id


def update_category(ctx: CallContext, params: Params) -> int:
    """menu.updateCategoryIngredients: renames; answers the id."""
    category = live(ctx.account.ingredient_categories, params.req_int("category_id"), "category_id")
    category.name = _category_name(params)
    ctx.emit("ingredients_category", category.category_id, "changed")
    return category.category_id


def remove_category(ctx: CallContext, params: Params) -> Envelope:
    """menu.removeCategoryIngredients: ``with_ingredients`` 1 removes its ingredients,
    0 (the default) leaves them without a category. The answer is the reference's
    ``{"success": "successful delete category"}``, with no ``response``."""
    category = live(ctx.account.ingredient_categories, params.req_int("category_id"), "category_id")
    with_ingredients = flag01(params, "with_ingredients", 0)
    category.deleted = True
    for ingredient in ctx.account.ingredients.values():
        if ingredient.category_id == category.category_id and not ingredient.deleted:
            if with_ingredients:
                ingredient.deleted = True
                ctx.emit("ingredient", ingredient.ingredient_id, "removed")
            else:
                ingredient.category_id = 0
    ctx.emit("ingredients_category", category.category_id, "removed")
    return Envelope({"success": "successful delete category"})


METHODS: dict[str, Handler] = {
    "menu.getIngredients": get_ingredients,
    "menu.getIngredient": get_ingredient,
    "menu.createIngredient": create_ingredient,
    "menu.updateIngredient": update_ingredient,
    "menu.removeIngredient": remove_ingredient,
    "menu.getCategoriesIngredients": get_categories,
    "menu.getCategoryIngredients": get_category,
    "menu.createCategoryIngredients": create_category,
    "menu.updateCategoryIngredients": update_category,
    "menu.removeCategoryIngredients": remove_category,
}
