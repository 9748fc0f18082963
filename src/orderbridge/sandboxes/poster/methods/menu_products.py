"""menu.createProduct, updateProduct, removeProduct: products and their modifications.

Each handler reads and checks every parameter into plain values first and only then
writes, so a call that fails leaves the menu exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Envelope
from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.methods.menu_categories import color
from orderbridge.sandboxes.poster.methods.menu_parse import (
    as_flag,
    as_int,
    at,
    int_or,
    is_absent,
    keyed,
    per_spot,
    text,
)
from orderbridge.sandboxes.poster.methods.menu_read import live_category, live_product
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import (
    Account,
    Product,
    ProductModification,
    SpotPrice,
)


def spot_prices(
    old: dict[int, SpotPrice],
    prices: dict[int, int],
    visible: dict[int, bool],
    cost: int,
    spot_ids: list[int],
    *,
    default_visible: bool,
) -> dict[int, SpotPrice]:
    """Merge sent prices and visibility over ``old``; profit is price minus food cost."""
    result: dict[int, SpotPrice] = {}
    for spot_id in spot_ids:
        before = old.get(spot_id)
        price = prices.get(spot_id, before.price if before else 0)
        shown = visible.get(spot_id, before.visible if before else default_visible)
        result[spot_id] = SpotPrice(price=price, profit=price - cost, visible=shown)
    return result


@dataclass
class _Variant:
    """One modification as sent: index in the request, existing id (0: new), values."""

    index: int
    modificator_id: int
    name: str
    barcode: str | None
    product_code: str | None
    cost: int | None
    prices: dict[int, int] = field(default_factory=dict)
    visible: dict[int, bool] = field(default_factory=dict)


def _variants(
    params: Params, spot_ids: list[int], same: bool, existing: list[ProductModification] | None
) -> list[_Variant]:
    names = keyed(params.raw("modificator_name"))
    if names is None:
        raw = params.raw("modificator_name")
        if is_absent(raw):
            raise missing("modificator_name")
        names = {"0": raw}
    ids = keyed(params.raw("modificator_id")) or {}
    known = {m.modificator_id for m in existing or []}
    variants: list[_Variant] = []
    seen: set[str] = set()
    for key in sorted(names, key=lambda k: int_or(k, "modificator_name", 0)):
        index = int_or(key, f"modificator_name[{key}]", 0)
        name = text(names[key], f"modificator_name[{key}]").strip()
        if not name:
            raise missing(f"modificator_name[{key}]")
        if name.casefold() in seen:
            raise PosterError(154, field=f"modificator_name[{key}]")
        seen.add(name.casefold())
        mod_id = 0
        if existing is not None:
            if key not in ids:
                raise missing(f"modificator_id[{key}]")
            mod_id = int_or(ids[key], f"modificator_id[{key}]", 0)
            if mod_id and mod_id not in known:
                raise not_found(f"modificator_id[{key}]", mod_id)
        barcode, code, cost = (
            at(params.raw(k), index) for k in ("barcode", "product_code", "cost")
        )
        variants.append(
            _Variant(
                index=index,
                modificator_id=mod_id,
                name=name,
                barcode=None if is_absent(barcode) else text(barcode, f"barcode[{key}]"),
                product_code=None if is_absent(code) else text(code, f"product_code[{key}]"),
                cost=None if is_absent(cost) else int_or(cost, f"cost[{key}]", 0),
                prices=per_spot(
                    at(params.raw("price"), index), spot_ids, f"price[{key}]", as_int, same=same
                ),
                visible=per_spot(
                    at(params.raw("visible"), index),
                    spot_ids,
                    f"visible[{key}]",
                    as_flag,
                    same=False,
                ),
            )
        )
    return variants


def _apply_variants(
    account: Account, product: Product, variants: list[_Variant], spot_ids: list[int]
) -> list[int]:
    old = {m.modificator_id: m for m in product.modifications}
    mods: list[ProductModification] = []
    for order, v in enumerate(variants):
        before = old.get(v.modificator_id)
        mod_id = v.modificator_id or account.next_id("modificator")
        cost = v.cost if v.cost is not None else (before.modificator_selfprice if before else 0)
        mods.append(
            ProductModification(
                modificator_id=mod_id,
                modificator_name=v.name,
                modificator_selfprice=cost,
                order=order,
                modificator_barcode=v.barcode
                if v.barcode is not None
                else (before.modificator_barcode if before else ""),
                modificator_product_code=v.product_code
                if v.product_code is not None
                else (before.modificator_product_code if before else ""),
                ingredient_id=before.ingredient_id if before else 0,
                spots=spot_prices(
                    before.spots if before else {},
                    v.prices,
                    v.visible,
                    cost,
                    spot_ids,
                    default_visible=True,
                ),
            )
        )
    product.modifications = mods
    product.spots = {}
    return [m.modificator_id for m in mods]


def _common(params: Params, account: Account, product: Product | None) -> dict[str, Any]:
    """The scalar properties shared by create and update, checked, defaults from ``product``."""
    base = product or Product(product_id=0, product_name="")
    category = int_or(params.raw("menu_category_id"), "menu_category_id", base.menu_category_id)
    if category:
        live_category(account, category, "menu_category_id")
    values = {
        "menu_category_id": category,
        "workshop": int_or(params.raw("workshop"), "workshop", base.workshop),
        "weight_flag": int_or(params.raw("weight_flag"), "weight_flag", base.weight_flag),
        "color": color(params.raw("color"), "color", base.color),
        "different_spots_prices": int_or(
            params.raw("different_spots_prices"),
            "different_spots_prices",
            base.different_spots_prices,
        ),
    }
    for key in ("weight_flag", "different_spots_prices"):
        if values[key] not in (0, 1):
            raise PosterError(400, f"{key} must be 0 or 1", field=key)
    return values


def _save(ctx: CallContext, params: Params, product: Product | None) -> Any:
    account = ctx.account
    spot_ids = list(account.spots)
    name = text(
        params.raw("product_name"), "product_name", product.product_name if product else ""
    ).strip()
    if not name:
        raise missing("product_name")
    values = _common(params, account, product)
    same = values["different_spots_prices"] == 0
    with_mods_default = 1 if product and product.modifications else 0
    with_mods = int_or(params.raw("modifications"), "modifications", with_mods_default)
    base = product or Product(product_id=0, product_name=name)
    variants: list[_Variant] | None = None
    if with_mods:
        existing = None if product is None else product.modifications
        variants = _variants(params, spot_ids, same, existing)
        scalars = {"barcode": base.barcode, "product_code": base.product_code, "cost": base.cost}
        prices: dict[int, int] = {}
        visible: dict[int, bool] = {}
    else:
        cost = int_or(params.raw("cost"), "cost", base.cost)
        scalars = {
            "barcode": text(params.raw("barcode"), "barcode", base.barcode),
            "product_code": text(params.raw("product_code"), "product_code", base.product_code),
            "cost": cost,
        }
        prices = per_spot(params.raw("price"), spot_ids, "price", as_int, same=same)
        visible = per_spot(params.raw("visible"), spot_ids, "visible", as_flag, same=False)
    # Everything is checked: write.
    created = product is None
    if product is None:
        product = Product(product_id=account.next_id("product"), product_name=name, type=3)
        account.products[product.product_id] = product
    product.product_name = name
    for key, value in {**values, **scalars}.items():
        setattr(product, key, value)
    mod_ids: list[int] | None = None
    if variants is not None:
        mod_ids = _apply_variants(account, product, variants, spot_ids)
    else:
        old = {} if product.modifications else product.spots
        product.modifications = []
        product.spots = spot_prices(
            old, prices, visible, product.cost, spot_ids, default_visible=True
        )
    ctx.emit("product", product.product_id, "added" if created else "changed")
    if mod_ids is None:
        return product.product_id
    if created:
        # createProduct's example answers the id as ``response`` and the
        # modifications' ids beside it; updateProduct's answers both inside it.
        return Envelope({"response": product.product_id, "modifications_id": mod_ids})
    return {"product_id": product.product_id, "modifications_id": mod_ids}


def create_product(ctx: CallContext, params: Params) -> Any:
    """menu.createProduct: the new product's id (with modifications: id and theirs)."""
    return _save(ctx, params, None)


def update_product(ctx: CallContext, params: Params) -> Any:
    """menu.updateProduct: changes what was sent; modifications not sent are removed."""
    # The reference names the parameter ``id``; ``product_id`` is taken as a fallback.
    key = "product_id" if "id" not in params and "product_id" in params else "id"
    product = live_product(ctx.account, params.req_int(key), key)
    if product.is_dish:
        raise PosterError(
            32, f"{key} {product.product_id} is a dish: use menu.updateDish", field=key
        )
    return _save(ctx, params, product)


def remove_product(ctx: CallContext, params: Params) -> bool:
    """menu.removeProduct: marks a product (or dish) removed; later reads miss it."""
    product = live_product(ctx.account, params.req_int("product_id"))
    product.deleted = True
    ctx.emit("dish" if product.is_dish else "product", product.product_id, "removed")
    return True
