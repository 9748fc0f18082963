"""storage.*Moving*/getMove(s), storage.*WriteOff*/getWaste(s)/getWasteReasons and
storage.getIngredientWriteOff: stock moving between storages and leaving them.

A transfer takes its lines out of one storage and into another; a manual waste takes
them out. getIngredientWriteOff lists the write-offs nobody typed in: what sales took
(type 1) and what transfers took out (type 4).
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster import stock_docs, stock_ledger
from orderbridge.sandboxes.poster.context import CallContext, Envelope, Handler
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.methods.common import (
    decimals,
    employee_name,
    hryvnias,
    live,
    local_time,
    millis_range,
    num,
    period,
    to_millis,
    truthy,
)
from orderbridge.sandboxes.poster.methods.storage_common import (
    SUPPLY_TYPES,
    WASTE_TYPES,
    doc_date,
    item_ingredient_id,
    item_name,
    ok,
    read_lines,
    section,
    storage,
    storage_name,
)
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_stock import Moving, StockMove, Waste

# getMove's ``type`` of a line: 1 product, 10 ingredient, 8 modification.
MOVE_LINE_TYPES = {"ingredient": 10, "product": 1}


def _moving_sum(moving: Moving) -> float:
    return hryvnias(sum(line.num * line.price for line in moving.lines))


def moving_view(account: Account, moving: Moving) -> dict[str, Any]:
    return {
        "moving_id": moving.moving_id,
        "date": moving.date,
        "from_storage": moving.from_storage,
        "from_storage_name": storage_name(account, moving.from_storage),
        "to_storage": moving.to_storage,
        "to_storage_name": storage_name(account, moving.to_storage),
        "user_id": moving.user_id,
        "user_name": employee_name(account, moving.user_id),
        "sum": _moving_sum(moving),
    }


def get_moves(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getMoves: live transfers from dateFrom to dateTo (a month by default)."""
    account = ctx.account
    start, end = millis_range(account, *period(ctx.now(), params))
    return [
        moving_view(account, m)
        for m in sorted(account.movings.values(), key=lambda m: m.date, reverse=True)
        if not m.deleted and start <= to_millis(account, m.date) <= end
    ]


def get_move(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getMove: the transfer and its lines (a one-element list, as documented)."""
    account = ctx.account
    moving = live(account.movings, params.req_int("move_id"), "move_id")
    outs = [m for m in stock_ledger.doc_moves(account, "moving", moving.moving_id) if m.qty < 0]
    rows = []
    for n, line in enumerate(moving.lines):
        row: dict[str, Any] = {
            "link_id": n + 1,
            "ingredient_id": item_ingredient_id(
                account, line.kind, line.item_id, line.modificator_id
            ),
        }
        if line.kind == "product":
            row["product_id"] = line.item_id
        row |= {
            "ingredient_num": num(line.num),
            "ingredient_sum": hryvnias(line.num * line.price),
            "type": 8 if line.modificator_id else MOVE_LINE_TYPES[line.kind],
            "write_off_id": outs[n].move_id if n < len(outs) else 0,
            "packing_id": line.packing or (1 if line.kind == "product" else 2),
        }
        rows.append(row)
    return [moving_view(account, moving) | {"ingredients": rows}]


def _moving(ctx: CallContext, params: Params, current: Moving | None) -> Moving:
    account = ctx.account
    head = section(params, "moving")
    # The reference's table says from_storage_id/to_storage_id, its example from_storage.
    source = head.raw("from_storage") or head.raw("from_storage_id")
    target = head.raw("to_storage") or head.raw("to_storage_id")
    from_storage = storage(account, source, "from_storage")
    to_storage = storage(account, target, "to_storage")
    if from_storage == to_storage:
        raise PosterError(400, "A transfer needs two storages", field="to_storage")
    return Moving(
        moving_id=current.moving_id if current else 0,
        date=doc_date(head.raw("date"), "date"),
        from_storage=from_storage,
        to_storage=to_storage,
        user_id=current.user_id if current else 1,
        comment=head.str("comment", current.comment if current else "") or "",
        lines=read_lines(account, params.raw("ingredient"), "ingredient", SUPPLY_TYPES),
    )


def create_moving(ctx: CallContext, params: Params) -> Envelope:
    """storage.createMoving: ``{"success": 1, "response": id}``."""
    return ok(stock_docs.save(ctx.account, _moving(ctx, params, None), ctx.emit))


def update_moving(ctx: CallContext, params: Params) -> Envelope:
    """storage.updateMoving."""
    head = section(params, "moving")
    current = live(ctx.account.movings, head.req_int("moving_id"), "moving_id")
    return ok(stock_docs.save(ctx.account, _moving(ctx, params, current), ctx.emit))


def delete_moving(ctx: CallContext, params: Params) -> Envelope:
    """storage.deleteMoving: the stock goes back where it was."""
    moving = live(ctx.account.movings, params.req_int("moving_id"), "moving_id")
    stock_docs.remove(ctx.account, moving, ctx.emit)
    return ok()


def _waste(ctx: CallContext, params: Params, current: Waste | None) -> Waste:
    account = ctx.account
    head = section(params, "write_off")
    reason_id = head.int("reason_id", params.int("reason_id", current.reason_id if current else 0))
    if reason_id:
        reason = account.waste_reasons.get(reason_id)
        if reason is None:
            raise PosterError(32, f"reason_id {reason_id} doesn't exist", field="reason_id")
    return Waste(
        waste_id=current.waste_id if current else 0,
        storage_id=storage(account, head.raw("storage_id"), "storage_id"),
        date=doc_date(head.raw("date"), "date"),
        user_id=current.user_id if current else 1,
        reason_id=reason_id or 0,
        lines=read_lines(account, params.raw("ingredient"), "ingredient", WASTE_TYPES, "weight"),
    )


def create_write_off(ctx: CallContext, params: Params) -> Envelope:
    """storage.createWriteOff: a manual waste; ``{"success": 1, "response": id}``."""
    return ok(stock_docs.save(ctx.account, _waste(ctx, params, None), ctx.emit))


def update_write_off(ctx: CallContext, params: Params) -> Envelope:
    """storage.updateWriteOff: the waste ``write_off[id]`` names, replaced."""
    head = section(params, "write_off")
    current = live(ctx.account.wastes, head.req_int("id"), "id")
    return ok(stock_docs.save(ctx.account, _waste(ctx, params, current), ctx.emit))


def delete_write_off(ctx: CallContext, params: Params) -> Envelope:
    """storage.deleteWriteOff: what it wasted comes back."""
    waste = live(ctx.account.wastes, params.req_int("write_off_id"), "write_off_id")
    stock_docs.remove(ctx.account, waste, ctx.emit)
    return ok()


def _waste_head(account: Account, waste: Waste) -> dict[str, Any]:
    reason = account.waste_reasons.get(waste.reason_id)
    return {
        "waste_id": waste.waste_id,
        "total_sum": round(sum(line.num * line.price for line in waste.lines)),
        "user_id": waste.user_id,
        "storage_id": waste.storage_id,
        "date": waste.date,
        "reason_id": waste.reason_id,
        "reason_name": reason.name if reason else None,
    }


def get_wastes(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getWastes: manual wastes of the period; removed ones only when asked
    (``1c_id=true``; the reference's own example sends ``1c=true``)."""
    account = ctx.account
    start, end = millis_range(account, *period(ctx.now(), params))
    with_removed = truthy(params, "1c_id") or truthy(params, "1c")
    return [
        _waste_head(account, w) | {"delete": int(w.deleted)}
        for w in sorted(account.wastes.values(), key=lambda w: w.waste_id)
        if (with_removed or not w.deleted) and start <= to_millis(account, w.date) <= end
    ]


def _element_type(account: Account, kind: str, item_id: int, modificator_id: int) -> int:
    """getWaste's element type: 1 product, 2 dish, 3 prepack, 8 modifier, 10 ingredient."""
    if kind == "ingredient":
        return 10
    if modificator_id:
        return 8
    product = account.products.get(item_id)
    return {2: 2, 1: 3}.get(product.type if product else 3, 1)


def get_waste(ctx: CallContext, params: Params) -> dict[str, Any]:
    """storage.getWaste: a manual waste with what each element took out."""
    account = ctx.account
    waste = live(account.wastes, params.req_int("waste_id"), "waste_id")
    moves = stock_ledger.doc_moves(account, "waste", waste.waste_id)
    elements = []
    for n, line in enumerate(waste.lines):
        element: dict[str, Any] = {
            "type": _element_type(account, line.kind, line.item_id, line.modificator_id),
            "product_id": line.item_id if line.kind == "product" else 0,
        }
        if line.modificator_id:
            element["modificator_id"] = line.modificator_id
        element["count"] = num(line.num)
        element["ingredients"] = [_waste_row(account, moves[n])] if n < len(moves) else []
        elements.append(element)
    return _waste_head(account, waste) | {"elements": elements}


def _waste_row(account: Account, move: StockMove) -> dict[str, Any]:
    unit = stock_ledger.unit_of(account, move.kind, move.item_id)
    return {
        "write_off_id": move.move_id,
        "ingredient_id": item_ingredient_id(account, move.kind, move.item_id, move.modificator_id),
        "product_id": move.product_id,
        "modificator_id": move.modificator_id,
        "prepack_id": move.prepack_id,
        "weight": num(-move.qty),
        "unit": unit,
        "cost": round(move.cost),
    }


def get_waste_reasons(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getWasteReasons."""
    return [{"reason_id": r.reason_id, "name": r.name} for r in ctx.account.waste_reasons.values()]


def get_ingredient_write_off(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getIngredientWriteOff: sales' (type 1) and transfers' (type 4) write-offs."""
    account = ctx.account
    start, end = millis_range(account, *period(ctx.now(), params))
    storage_id, ingredient_id = params.int("storage_id"), params.int("ingredient_id")
    movings = account.movings
    rows = []
    for move in account.stock_moves:
        if move.doc not in ("sale", "moving") or move.qty >= 0 or not start <= move.time <= end:
            continue
        shown_id = item_ingredient_id(account, move.kind, move.item_id, move.modificator_id)
        if storage_id is not None and move.storage_id != storage_id:
            continue
        if ingredient_id is not None and shown_id != ingredient_id:
            continue
        sale = move.doc == "sale"
        moving = None if sale else movings.get(move.doc_id)
        rows.append(
            {
                "write_off_id": str(move.move_id),
                "transaction_id": str(move.doc_id if sale else 0),
                "tr_product_id": str(move.tr_product_id),
                "storage_id": str(move.storage_id),
                "to_storage": str(moving.to_storage if moving else 0),
                "ingredient_id": str(shown_id),
                "product_id": str(move.product_id),
                "modificator_id": str(move.modificator_id),
                "prepack_id": str(move.prepack_id),
                "weight": decimals(-move.qty, 5),
                "unit": stock_ledger.unit_of(account, move.kind, move.item_id),
                "cost": str(round(move.cost)),
                "user_id": str(move.user_id),
                "type": "1" if sale else "4",
                "time": str(move.time),
                "date": local_time(account, move.time),
                "reason": move.reason,
                "product_name": item_name(account, "product", move.product_id)
                if move.product_id
                else "",
                "name": employee_name(account, move.user_id),
            }
        )
    return rows


METHODS: dict[str, Handler] = {
    "storage.getMoves": get_moves,
    "storage.getMove": get_move,
    "storage.createMoving": create_moving,
    "storage.updateMoving": update_moving,
    "storage.deleteMoving": delete_moving,
    "storage.createWriteOff": create_write_off,
    "storage.updateWriteOff": update_write_off,
    "storage.deleteWriteOff": delete_write_off,
    "storage.getWastes": get_wastes,
    "storage.getWaste": get_waste,
    "storage.getWasteReasons": get_waste_reasons,
    "storage.getIngredientWriteOff": get_ingredient_write_off,
}
