"""An online order's products, payment and promotions: read, checked against the menu.

Each product line must name a live product visible at the order's spot; a product with
modifications (variants) needs a ``modificator_id`` of its own; a dish's modifiers
(``modification``, a JSON string ``[{"m":19,"a":1}]`` or an array) must belong to the
dish and respect each group's ``num_min``/``num_max``. The payment's currency must be
the account's (error 4001). Errors name the offending field PHP-style:
``products[0][product_id]``.
"""

from __future__ import annotations

import json
from typing import Any

from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.menu_ops import is_visible_at, price_at
from orderbridge.sandboxes.poster.params import as_list, to_float, to_int
from orderbridge.sandboxes.poster.state import (
    Account,
    IncomingOrderProduct,
    Payment,
    Product,
)


def first_modification(product: Product, spot_id: int) -> int | None:
    """The modification a line without one gets: the first one shown at the spot."""
    for mod in sorted(product.modifications, key=lambda m: (m.order, m.modificator_id)):
        sp = mod.spots.get(spot_id)
        if sp is not None and sp.visible:
            return mod.modificator_id
    return None


def unit_price(account: Account, spot_id: int, line: IncomingOrderProduct) -> int:
    """A line's price per piece: the price sent, else the spot's price plus modifiers."""
    if line.price is not None:
        return line.price
    product = account.products.get(line.product_id)
    if product is None:
        return 0
    modificator_id = line.modificator_id or first_modification(product, spot_id)
    price = price_at(product, spot_id, modificator_id) or 0
    deltas = {
        m.dish_modification_id: m.price
        for group in product.group_modifications
        for m in group.modifications
    }
    for chosen in line.modification or []:
        price += deltas.get(chosen["m"], 0) * chosen["a"]
    return price


def read_lines(account: Account, spot_id: int, raw_lines: list[Any]) -> list[IncomingOrderProduct]:
    """The order's product lines, checked; ids and dates are filled in by the caller."""
    lines = []
    for i, raw in enumerate(raw_lines):
        where = f"products[{i}]"
        if not isinstance(raw, dict):
            raise PosterError(400, f"{where} must be an object", field=where)
        if raw.get("product_id") in (None, ""):
            raise missing(f"{where}[product_id]")
        product_id = to_int(raw["product_id"], f"{where}[product_id]")
        product = account.products.get(product_id)
        if product is None or product.deleted:
            raise not_found(f"{where}[product_id]", product_id)
        modificator_id = _read_modificator(product, spot_id, raw.get("modificator_id"), where)
        on_menu = is_visible_at(product, spot_id, modificator_id)
        priced = price_at(product, spot_id, modificator_id or first_modification(product, spot_id))
        if priced is None or not on_menu:
            raise PosterError(
                400,
                f"Product {product_id} is not sold at spot {spot_id}",
                field=f"{where}[product_id]",
            )
        count = 1.0 if raw.get("count") in (None, "") else to_float(raw["count"], f"{where}[count]")
        if count <= 0:
            raise PosterError(400, f"{where}[count] must be positive", field=f"{where}[count]")
        price = None if raw.get("price") in (None, "") else to_int(raw["price"], f"{where}[price]")
        if price is not None and price < 0:
            raise PosterError(400, f"{where}[price] must not be negative", field=f"{where}[price]")
        lines.append(
            IncomingOrderProduct(
                io_product_id=0,
                product_id=product_id,
                modificator_id=modificator_id,
                incoming_order_id=0,
                count=count,
                price=price,
                modification=_read_modifiers(product, raw.get("modification"), where),
                created_at="",
            )
        )
    return lines


def _read_modificator(product: Product, spot_id: int, raw: Any, where: str) -> int | None:
    field = f"{where}[modificator_id]"
    value = None if raw in (None, "", 0, "0") else to_int(raw, field)
    if value is None:
        # A product with modifications ordered without one (the reference's promotion
        # example orders Borjomi so): the register rings up its first modification.
        return None
    if all(m.modificator_id != value for m in product.modifications):
        raise not_found(field, value)
    return value


def _read_modifiers(product: Product, raw: Any, where: str) -> list[dict[str, int]] | None:
    field = f"{where}[modification]"
    groups = [g for g in product.group_modifications if not g.is_deleted]
    if raw in (None, "", []):
        chosen: list[dict[str, int]] = []
    else:
        items = as_list(raw)
        chosen = []
        for item in items:
            if not isinstance(item, dict) or item.get("m") in (None, ""):
                raise PosterError(400, f'{field} must be a list of {{"m", "a"}}', field=field)
            amount = 1 if item.get("a") in (None, "") else to_int(item["a"], field)
            if amount < 1:
                raise PosterError(400, f"{field}: amounts must be at least 1", field=field)
            chosen.append({"m": to_int(item["m"], field), "a": amount})
    owner = {m.dish_modification_id: g for g in groups for m in g.modifications}
    for item in chosen:
        if item["m"] not in owner:
            raise not_found(field, item["m"])
    for group in groups:
        total = sum(c["a"] for c in chosen if owner[c["m"]] is group)
        if total < group.num_min or (group.num_max and total > group.num_max):
            raise PosterError(
                400,
                f"{group.name}: choose from {group.num_min} to {group.num_max} modifiers",
                field=field,
            )
    return chosen or None


def read_payment(account: Account, raw: dict[str, Any]) -> Payment | None:
    """The prepayment, if one came: type 0/1, sum in kopecks, the account's currency."""
    if not raw:
        return None
    kind = 0 if raw.get("type") in (None, "") else to_int(raw["type"], "payment[type]")
    if kind not in (0, 1):
        raise PosterError(400, "payment[type] must be 0 or 1", field="payment[type]")
    total = 0 if raw.get("sum") in (None, "") else to_int(raw["sum"], "payment[sum]")
    if total < 0:
        raise PosterError(400, "payment[sum] must not be negative", field="payment[sum]")
    currency = raw.get("currency")
    if currency in (None, ""):
        raise missing("payment[currency]")
    if str(currency).upper() != account.settings.currency_code_iso.upper():
        raise PosterError(
            4001,
            f"Currency {currency} is not the account's {account.settings.currency_code_iso}",
            field="payment[currency]",
        )
    return Payment(type=kind, sum=total, currency=str(currency).upper())


def read_promotion(raw: list[Any]) -> str | None:
    """Promotions as Poster stores them: a compact JSON string with numbers as numbers."""
    if not raw:
        return None
    promotions = []
    for i, item in enumerate(raw):
        where = f"promotion[{i}]"
        if not isinstance(item, dict) or item.get("id") in (None, ""):
            raise missing(f"{where}[id]")
        promo: dict[str, Any] = {"id": to_int(item["id"], f"{where}[id]")}
        for key in ("involved_products", "result_products"):
            if key in item:
                promo[key] = [
                    _promo_product(
                        p, f"{where}[{key}][{j}]", needs_count=key == "involved_products"
                    )
                    for j, p in enumerate(as_list(item[key]))
                ]
        promotions.append(promo)
    return json.dumps(promotions, separators=(",", ":"))


def _promo_product(raw: Any, where: str, *, needs_count: bool) -> dict[str, Any]:
    if not isinstance(raw, dict) or raw.get("id") in (None, ""):
        raise missing(f"{where}[id]")
    product: dict[str, Any] = {"id": to_int(raw["id"], f"{where}[id]")}
    # The reference calls count mandatory in both lists, yet its own example sends a
    # result product without one; only involved products are held to it.
    if raw.get("count") not in (None, ""):
        count = to_float(raw["count"], f"{where}[count]")
        product["count"] = int(count) if count.is_integer() else count
    elif needs_count:
        raise missing(f"{where}[count]")
    if raw.get("modification") not in (None, ""):
        product["modification"] = to_int(raw["modification"], f"{where}[modification]")
    return product
