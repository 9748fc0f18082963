"""Small constructors for seeding menus straight into an ``Account`` (no API calls).

Seeds build state directly, without webhooks: a sandbox starts with its menu, nobody
"added" it. Every helper keeps the invariants the API handlers keep (profit is price
minus food cost, a product with modifications has no top-level prices, counters stay
above every id handed out).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from orderbridge.sandboxes.poster.state import (
    Account,
    DishModification,
    DishModificationGroup,
    Product,
    ProductModification,
    SpotPrice,
)

# Product photo file names carry an upload timestamp, as Poster's do.
_PHOTO_EPOCH = 1_403_094_000

Prices = int | dict[int, int]
"""One price for every spot, or a price per spot id (kopecks)."""


def photo_path(account: Account, kind: str, object_id: int) -> str:
    """A relative ``/upload/...`` path in the form Poster answers with."""
    return (
        f"/upload/pos_cdb_{account.account_number}/menu/"
        f"{kind}_{_PHOTO_EPOCH + object_id * 7}_{object_id}.jpg"
    )


def spots_for(
    account: Account, price: Prices, cost: int, hidden_at: Sequence[int] = ()
) -> dict[int, SpotPrice]:
    """Per-spot prices for every spot of the account; ``hidden_at`` spots are not visible."""
    result = {}
    for spot_id in account.spots:
        value = price if isinstance(price, int) else price.get(spot_id, 0)
        result[spot_id] = SpotPrice(
            price=value, profit=value - cost, visible=spot_id not in hidden_at
        )
    return result


def differs(price: Prices) -> int:
    """``different_spots_prices`` for a price given one way or per spot."""
    return int(not isinstance(price, int) and len(set(price.values())) > 1)


def add_product(
    account: Account,
    product_id: int,
    name: str,
    category_id: int,
    price: Prices,
    *,
    cost: int = 0,
    hidden_at: Sequence[int] = (),
    photo: bool = True,
    variants: Sequence[tuple[int, str, Prices]] = (),
    variant_cost: int | None = None,
    **fields: Any,
) -> Product:
    """A product (type 3); ``variants`` are (modificator_id, name, price) modifications.

    A modification's food cost is ``variant_cost``, by default half the product's.
    """
    product = Product(
        product_id=product_id,
        product_name=name,
        menu_category_id=category_id,
        type=3,
        cost=cost,
        photo=photo_path(account, "product", product_id) if photo else "",
        different_spots_prices=differs(price),
        **fields,
    )
    if photo:
        product.photo_origin = product.photo.replace(".jpg", "_original.jpg")
    if variants:
        selfprice = cost // 2 if variant_cost is None else variant_cost
        product.modifications = [
            ProductModification(
                modificator_id=mod_id,
                modificator_name=mod_name,
                modificator_selfprice=selfprice,
                order=order,
                spots=spots_for(account, mod_price, selfprice, hidden_at),
            )
            for order, (mod_id, mod_name, mod_price) in enumerate(variants)
        ]
        product.different_spots_prices = max(differs(v[2]) for v in variants)
        account.bump_counter("modificator", max(v[0] for v in variants))
    else:
        product.spots = spots_for(account, price, cost, hidden_at)
    account.products[product_id] = product
    account.bump_counter("product", product_id)
    return product


def recipe_row(
    structure_id: int,
    ingredient_id: int,
    name: str,
    unit: str,
    brutto: float,
    netto: float,
    selfprice: int,
) -> dict[str, Any]:
    """One line of a dish's recipe in menu.getProduct's ``ingredients`` shape."""
    row: dict[str, Any] = {"structure_id": str(structure_id), "ingredient_id": str(ingredient_id)}
    row.update({f"pr_in_{m}": "0" for m in ("clear", "cook", "fry", "stew", "bake")})
    row.update(
        {
            "structure_unit": unit,
            "structure_type": "1",
            "structure_brutto": int(brutto) if float(brutto).is_integer() else brutto,
            "structure_netto": int(netto) if float(netto).is_integer() else netto,
            "structure_lock": "1",
            "structure_selfprice": str(selfprice),
            "ingredient_name": name,
            "ingredient_unit": unit,
            "ingredient_weight": "0",
        }
    )
    row.update({f"ingredients_losses_{m}": "0" for m in ("clear", "cook", "fry", "stew", "bake")})
    return row


Group = tuple[str, int, int, int, Sequence[tuple[str, int]]]
"""A modifier group: (name, type, num_min, num_max, [(modifier name, price delta)])."""


def add_dish(
    account: Account,
    product_id: int,
    name: str,
    category_id: int,
    price: Prices,
    *,
    recipe: Sequence[tuple[int, str, str, float, int]] = (),
    groups: Sequence[Group] = (),
    hidden_at: Sequence[int] = (),
    photo: bool = True,
    fixed_ids: dict[str, int] | None = None,
    **fields: Any,
) -> Product:
    """A dish (type 2) with a recipe of (ingredient_id, name, unit, netto, cost) and groups.

    ``fixed_ids`` pins a modifier's id by its name (ids the reference's examples use).
    """
    rows = [
        recipe_row(account.next_id("structure"), ing_id, ing_name, unit, qty, qty, cost)
        for ing_id, ing_name, unit, qty, cost in recipe
    ]
    cost = fields.pop("cost", sum(int(r["structure_selfprice"]) for r in rows))
    fields.setdefault("out", round(sum(float(r["structure_netto"]) for r in rows)))
    dish = Product(
        product_id=product_id,
        product_name=name,
        menu_category_id=category_id,
        type=2,
        cost=cost,
        photo=photo_path(account, "product", product_id) if photo else "",
        ingredients=rows,
        different_spots_prices=differs(price),
        spots=spots_for(account, price, cost, hidden_at),
        **fields,
    )
    if photo:
        dish.photo_origin = dish.photo.replace(".jpg", "_original.jpg")
    pinned = fixed_ids or {}
    for group_name, kind, low, high, mods in groups:
        group = DishModificationGroup(
            dish_modification_group_id=account.next_id("dish_modification_group"),
            name=group_name,
            type=kind,
            num_min=low,
            num_max=high,
        )
        for mod_name, delta in mods:
            mod_id = pinned.get(mod_name) or account.next_id("dish_modification")
            group.modifications.append(
                DishModification(
                    dish_modification_id=mod_id,
                    name=mod_name,
                    price=delta,
                    brutto=1,
                    last_modified_time="2024-03-01 10:00:00",
                    photo=photo_path(account, "dish_modification", mod_id)
                    if photo and delta
                    else "",
                )
            )
        dish.group_modifications.append(group)
    account.products[product_id] = dish
    account.bump_counter("product", product_id)
    return dish
