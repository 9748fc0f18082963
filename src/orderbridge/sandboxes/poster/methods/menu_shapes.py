"""How menu objects look on the wire, field by field as the reference's examples show.

menu.getCategories and menu.getProducts send almost every number as a string;
menu.getCategory answers with real integers and ``null`` photos. The examples disagree
even within one method (``out`` is ``0`` in getProducts, ``"0"`` for a product in
getProduct and ``97`` for a dish there), and clients written against real Poster cope
with exactly those types, so they are kept as shown rather than normalised.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.state import (
    Account,
    Category,
    DishModification,
    DishModificationGroup,
    Product,
    ProductModification,
    SpotPrice,
)

# Poster's newer docs (joinposter/docs) add "netto" figures, without VAT: their
# examples are the gross ones over 1.2 (cost 100 → cost_netto 83, profit 18346 →
# profit_netto 15288), a 20% VAT the sandbox applies to every product.
NETTO_DIVISOR = 1.2


def netto(value: int) -> str:
    """A kopeck amount without VAT, as the newer docs' ``*_netto`` strings."""
    return str(round(value / NETTO_DIVISOR))


# Poster calls the root of the menu tree (category 0) the "Home screen"; its name is
# localised (dash.getCategoriesSales shows "Главный экран" for a Russian account).
HOME_SCREEN = "Головний екран"


def _flag(value: bool | int) -> str:
    return "1" if value else "0"


def num(value: float) -> int | float:
    """A quantity as Poster's JSON writes it: ``30`` for whole numbers, ``0.5`` else."""
    return int(value) if float(value).is_integer() else value


def photo_variant(photo: str, suffix: str) -> str:
    """``/upload/.../x.jpg`` → ``/upload/.../x{suffix}.jpg`` (Poster's photo naming).

    Plain string work: a 10,000-item menu asks this tens of thousands of times."""
    if not photo:
        return ""
    slash = photo.rfind("/")
    dot = photo.rfind(".")
    if dot <= slash:
        return photo + suffix
    return f"{photo[:dot]}{suffix}{photo[dot:]}"


# Categories --------------------------------------------------------------------------


def nested_set(account: Account) -> dict[int, tuple[int, int, int]]:
    """``category_id`` → (left, right, level) of the live category tree.

    Poster keeps categories as a nested set under an implicit root (left 1), ordered
    by ``sort_order`` then name among siblings; the reference shows the numbers.
    """
    children: dict[int, list[Category]] = {}
    live = {cid: c for cid, c in account.categories.items() if not c.deleted}
    for cat in live.values():
        parent = cat.parent_category if cat.parent_category in live else 0
        children.setdefault(parent, []).append(cat)
    result: dict[int, tuple[int, int, int]] = {}
    counter = 1

    def walk(parent: int, level: int) -> None:
        nonlocal counter
        for cat in sorted(children.get(parent, []), key=lambda c: (c.sort_order, c.category_name)):
            counter += 1
            left = counter
            walk(cat.category_id, level + 1)
            counter += 1
            result[cat.category_id] = (left, counter, level)

    walk(0, 1)
    return result


def category_row(cat: Category, tree: tuple[int, int, int], *, id_1c: bool) -> dict[str, Any]:
    """One element of menu.getCategories: every value a string."""
    left, right, level = tree
    row: dict[str, Any] = {
        "category_id": str(cat.category_id),
        "category_name": cat.category_name,
        "category_photo": cat.category_photo or None,
        "parent_category": str(cat.parent_category),
        "category_color": cat.category_color,
        "category_hidden": str(cat.category_hidden),
        "sort_order": str(cat.sort_order),
        "fiscal": str(cat.fiscal),
        "nodiscount": str(cat.nodiscount),
        "tax_id": str(cat.tax_id),
        "left": str(left),
        "right": str(right),
        "category_tag": cat.category_tag or None,
        "level": str(level),
    }
    if id_1c:
        row["id_1c"] = cat.id_1c or "0"
    return row


def category_object(
    account: Account, cat: Category, tree: tuple[int, int, int], *, id_1c: bool
) -> dict[str, Any]:
    """menu.getCategory's answer: integers, ``null`` for a missing photo, and (from
    Poster's newer docs) ``visible``: per spot, whether the category shows there."""
    left, right, level = tree
    obj: dict[str, Any] = {
        "category_id": cat.category_id,
        "category_name": cat.category_name,
        "category_photo": cat.category_photo or None,
        "category_photo_origin": cat.category_photo_origin or None,
        "parent_category": cat.parent_category,
        "category_color": cat.category_color,
        "category_hidden": cat.category_hidden,
        "sort_order": cat.sort_order,
        "fiscal": cat.fiscal,
        "nodiscount": cat.nodiscount,
        "tax_id": cat.tax_id,
        "left": left,
        "right": right,
        "level": level,
        "category_tag": cat.category_tag or None,
        "visible": [
            {"spot_id": spot_id, "visible": int(cat.visible.get(spot_id, True))}
            for spot_id, spot in account.spots.items()
            if not spot.deleted
        ],
    }
    if id_1c:
        obj["id_1c"] = cat.id_1c or "0"
    return obj


# Products and dishes --------------------------------------------------------------------


def _spot_rows(account: Account, spots: dict[int, SpotPrice], cost: int) -> list[dict[str, str]]:
    rows = []
    for spot_id, spot in account.spots.items():
        if spot.deleted:
            continue
        sp = spots.get(spot_id)
        price = sp.price if sp else 0
        rows.append(
            {
                "spot_id": str(spot_id),
                "price": str(price),
                "profit": str(price - cost),
                "profit_netto": netto(price - cost),
                "visible": _flag(sp.visible if sp else False),
            }
        )
    return rows


def _modification(account: Account, mod: ProductModification) -> dict[str, Any]:
    return {
        "modificator_id": str(mod.modificator_id),
        "modificator_name": mod.modificator_name,
        "modificator_selfprice": str(mod.modificator_selfprice),
        "modificator_selfprice_netto": netto(mod.modificator_selfprice),
        "order": str(mod.order),
        "modificator_barcode": mod.modificator_barcode,
        "modificator_product_code": mod.modificator_product_code,
        "spots": _spot_rows(account, mod.spots, mod.modificator_selfprice),
        "ingredient_id": str(mod.ingredient_id),
    }


def _dish_modification(mod: DishModification) -> dict[str, Any]:
    # Real Poster answers these with numbers, not strings (see the DishModificationGroup
    # shape other Poster clients decode); ``price`` is the delta in kopecks.
    return {
        "dish_modification_id": mod.dish_modification_id,
        "name": mod.name,
        "ingredient_id": mod.ingredient_id,
        "type": mod.type,
        "brutto": num(mod.brutto),
        "price": mod.price,
        "photo_orig": photo_variant(mod.photo, "_original"),
        "photo_large": photo_variant(mod.photo, "_large"),
        "photo_small": photo_variant(mod.photo, "_small"),
        "last_modified_time": mod.last_modified_time,
    }


def _group(group: DishModificationGroup) -> dict[str, Any]:
    return {
        "dish_modification_group_id": group.dish_modification_group_id,
        "name": group.name,
        "num_min": group.num_min,
        "num_max": group.num_max,
        "type": group.type,
        "is_deleted": group.is_deleted,
        "modifications": [_dish_modification(m) for m in group.modifications],
    }


def product_row(
    account: Account, product: Product, category_names: dict[int, str], *, single: bool = False
) -> dict[str, Any]:
    """One product or dish as menu.getProducts lists it (``single``: as getProduct does).

    A product with modifications carries its prices per modification and has no
    top-level ``price``/``profit``/``spots`` (the reference's Borjomi); a dish adds its
    recipe and, as real Poster does, its modifier groups as ``group_modifications``.
    ``hidden`` is not in this reference's examples but real Poster sends it (its newer
    docs show ``"hidden":"0"``).
    """
    row: dict[str, Any] = {
        "barcode": product.barcode,
        "category_name": category_names.get(product.menu_category_id, HOME_SCREEN),
        "hidden": str(product.hidden),
        "unit": product.unit,
        "cost": str(product.cost),
        "cost_netto": netto(product.cost),
        "fiscal": str(product.fiscal),
        "menu_category_id": str(product.menu_category_id),
        "workshop": str(product.workshop),
        "nodiscount": str(product.nodiscount),
        "photo": product.photo or None,
        "photo_origin": product.photo_origin or None,
    }
    if not product.modifications:
        prices = {str(s): str(product.spots[s].price) for s in account.spots if s in product.spots}
        row["price"] = prices
    row["product_code"] = product.product_code
    row["product_id"] = str(product.product_id)
    row["product_name"] = product.product_name
    if not product.modifications:
        row["profit"] = {s: str(int(p) - product.cost) for s, p in row["price"].items()}
    row.update(
        {
            "sort_order": str(product.sort_order),
            "tax_id": str(product.tax_id),
            "product_tax_id": str(product.product_tax_id),
            "type": str(product.type),
            "weight_flag": str(product.weight_flag),
            "color": product.color,
        }
    )
    if product.modifications:
        row["modifications"] = [_modification(account, m) for m in product.modifications]
    else:
        row["spots"] = _spot_rows(account, product.spots, product.cost)
    row["ingredient_id"] = str(product.ingredient_id)
    row["cooking_time"] = str(product.cooking_time)
    row["different_spots_prices"] = str(product.different_spots_prices)
    if product.is_dish:
        row["out"] = product.out
        row["product_production_description"] = product.product_production_description
        row["ingredients"] = product.ingredients
        if product.group_modifications:
            row["group_modifications"] = [_group(g) for g in product.group_modifications]
    else:
        # getProducts sends ``out`` as a number, getProduct as a string for products.
        row["out"] = str(product.out) if single else product.out
    return row


def category_names(account: Account) -> dict[int, str]:
    """``menu_category_id`` → name, for the ``category_name`` of product rows."""
    return {cid: c.category_name for cid, c in account.categories.items() if not c.deleted}
