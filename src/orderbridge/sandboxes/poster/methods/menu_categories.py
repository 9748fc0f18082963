"""menu.createCategory, updateCategory, removeCategory."""

from __future__ import annotations

from orderbridge.sandboxes.poster.context import CallContext
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.methods.menu_parse import int_or, text
from orderbridge.sandboxes.poster.methods.menu_read import live_category
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account, Category


def color(value: object, field: str, default: str) -> str:
    """A card colour (white, red, … pink); any name is kept, as the register only shows it.

    The reference lists twelve names but documents no error for others, so the sandbox
    does not invent one that a client working against real Poster would never see.
    """
    return text(value, field, default)


def _parent(account: Account, params: Params, default: int) -> int:
    parent = int_or(params.raw("parent_category"), "parent_category", default)
    if parent:
        live_category(account, parent, "parent_category")
    return parent


def _flag01(params: Params, key: str, default: int) -> int:
    value = int_or(params.raw(key), key, default)
    if value not in (0, 1):
        raise PosterError(400, f"{key} must be 0 or 1", field=key)
    return value


def create_category(ctx: CallContext, params: Params) -> int:
    """menu.createCategory: answers the new category's id, announces ``category added``."""
    account = ctx.account
    name = params.req_str("category_name")
    parent = _parent(account, params, 0)
    cat_color = color(params.raw("category_color"), "category_color", "white")
    hidden = _flag01(params, "category_hidden", 0)
    tax_id = int_or(params.raw("tax_id"), "tax_id", 0)
    category_id = account.next_id("category")
    account.categories[category_id] = Category(
        category_id=category_id,
        category_name=name,
        parent_category=parent,
        category_color=cat_color,
        category_hidden=hidden,
        tax_id=tax_id,
    )
    ctx.emit("category", category_id, "added")
    return category_id


def update_category(ctx: CallContext, params: Params) -> int:
    """menu.updateCategory: changes what was sent, answers the id."""
    account = ctx.account
    cat = live_category(account, params.req_int("category_id"))
    name = text(params.raw("category_name"), "category_name", cat.category_name)
    parent = _parent(account, params, cat.parent_category)
    if parent and _descends_from(account, parent, cat.category_id):
        raise PosterError(400, "A category cannot sit inside itself", field="parent_category")
    cat_color = color(params.raw("category_color"), "category_color", cat.category_color)
    hidden = _flag01(params, "category_hidden", cat.category_hidden)
    tax_id = int_or(params.raw("tax_id"), "tax_id", cat.tax_id)
    cat.category_name = name
    cat.parent_category = parent
    cat.category_color = cat_color
    cat.category_hidden = hidden
    cat.tax_id = tax_id
    ctx.emit("category", cat.category_id, "changed")
    return cat.category_id


def _descends_from(account: Account, category_id: int, ancestor: int) -> bool:
    seen: set[int] = set()
    while category_id and category_id not in seen:
        if category_id == ancestor:
            return True
        seen.add(category_id)
        found = account.categories.get(category_id)
        category_id = found.parent_category if found else 0
    return False


def remove_category(ctx: CallContext, params: Params) -> bool:
    """menu.removeCategory: marks it removed; its contents move up a level.

    The reference does not say what becomes of a removed category's products and
    subcategories. Poster's back office moves them to the parent (products of a
    top-level category land on the Home screen, category 0), so the sandbox does the
    same and announces each moved item as changed.
    """
    account = ctx.account
    cat = live_category(account, params.req_int("category_id"))
    cat.deleted = True
    for child in account.categories.values():
        if not child.deleted and child.parent_category == cat.category_id:
            child.parent_category = cat.parent_category
            ctx.emit("category", child.category_id, "changed")
    for product in account.products.values():
        if not product.deleted and product.menu_category_id == cat.category_id:
            product.menu_category_id = cat.parent_category
            ctx.emit("dish" if product.is_dish else "product", product.product_id, "changed")
    ctx.emit("category", cat.category_id, "removed")
    return True
