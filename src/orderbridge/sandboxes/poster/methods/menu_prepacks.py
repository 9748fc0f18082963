"""menu.*Prepack*: semi-finished products (type 1): a recipe and its yield, made ahead
and used in dishes' recipes (recipe elements of ``type`` 2)."""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.methods.common import truthy
from orderbridge.sandboxes.poster.methods.menu_parse import is_absent
from orderbridge.sandboxes.poster.methods.menu_recipes import recipe_rows
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account, Product

PREPACK = 1


def prepack_view(product: Product, *, with_1c: bool) -> dict[str, Any]:
    view: dict[str, Any] = {
        "product_id": str(product.product_id),
        "ingredient_id": str(product.ingredient_id),
        "product_name": product.product_name,
        "cost": str(product.cost),
        "out": product.out,
        "product_production_description": product.product_production_description,
    }
    if with_1c:
        view["id_1c"] = "0"  # the sandbox keeps no 1C ids for prepacks
    view["ingredients"] = product.ingredients
    return view


def live_prepack(account: Account, prepack_id: int, field: str) -> Product:
    prepack = account.products.get(prepack_id)
    if prepack is None or prepack.deleted or prepack.type != PREPACK:
        raise not_found(field, prepack_id)
    return prepack


def get_prepacks(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """menu.getPrepacks: every live prepack with its recipe."""
    with_1c = truthy(params, "1c")
    return [
        prepack_view(p, with_1c=with_1c)
        for p in ctx.account.products.values()
        if p.type == PREPACK and not p.deleted
    ]


def get_prepack(ctx: CallContext, params: Params) -> dict[str, Any]:
    """menu.getPrepack."""
    prepack = live_prepack(ctx.account, params.req_int("product_id"), "product_id")
    return prepack_view(prepack, with_1c=truthy(params, "1c"))


def _save(ctx: CallContext, params: Params, prepack: Product | None) -> int:
    account = ctx.account
    name = (params.str("product_name") or (prepack.product_name if prepack else "")).strip()
    if not name:
        raise missing("product_name")
    for other in account.products.values():
        same = other.type == PREPACK and other.product_name.casefold() == name.casefold()
        if same and other is not prepack and not other.deleted:
            raise PosterError(38, f"A prepack named {name} exists", field="product_name")
    raw = params.raw("ingredient")
    if prepack is None and is_absent(raw):
        raise missing("ingredient")
    recipe = None if is_absent(raw) else recipe_rows(account, raw)
    description = params.str("product_production_description")
    # Everything is checked: write.
    created = prepack is None
    if prepack is None:
        prepack = Product(product_id=account.next_id("product"), product_name=name, type=PREPACK)
        account.products[prepack.product_id] = prepack
    prepack.product_name = name
    if description is not None:
        prepack.product_production_description = description
    if recipe is not None:
        for row in recipe:
            row["structure_id"] = str(account.next_id("structure"))
        prepack.ingredients = recipe
        prepack.out = round(sum(float(r["structure_netto"]) for r in recipe))
        prepack.cost = sum(int(r["structure_selfprice"]) for r in recipe)
    ctx.emit("prepack", prepack.product_id, "added" if created else "changed")
    return prepack.product_id


def create_prepack(ctx: CallContext, params: Params) -> int:
    """menu.createPrepack: the new prepack's id (its product id)."""
    return _save(ctx, params, None)


def update_prepack(ctx: CallContext, params: Params) -> int:
    """menu.updatePrepack: the recipe sent replaces the old one; answers the id."""
    return _save(ctx, params, live_prepack(ctx.account, params.req_int("prepack_id"), "prepack_id"))


def remove_prepack(ctx: CallContext, params: Params) -> bool:
    """menu.removePrepack."""
    prepack = live_prepack(ctx.account, params.req_int("prepack_id"), "prepack_id")
    prepack.deleted = True
    ctx.emit("prepack", prepack.product_id, "removed")
    return True


METHODS: dict[str, Handler] = {
    "menu.getPrepacks": get_prepacks,
    "menu.getPrepack": get_prepack,
    "menu.createPrepack": create_prepack,
    "menu.updatePrepack": update_prepack,
    "menu.removePrepack": remove_prepack,
}
