"""What the storage methods share: reading a document's lines and dates, naming the
items of the stock, and the ``{"success": 1, …}`` answers of the stock documents.

Documents number what they hold differently (the reference's tables): supplies and
transfers say 1 product, 4 ingredient, 5 product modification; wastes add 2 dish and
3 prepack; manufactures say 1 prepack, 2 dish. ``sum`` is a cost per unit in
hryvnias; the ledger keeps kopecks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orderbridge.sandboxes.poster.context import Envelope
from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.methods.common import live, to_kopecks
from orderbridge.sandboxes.poster.params import Params, as_list, to_float, to_int
from orderbridge.sandboxes.poster.state import POSTER_TIME, Account
from orderbridge.sandboxes.poster.state_stock import ItemKind, StockLine

SUPPLY_TYPES = {1: "product", 4: "ingredient", 5: "modification"}
WASTE_TYPES = {1: "product", 2: "dish", 3: "prepack", 4: "ingredient", 5: "modification"}


def ok(response: Any = None) -> Envelope:
    """The stock documents' answer: ``{"success": 1[, "response": …]}``."""
    return Envelope({"success": 1} if response is None else {"success": 1, "response": response})


def doc_date(value: Any, field: str) -> str:
    """A document's date as ``Y-m-d H:i:s``: sent so, or as ``Y-m-d`` or ``Ymd``."""
    if value in (None, ""):
        raise missing(field)
    text = str(value).strip()
    for fmt in (POSTER_TIME, "%Y-%m-%d %H:%M", "%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(text, fmt).strftime(POSTER_TIME)
        except ValueError:
            continue
    raise PosterError(400, f"{field} must be a date (Y-m-d H:i:s)", field=field)


def storage(account: Account, value: Any, field: str) -> int:
    if value in (None, ""):
        raise missing(field)
    storage_id = to_int(value, field)
    live(account.storages, storage_id, field)
    return storage_id


def section(params: Params, name: str) -> Params:
    """A nested object parameter (``supply``, ``moving``, ``write_off``) as Params."""
    value = params.raw(name)
    if not isinstance(value, dict):
        raise missing(name)
    return Params(value)


def _item(account: Account, kind: str, item_id: int, field: str) -> tuple[ItemKind, int, int]:
    """(ledger kind, item id, modificator id) of a document line's thing."""
    if kind == "ingredient":
        live(account.ingredients, item_id, field)
        return "ingredient", item_id, 0
    if kind == "modification":
        for product in account.products.values():
            for mod in product.modifications:
                if mod.modificator_id == item_id and not product.deleted:
                    return "product", product.product_id, item_id
        raise not_found(field, item_id)
    found = account.products.get(item_id)
    wanted = {"product": (3,), "dish": (2,), "prepack": (1,)}[kind]
    if found is None or found.deleted or found.type not in wanted:
        raise not_found(field, item_id)
    return "product", item_id, 0


def read_lines(
    account: Account, raw: Any, field: str, types: dict[int, str], amount: str = "num"
) -> list[StockLine]:
    """A document's lines (``ingredient`` or ``products``), each checked."""
    lines = []
    for i, item in enumerate(as_list(raw) if raw not in (None, "") else []):
        where = f"{field}[{i}]"
        if not isinstance(item, dict):
            raise PosterError(36, f"{where} must be an array", field=where)
        for key in ("id", "type", amount):
            if item.get(key) in (None, ""):
                raise missing(f"{where}[{key}]")
        code = to_int(item["type"], f"{where}[type]")
        if code not in types:
            raise PosterError(
                400, f"{where}[type] must be one of {sorted(types)}", field=f"{where}[type]"
            )
        kind, item_id, mod_id = _item(
            account, types[code], to_int(item["id"], f"{where}[id]"), f"{where}[id]"
        )
        num = to_float(item[amount], f"{where}[{amount}]")
        if num <= 0:
            raise PosterError(
                400, f"{where}[{amount}] must be positive", field=f"{where}[{amount}]"
            )
        price = to_kopecks(item["sum"], f"{where}[sum]") if item.get("sum") not in (None, "") else 0
        lines.append(
            StockLine(
                kind=kind,
                item_id=item_id,
                modificator_id=mod_id,
                num=num,
                price=price,
                packing=to_int(item.get("packing") or 0, f"{where}[packing]"),
                reason=str(item.get("reason") or ""),
                type_code=code,
            )
        )
    if not lines:
        raise missing(field)
    return lines


def item_name(account: Account, kind: str, item_id: int, modificator_id: int = 0) -> str:
    if kind == "ingredient":
        found = account.ingredients.get(item_id)
        return found.ingredient_name if found else ""
    product = account.products.get(item_id)
    if product is None:
        return ""
    for mod in product.modifications:
        if mod.modificator_id == modificator_id:
            return f"{product.product_name} {mod.modificator_name}"
    return product.product_name


def item_ingredient_id(account: Account, kind: str, item_id: int, modificator_id: int = 0) -> int:
    """The id the stock knows an item by: an ingredient's own, a product's system one."""
    if kind == "ingredient":
        return item_id
    product = account.products.get(item_id)
    if product is None:
        return 0
    for mod in product.modifications:
        if mod.modificator_id == modificator_id:
            return mod.ingredient_id or product.ingredient_id
    return product.ingredient_id or item_id


def storage_name(account: Account, storage_id: int) -> str:
    found = account.storages.get(storage_id)
    return found.storage_name if found else ""
