"""What each stock document does to the stock: the moves of a supply, a transfer, a
manual waste and a manufacture.

The storage methods (``methods/storage_*``) and the seed build documents and hand
them here; ``post`` records the document's moves in the ledger, replacing those of an
earlier version of the same document, and ``unpost`` takes them back (a removed
document leaves no trace in the reports).
"""

from __future__ import annotations

from orderbridge.sandboxes.poster import stock_ledger
from orderbridge.sandboxes.poster.methods.common import to_millis
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_stock import (
    Manufacture,
    Moving,
    StockLine,
    StockMove,
    Supply,
    Waste,
)

Document = Supply | Moving | Waste | Manufacture


def _doc(document: Document) -> tuple[str, int]:
    if isinstance(document, Supply):
        return "supply", document.supply_id
    if isinstance(document, Moving):
        return "moving", document.moving_id
    if isinstance(document, Waste):
        return "waste", document.waste_id
    return "manufacture", document.manufacture_id


def _move(
    document: Document, line: StockLine, storage_id: int, qty: float, cost: float, time: int
) -> StockMove:
    doc, doc_id = _doc(document)
    return StockMove(
        move_id=0,
        time=time,
        storage_id=storage_id,
        doc=doc,
        doc_id=doc_id,
        kind=line.kind,
        item_id=line.item_id,
        modificator_id=line.modificator_id,
        qty=round(qty, 5),
        cost=round(cost, 2),
        product_id=line.item_id if line.kind == "product" else 0,
        user_id=getattr(document, "user_id", 0),
        reason=line.reason,
    )


def moves_of(account: Account, document: Document) -> list[StockMove]:
    """The moves ``document`` makes (none once it is removed)."""
    if document.deleted:
        return []
    time = to_millis(account, document.date)
    moves = []
    for line in document.lines:
        unit_cost = line.price or stock_ledger.unit_cost(
            account, line.kind, line.item_id, line.modificator_id
        )
        value = unit_cost * line.num
        if isinstance(document, Supply):
            moves.append(_move(document, line, document.storage_id, line.num, value, time))
        elif isinstance(document, Moving):
            moves.append(_move(document, line, document.from_storage, -line.num, value, time))
            moves.append(_move(document, line, document.to_storage, line.num, value, time))
        elif isinstance(document, Waste):
            moves.append(_move(document, line, document.storage_id, -line.num, value, time))
        else:
            moves += _manufactured(account, document, line, time)
    return moves


def _manufactured(
    account: Account, document: Manufacture, line: StockLine, time: int
) -> list[StockMove]:
    """A manufacture takes the recipe's ingredients and puts the dish or prepack in."""
    product = account.products.get(line.item_id)
    if product is None:
        return []
    cost = 0.0
    moves = []
    for take in stock_ledger.recipe_takes(account, product, line.num):
        value = stock_ledger.unit_cost(account, take.kind, take.item_id) * take.qty
        cost += value
        ingredient = StockLine(kind=take.kind, item_id=take.item_id, num=take.qty)
        move = _move(document, ingredient, document.storage_id, -take.qty, value, time)
        move.product_id, move.prepack_id = product.product_id, take.prepack_id
        moves.append(move)
    product.stock.setdefault(document.storage_id, 0.0)  # manufactured: now tracked
    if not product.ingredient_id:
        # Manufactured for the first time, it gets an id in the stock (the reference).
        product.ingredient_id = account.next_id("ingredient")
    moves.append(_move(document, line, document.storage_id, line.num, cost, time))
    return moves


_STORES = {
    "supply": "supplies",
    "moving": "movings",
    "waste": "wastes",
    "manufacture": "manufactures",
}


def save(account: Account, document: Document, emit: stock_ledger.Emit | None = None) -> int:
    """Keep ``document`` (a new one, id 0, gets the next id of its kind) and post it;
    answers its id."""
    doc, doc_id = _doc(document)
    if not doc_id:
        doc_id = account.next_id(doc)
        setattr(document, f"{doc}_id", doc_id)
    account.bump_counter(doc, doc_id)
    getattr(account, _STORES[doc])[doc_id] = document
    post(account, document, emit)
    return doc_id


def remove(account: Account, document: Document, emit: stock_ledger.Emit | None = None) -> None:
    """Mark ``document`` removed and take back its moves."""
    document.deleted = True
    unpost(account, document, emit)


def post(account: Account, document: Document, emit: stock_ledger.Emit | None = None) -> None:
    """Record ``document``'s moves, replacing those of its earlier version."""
    doc, doc_id = _doc(document)
    stock_ledger.replace_moves(account, doc, doc_id, moves_of(account, document), emit)


def unpost(account: Account, document: Document, emit: stock_ledger.Emit | None = None) -> None:
    """Take back ``document``'s moves (it is being removed)."""
    doc, doc_id = _doc(document)
    stock_ledger.replace_moves(account, doc, doc_id, [], emit)
