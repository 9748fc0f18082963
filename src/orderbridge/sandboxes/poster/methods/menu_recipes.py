"""The ``ingredient`` parameter of menu.createDish/updateDish/createPrepack/…: a recipe.

Each element names an ingredient (``type`` 1) or a prepack (``type`` 2) by ``id`` with
its gross and net (grams or millilitres for kilogram and litre ingredients, pieces
otherwise), the cooking methods used and whether net follows gross (``lock``). The
rows are built in menu.getProduct's ``ingredients`` shape, with the element's cost
from the ingredient's prime cost and its losses.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.methods.menu_parse import int_or, is_absent, keyed, number
from orderbridge.sandboxes.poster.methods.menu_shapes import num
from orderbridge.sandboxes.poster.state import Account

METHODS = ("clear", "cook", "fry", "stew", "bake")


def items(value: Any, field: str) -> list[tuple[str, dict[str, Any]]]:
    """An array of objects in request order, each checked to be an object (else 36)."""
    found = keyed(value)
    if found is None:
        raise PosterError(36, f"{field} must be an array", field=field)
    result = []
    for key in sorted(found, key=lambda k: (len(k), k)):
        if not isinstance(found[key], dict):
            raise PosterError(36, f"{field}[{key}] must be an array", field=f"{field}[{key}]")
        result.append((key, found[key]))
    return result


def _element(account: Account, kind: int, element_id: int, field: str) -> tuple[str, str, float]:
    """(name, unit, prime cost per unit) of a recipe element; error 32 if unknown."""
    if kind == 2:
        prepack = account.products.get(element_id)
        if prepack is None or prepack.deleted or prepack.type != 1:
            raise not_found(field, element_id)
        per_gram = prepack.cost / prepack.out if prepack.out else 0
        return prepack.product_name, "kg", per_gram * 1000
    ingredient = account.ingredients.get(element_id)
    if ingredient is None or ingredient.deleted:
        raise not_found(field, element_id)
    return ingredient.ingredient_name, ingredient.unit, ingredient.cost


def recipe_rows(account: Account, value: Any) -> list[dict[str, Any]]:
    """The recipe rows the ``ingredient`` parameter describes (``structure_id`` empty:
    the caller numbers them once everything is checked)."""
    rows = []
    for key, item in items(value, "ingredient"):
        f = f"ingredient[{key}]"
        if is_absent(item.get("id")):
            raise missing(f"{f}[id]")
        element_id = int_or(item.get("id"), f"{f}[id]", 0)
        brutto = number(item.get("brutto"), f"{f}[brutto]")
        netto = number(item.get("netto"), f"{f}[netto]", brutto)
        kind = int_or(item.get("type"), f"{f}[type]", 1)
        if kind not in (1, 2):
            raise PosterError(400, f"{f}[type] must be 1 or 2", field=f"{f}[type]")
        methods = {m: int_or(item.get(m), f"{f}[{m}]", 0) for m in METHODS}
        lock = int_or(item.get("lock"), f"{f}[lock]", 1)
        name, unit, cost = _element(account, kind, element_id, f"{f}[id]")
        unit = str(item.get("unit") or unit)
        amount = brutto / 1000 if unit in ("kg", "l") else brutto
        row: dict[str, Any] = {"structure_id": "", "ingredient_id": str(element_id)}
        row.update({f"pr_in_{m}": str(methods[m]) for m in METHODS})
        row.update(
            {
                "structure_unit": unit,
                "structure_type": str(kind),
                "structure_brutto": num(brutto),
                "structure_netto": num(netto),
                "structure_lock": str(lock),
                "structure_selfprice": str(round(cost * amount)),
                "ingredient_name": name,
                "ingredient_unit": unit,
                "ingredient_weight": "0",
            }
        )
        ingredient = account.ingredients.get(element_id) if kind == 1 else None
        for m in METHODS:
            loss = ingredient.losses.get(m, 0) if ingredient else 0
            row[f"ingredients_losses_{m}"] = str(num(loss))
        rows.append(row)
    return rows
