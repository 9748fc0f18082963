"""storage.*Supply*, storage.*Supplier*, storage.getPack(s): goods coming in.

A supply adds its lines to its storage's stock (and a supply of an ingredient
averages its prime cost with what was there); removing it takes them back.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster import stock_docs
from orderbridge.sandboxes.poster.context import CallContext, Envelope, Handler
from orderbridge.sandboxes.poster.errors import missing, not_found
from orderbridge.sandboxes.poster.methods.common import (
    YMD,
    decimals,
    live,
    millis_range,
    parse_date,
    to_millis,
)
from orderbridge.sandboxes.poster.methods.storage_common import (
    SUPPLY_TYPES,
    doc_date,
    item_ingredient_id,
    item_name,
    ok,
    read_lines,
    section,
    storage,
    storage_name,
)
from orderbridge.sandboxes.poster.params import Params, to_int
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_stock import Pack, Supplier, Supply


def _total(supply: Supply) -> int:
    return round(sum(line.num * line.price for line in supply.lines))


def supply_view(account: Account, supply: Supply) -> dict[str, Any]:
    supplier = account.suppliers.get(supply.supplier_id)
    return {
        "supply_id": str(supply.supply_id),
        "storage_id": str(supply.storage_id),
        "supplier_id": str(supply.supplier_id),
        "date": supply.date,
        "supply_sum": str(_total(supply)),
        "supply_comment": supply.comment,
        "storage_name": storage_name(account, supply.storage_id),
        "supplier_name": supplier.supplier_name if supplier else "",
        "delete": "1" if supply.deleted else "0",
        "account_id": supply.account_id,
    }


def get_supplies(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getSupplies: newest first; by dates when given (then ``limit`` and
    ``offset`` are ignored, as the reference says), else all, paged by them."""
    account = ctx.account
    supplies = sorted(account.supplies.values(), key=lambda s: (s.date, s.supply_id), reverse=True)
    if "dateFrom" in params or "dateTo" in params:
        today = ctx.now().date()
        last = parse_date(params.str("dateTo"), "dateTo", YMD) or today
        first = parse_date(params.str("dateFrom"), "dateFrom", YMD) or last
        start, end = millis_range(account, first, last)
        supplies = [s for s in supplies if start <= to_millis(account, s.date) <= end]
    else:
        offset = params.int("offset", 0) or 0
        limit = params.int("limit")
        supplies = supplies[offset:] if limit is None else supplies[offset : offset + limit]
    return [supply_view(account, s) for s in supplies]


def get_supply_ingredients(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getSupplyIngredients: what a supply brought, with its cost (kopecks)."""
    account = ctx.account
    supply = live(account.supplies, params.req_int("supply_id"), "supply_id")
    rows = []
    for line in supply.lines:
        unit = account.ingredients[line.item_id].unit if line.kind == "ingredient" else "p"
        rows.append(
            {
                "ingredient_id": str(
                    item_ingredient_id(account, line.kind, line.item_id, line.modificator_id)
                ),
                "supply_ingredient_num": decimals(line.num, 5),
                "supply_ingredient_sum": str(round(line.num * line.price)),
                "ingredient_name": item_name(account, line.kind, line.item_id, line.modificator_id),
                "ingredient_unit": unit,
                "tax_id": 0,
            }
        )
    return rows


def _supply(ctx: CallContext, params: Params, current: Supply | None) -> Supply:
    account = ctx.account
    head = section(params, "supply")
    supplier_id = to_int(
        head.raw("supplier_id") or (current.supplier_id if current else 0), "supplier_id"
    )
    if not supplier_id:
        raise missing("supplier_id")
    live(account.suppliers, supplier_id, "supplier_id")
    account_id = head.int("account_id")
    if account_id is not None:
        live(account.finance_accounts, account_id, "account_id")
    return Supply(
        supply_id=current.supply_id if current else 0,
        storage_id=storage(account, head.raw("storage_id"), "storage_id"),
        supplier_id=supplier_id,
        date=doc_date(head.raw("date"), "date"),
        account_id=account_id,
        comment=head.str("comment", "") or "",
        lines=read_lines(account, params.raw("ingredient"), "ingredient", SUPPLY_TYPES),
    )


def _average_costs(account: Account, supply: Supply) -> None:
    """A supplied ingredient's prime cost becomes the average of old and new stock."""
    for line in supply.lines:
        ingredient = account.ingredients.get(line.item_id) if line.kind == "ingredient" else None
        if ingredient is None or not line.price:
            continue
        held = max(sum(ingredient.left.values()), 0)
        ingredient.cost = round(
            (held * ingredient.cost + line.num * line.price) / (held + line.num), 2
        )


def create_supply(ctx: CallContext, params: Params) -> Envelope:
    """storage.createSupply: ``{"success": 1, "response": id}``."""
    supply = _supply(ctx, params, None)
    _average_costs(ctx.account, supply)
    return ok(stock_docs.save(ctx.account, supply, ctx.emit))


def update_supply(ctx: CallContext, params: Params) -> Envelope:
    """storage.updateSupply: the answer's id is a string, as the reference's example."""
    head = section(params, "supply")
    current = live(ctx.account.supplies, head.req_int("supply_id"), "supply_id")
    return ok(str(stock_docs.save(ctx.account, _supply(ctx, params, current), ctx.emit)))


def delete_supply(ctx: CallContext, params: Params) -> Envelope:
    """storage.deleteSupply: what it brought leaves the stock."""
    supply = live(ctx.account.supplies, params.req_int("supply_id"), "supply_id")
    stock_docs.remove(ctx.account, supply, ctx.emit)
    return ok()


def get_suppliers(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getSuppliers."""
    return [
        {
            "supplier_id": str(s.supplier_id),
            "supplier_name": s.supplier_name,
            "supplier_phone": s.supplier_phone,
            "supplier_adress": s.supplier_adress,
            "supplier_comment": s.supplier_comment,
            "supplier_code": s.supplier_code,
            "supplier_tin": s.supplier_tin,
            "delete": "1" if s.deleted else "0",
        }
        for s in ctx.account.suppliers.values()
    ]


def create_supplier(ctx: CallContext, params: Params) -> int:
    """storage.createSupplier: the new supplier's id."""
    name = (params.str("supplier_name") or "").strip()
    if not name:
        raise missing("supplier_name")
    supplier_id = ctx.account.next_id("supplier")
    ctx.account.suppliers[supplier_id] = Supplier(
        supplier_id=supplier_id,
        supplier_name=name,
        **{
            key: params.str(key, "") or ""
            for key in (
                "supplier_phone",
                "supplier_adress",
                "supplier_comment",
                "supplier_code",
                "supplier_tin",
            )
        },
    )
    return supplier_id


def _pack(pack: Pack) -> dict[str, Any]:
    return {
        "pack_id": str(pack.pack_id),
        "name": pack.name,
        "unit": pack.unit,
        "count": decimals(pack.count, 4),
        "type": str(pack.type),
    }


def get_packs(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getPacks: the basic packs and the account's own."""
    return [_pack(p) for p in ctx.account.packs.values()]


def get_pack(ctx: CallContext, params: Params) -> dict[str, Any]:
    """storage.getPack."""
    pack_id = params.req_int("pack_id")
    pack = ctx.account.packs.get(pack_id)
    if pack is None:
        raise not_found("pack_id", pack_id)
    return _pack(pack)


METHODS: dict[str, Handler] = {
    "storage.getSupplies": get_supplies,
    "storage.getSupplyIngredients": get_supply_ingredients,
    "storage.createSupply": create_supply,
    "storage.updateSupply": update_supply,
    "storage.deleteSupply": delete_supply,
    "storage.getSuppliers": get_suppliers,
    "storage.createSupplier": create_supplier,
    "storage.getPacks": get_packs,
    "storage.getPack": get_pack,
}
