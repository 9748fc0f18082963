"""menu.get*: categories, products and dishes as the register's menu holds them."""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext
from orderbridge.sandboxes.poster.errors import not_found
from orderbridge.sandboxes.poster.methods.menu_shapes import (
    category_names,
    category_object,
    category_row,
    nested_set,
    product_row,
)
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account, Category, Product


def truthy(params: Params, key: str) -> bool:
    """A PHP-style boolean flag: ``true``/``1`` as form text, or a JSON true/1."""
    value = params.raw(key)
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1"}
    return bool(value) and not isinstance(value, dict | list)


def live_category(account: Account, category_id: int, field: str = "category_id") -> Category:
    """A category that exists and is not removed; error 32 otherwise."""
    cat = account.categories.get(category_id)
    if cat is None or cat.deleted:
        raise not_found(field, category_id)
    return cat


def live_product(account: Account, product_id: int, field: str = "product_id") -> Product:
    """A product or dish that exists and is not removed; error 32 otherwise."""
    product = account.products.get(product_id)
    if product is None or product.deleted:
        raise not_found(field, product_id)
    return product


def get_categories(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """menu.getCategories: the live categories in tree order, optionally by ``fiscal``."""
    fiscal = params.int("fiscal")
    with_1c = truthy(params, "id_1c")
    tree = nested_set(ctx.account)
    cats = [ctx.account.categories[cid] for cid in sorted(tree, key=lambda c: tree[c][0])]
    return [
        category_row(cat, tree[cat.category_id], id_1c=with_1c)
        for cat in cats
        if fiscal is None or cat.fiscal == fiscal
    ]


def get_category(ctx: CallContext, params: Params) -> dict[str, Any]:
    """menu.getCategory: one category's properties, integers as the example shows."""
    cat = live_category(ctx.account, params.req_int("category_id"))
    tree = nested_set(ctx.account)
    return category_object(ctx.account, cat, tree[cat.category_id], id_1c=truthy(params, "1c"))


def _order(product: Product) -> tuple[int, str, int]:
    # The reference lists Borjomi before Evian (both sort_order 999): by name.
    return (product.sort_order, product.product_name.casefold(), product.product_id)


def get_products(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """menu.getProducts: products and dishes, filtered by ``category_id`` and ``type``.

    ``type=products`` keeps products (type 3), ``type=batchtickets`` dishes (type 2);
    another value filters nothing, as the reference names only these two. Hidden
    products are listed (with ``hidden`` "1"); removed ones are not.
    """
    category_id = params.int("category_id")
    kind = params.str("type")
    wanted = {"products": 3, "batchtickets": 2}.get(kind or "")
    names = category_names(ctx.account)
    items = [
        p
        for p in ctx.account.products.values()
        if not p.deleted
        and (category_id is None or p.menu_category_id == category_id)
        and (wanted is None or p.type == wanted)
        and p.type in (2, 3)
    ]
    items.sort(key=_order)
    return [product_row(ctx.account, p, names) for p in items]


def get_product(ctx: CallContext, params: Params) -> dict[str, Any]:
    """menu.getProduct: one product or dish; a removed or unknown id is error 32."""
    product = live_product(ctx.account, params.req_int("product_id"))
    return product_row(ctx.account, product, category_names(ctx.account), single=True)
