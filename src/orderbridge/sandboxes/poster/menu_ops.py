"""Menu changes made at the register (outside the API), and menu questions orders ask.

The register page calls ``set_price``, ``set_visible``, ``set_hidden``, ``set_stock``
and ``set_out`` on a ``CallContext`` from ``PosterSandbox.context`` and then
``PosterSandbox.commit``s it, so the webhooks real Poster sends for the same change in
its back office go out the same way as for API calls. Each function checks before it
writes and raises ``PosterError`` (code 32 for an unknown id), leaving nothing changed.

The incoming-orders code validates order lines with ``price_at``, ``is_visible_at``
and ``find_dish_modification``, which read a ``Product`` and never change it.

A note on ``out``: in Poster's menu ``out`` is a dish's yield in grams (the reference's
Manhattan Jack has ``"out":97``; prepacks describe it as "weight"), not a sold-out flag.
Running out is a matter of stock: Poster tracks leftovers per storage and announces
every movement with a ``stock`` webhook, so that is how ``set_out`` works here.
"""

from __future__ import annotations

from orderbridge.sandboxes.poster.context import CallContext
from orderbridge.sandboxes.poster.errors import PosterError, not_found
from orderbridge.sandboxes.poster.state import (
    DishModification,
    Product,
    ProductModification,
    SpotPrice,
)

# What ``set_out(..., False)`` puts back on the shelf when nothing was tracked before.
RESTOCK_LEVEL = 100.0
# ``type`` of a stock webhook's data: 2 a product, 4 a manufactured dish (the reference).
STOCK_TYPE_PRODUCT = 2
STOCK_TYPE_DISH = 4


def _product(ctx: CallContext, product_id: int) -> Product:
    product = ctx.account.products.get(product_id)
    if product is None or product.deleted:
        raise not_found("product_id", product_id)
    return product


def _spot(ctx: CallContext, spot_id: int) -> None:
    if spot_id not in ctx.account.spots:
        raise not_found("spot_id", spot_id)


def _modification(product: Product, modificator_id: int) -> ProductModification:
    for mod in product.modifications:
        if mod.modificator_id == modificator_id:
            return mod
    raise not_found("modificator_id", modificator_id)


def _changed(ctx: CallContext, product: Product) -> None:
    ctx.emit("dish" if product.is_dish else "product", product.product_id, "changed")


def set_price(
    ctx: CallContext, product_id: int, spot_id: int, price: int, modificator_id: int | None = None
) -> None:
    """Set the price (kopecks) of a product, dish or one product modification at a spot.

    A product with modifications is priced per modification, so ``modificator_id`` is
    then required. When the prices come to differ between spots the product's
    ``different_spots_prices`` turns on, as Poster's back office does. Announces
    ``product``/``dish`` ``changed``.
    """
    product = _product(ctx, product_id)
    _spot(ctx, spot_id)
    if price < 0:
        raise PosterError(400, "price must not be negative", field="price")
    if product.modifications and modificator_id is None:
        raise PosterError(
            34,
            "modificator_id is required for a product with modifications",
            field="modificator_id",
        )
    if modificator_id is not None:
        mod = _modification(product, modificator_id)
        spots, cost = mod.spots, mod.modificator_selfprice
    else:
        spots, cost = product.spots, product.cost
    current = spots.get(spot_id) or SpotPrice(visible=True)
    spots[spot_id] = SpotPrice(price=price, profit=price - cost, visible=current.visible)
    if len({sp.price for sp in spots.values()}) > 1:
        product.different_spots_prices = 1
    _changed(ctx, product)


def set_visible(
    ctx: CallContext,
    product_id: int,
    spot_id: int,
    visible: bool,
    modificator_id: int | None = None,
) -> None:
    """Show or hide a product or dish on a spot's register menu.

    Without ``modificator_id`` a product with modifications is shown or hidden whole
    (every modification at that spot). Announces ``product``/``dish`` ``changed``.
    """
    product = _product(ctx, product_id)
    _spot(ctx, spot_id)
    if modificator_id is not None:
        targets = [_modification(product, modificator_id).spots]
    elif product.modifications:
        targets = [mod.spots for mod in product.modifications]
    else:
        targets = [product.spots]
    for spots in targets:
        current = spots.get(spot_id) or SpotPrice()
        spots[spot_id] = current.model_copy(update={"visible": visible})
    _changed(ctx, product)


def set_hidden(ctx: CallContext, product_id: int, hidden: bool) -> None:
    """Hide a product or dish everywhere (Poster's ``hidden``) or show it again."""
    product = _product(ctx, product_id)
    product.hidden = 1 if hidden else 0
    _changed(ctx, product)


def set_stock(ctx: CallContext, product_id: int, storage_id: int, value: float) -> None:
    """Set what is left of a product or dish in a storage; announces a ``stock`` webhook.

    The webhook's ``data`` is what the reference lists: ``type`` (2 product, 4 dish),
    ``element_id``, ``storage_id``, ``value_relative`` (the change) and
    ``value_absolute`` (the new level).
    """
    product = _product(ctx, product_id)
    storages = {spot.storage_id for spot in ctx.account.spots.values()}
    if storage_id not in storages:
        raise not_found("storage_id", storage_id)
    before = product.stock.get(storage_id, 0.0)
    product.stock[storage_id] = float(value)
    ctx.emit(
        "stock",
        product.product_id,
        "changed",
        {
            "type": STOCK_TYPE_DISH if product.is_dish else STOCK_TYPE_PRODUCT,
            "element_id": product.product_id,
            "storage_id": storage_id,
            "value_relative": _number(float(value) - before),
            "value_absolute": _number(float(value)),
        },
    )


def set_out(ctx: CallContext, product_id: int, out: bool) -> None:
    """Mark a product or dish sold out (stock 0 in every spot's storage) or back in.

    Back in stock restores ``RESTOCK_LEVEL`` where the level is zero or below. One
    ``stock`` webhook per storage whose level moves; nothing else, as in Poster.
    """
    product = _product(ctx, product_id)
    storages = sorted({spot.storage_id for spot in ctx.account.spots.values()})
    for storage_id in storages:
        level = product.stock.get(storage_id)
        if out and (level is None or level != 0):
            set_stock(ctx, product_id, storage_id, 0)
        elif not out and level is not None and level <= 0:
            set_stock(ctx, product_id, storage_id, RESTOCK_LEVEL)


def _number(value: float) -> int | float:
    return int(value) if value.is_integer() else value


# Questions orders ask ----------------------------------------------------------------


def price_at(product: Product, spot_id: int, modificator_id: int | None = None) -> int | None:
    """The price in kopecks of a product (or one of its modifications) at a spot.

    ``None`` when it cannot be sold there at that price: removed, no price at that
    spot, a product with modifications asked without ``modificator_id`` (or with one
    it does not have), or a product without modifications asked with one (0 counts
    as "none", as Poster's order lines write it). Visibility is ``is_visible_at``'s.
    """
    if product.deleted:
        return None
    if modificator_id and product.modifications:
        for mod in product.modifications:
            if mod.modificator_id == modificator_id:
                sp = mod.spots.get(spot_id)
                return sp.price if sp else None
        return None
    if modificator_id or product.modifications:
        return None
    sp = product.spots.get(spot_id)
    return sp.price if sp else None


def is_visible_at(product: Product, spot_id: int, modificator_id: int | None = None) -> bool:
    """Whether a product is on the spot's menu: not removed, not hidden, visible there.

    A product with modifications is visible when the asked modification is (or, asked
    without one, when any of them is). Category visibility is not considered.
    """
    if product.deleted or product.hidden:
        return False
    if product.modifications:
        mods = [
            m
            for m in product.modifications
            if not modificator_id or m.modificator_id == modificator_id
        ]
        return any(m.spots.get(spot_id, SpotPrice(visible=False)).visible for m in mods)
    sp = product.spots.get(spot_id)
    return bool(sp and sp.visible)


def in_stock_at(product: Product, storage_id: int) -> bool:
    """False only when stock is tracked in that storage and nothing is left."""
    level = product.stock.get(storage_id)
    return level is None or level > 0


def find_dish_modification(product: Product, dish_modification_id: int) -> DishModification | None:
    """A dish's modifier by id (the ``m`` of an order's ``modification``), or ``None``."""
    for group in product.group_modifications:
        for mod in group.modifications:
            if mod.dish_modification_id == dish_modification_id:
                return mod
    return None
