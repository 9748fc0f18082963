"""storage.*Manufacture*: dishes and prepacks cooked ahead into a storage; cooking
takes their recipes' ingredients out and puts the made entity in."""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster import stock_docs, stock_ledger
from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.methods.common import decimals, hryvnias, live, num
from orderbridge.sandboxes.poster.methods.storage_common import (
    doc_date,
    read_lines,
    storage,
    storage_name,
)
from orderbridge.sandboxes.poster.methods.transactions import paged
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_stock import Manufacture

MANUFACTURE_TYPES = {1: "prepack", 2: "dish"}


def _made(account: Account, manufacture: Manufacture) -> list[Any]:
    return [
        m
        for m in stock_ledger.doc_moves(account, "manufacture", manufacture.manufacture_id)
        if m.qty > 0
    ]


def manufacture_view(account: Account, manufacture: Manufacture) -> dict[str, Any]:
    products = []
    for line in manufacture.lines:
        product = account.products.get(line.item_id)
        products.append(
            {
                "ingredient_id": str(product.ingredient_id if product else 0),
                "product_id": str(line.item_id),
                "product_name": product.product_name if product else "",
                "product_num": decimals(line.num, 4),
                "type": str(line.type_code),
            }
        )
    return {
        "manufacture_id": str(manufacture.manufacture_id),
        "storage_name": storage_name(account, manufacture.storage_id),
        "storage_id": str(manufacture.storage_id),
        "user_id": str(manufacture.user_id),
        "date": manufacture.date,
        "sum": hryvnias(sum(m.cost for m in _made(account, manufacture))),
        "products": products,
    }


def get_manufactures(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getManufactures: newest first, ``num`` at a time after ``offset``."""
    found = sorted(
        (m for m in ctx.account.manufactures.values() if not m.deleted),
        key=lambda m: (m.date, m.manufacture_id),
        reverse=True,
    )
    offset = params.int("offset", 0) or 0
    count = params.int("num")
    found = found[offset:] if count is None else found[offset : offset + count]
    return [manufacture_view(ctx.account, m) for m in found]


def get_manufacture(ctx: CallContext, params: Params) -> dict[str, Any]:
    """storage.getManufacture."""
    manufacture = live(ctx.account.manufactures, params.req_int("manufacture_id"), "manufacture_id")
    return manufacture_view(ctx.account, manufacture)


def get_write_offs(ctx: CallContext, params: Params) -> dict[str, Any]:
    """storage.getManufacturesWriteOffs: manufactures by date, with what each made
    entity took out of stock."""
    account = ctx.account

    def items(first: Any, last: Any) -> list[Manufacture]:
        return sorted(
            (
                m
                for m in account.manufactures.values()
                if not m.deleted and first <= m.date[:10] <= last
            ),
            key=lambda m: m.manufacture_id,
        )

    def view(manufacture: Manufacture) -> dict[str, Any]:
        moves = stock_ledger.doc_moves(account, "manufacture", manufacture.manufacture_id)
        products = []
        for line in manufacture.lines:
            made = [m for m in moves if m.qty > 0 and m.item_id == line.item_id]
            used = [m for m in moves if m.qty < 0 and m.product_id == line.item_id]
            products.append(
                {
                    "product_id": line.item_id,
                    "type": line.type_code,
                    "num": num(line.num),
                    "sum": hryvnias(sum(m.cost for m in made)),
                    "is_fiscal": 0,
                    "write_offs": [
                        {
                            "ingredient_id": m.item_id,
                            "type": 2 if m.prepack_id else 1,
                            "weight": round(-m.qty, 5),
                        }
                        for m in used
                    ],
                }
            )
        return {
            "manufacture_id": manufacture.manufacture_id,
            "storage_id": manufacture.storage_id,
            "date": manufacture.date,
            "products": products,
        }

    return paged(ctx, params, lambda a, b: items(str(a), str(b)), view)


def _manufacture(ctx: CallContext, params: Params, current: Manufacture | None) -> Manufacture:
    account = ctx.account
    return Manufacture(
        manufacture_id=current.manufacture_id if current else 0,
        storage_id=storage(account, params.raw("storage_id"), "storage_id"),
        date=doc_date(params.raw("date"), "date"),
        user_id=current.user_id if current else 1,
        lines=read_lines(account, params.raw("products"), "products", MANUFACTURE_TYPES),
    )


def create_manufacture(ctx: CallContext, params: Params) -> int:
    """storage.createManufacture: the new manufacture's id."""
    return stock_docs.save(ctx.account, _manufacture(ctx, params, None), ctx.emit)


def update_manufacture(ctx: CallContext, params: Params) -> int:
    """storage.updateManufacture: replaced as sent; answers its id."""
    current = live(ctx.account.manufactures, params.req_int("manufacture_id"), "manufacture_id")
    return stock_docs.save(ctx.account, _manufacture(ctx, params, current), ctx.emit)


METHODS: dict[str, Handler] = {
    "storage.getManufactures": get_manufactures,
    "storage.getManufacture": get_manufacture,
    "storage.getManufacturesWriteOffs": get_write_offs,
    "storage.createManufacture": create_manufacture,
    "storage.updateManufacture": update_manufacture,
}
