"""The stock ledger: moves in and out of storages, the levels they add up to, and
what a sold line takes out of stock.

Every stock change is a ``StockMove`` in ``account.stock_moves``; ``add_moves`` also
keeps the running levels (``Ingredient.left``, and the ``stock`` of products and
modifications whose stock is tracked) and announces each change with a ``stock``
webhook as Poster does (data: ``type``, ``element_id``, ``storage_id``,
``value_relative``, ``value_absolute``). A product whose stock is not tracked keeps no
level, so selling it never makes it "sold out"; its moves still reach the reports.
Updating or removing a document replaces its moves (``replace_moves``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from orderbridge.sandboxes.poster.state import Account, Product, Transaction, TransactionProduct
from orderbridge.sandboxes.poster.state_stock import ItemKind, StockMove

Emit = Callable[[str, int, str, dict[str, object]], None]
"""Queues a webhook: (object, object_id, action, data)."""

# ``type`` of a stock webhook: 1 ingredient, 2 product, 3 modifier, 4 manufactured
# dish, 5 manufactured prepack (the reference's webhook table).
STOCK_INGREDIENT, STOCK_PRODUCT, STOCK_MODIFIER, STOCK_DISH, STOCK_PREPACK = 1, 2, 3, 4, 5


def _number(value: float) -> int | float:
    value = round(value, 5)
    return int(value) if float(value).is_integer() else value


def unit_of(account: Account, kind: ItemKind, item_id: int) -> str:
    """kg, l or p: ingredients have theirs, products are counted in pieces."""
    if kind == "ingredient":
        found = account.ingredients.get(item_id)
        return found.unit if found else "kg"
    return "p"


def unit_cost(account: Account, kind: ItemKind, item_id: int, modificator_id: int = 0) -> float:
    """Kopecks one unit of the item is worth (its prime cost)."""
    if kind == "ingredient":
        found = account.ingredients.get(item_id)
        return found.cost if found else 0
    product = account.products.get(item_id)
    if product is None:
        return 0
    for mod in product.modifications:
        if mod.modificator_id == modificator_id:
            return mod.modificator_selfprice
    return product.cost


def _tracked_level(account: Account, move: StockMove) -> dict[int, float] | None:
    """The running levels the move changes, or None for an untracked product."""
    if move.kind == "ingredient":
        found = account.ingredients.get(move.item_id)
        return found.left if found else None
    product = account.products.get(move.item_id)
    if product is None:
        return None
    if move.modificator_id:
        for mod in product.modifications:
            if mod.modificator_id == move.modificator_id:
                return mod.stock if move.storage_id in mod.stock else None
        return None
    return product.stock if move.storage_id in product.stock else None


def _webhook_type(account: Account, move: StockMove) -> int:
    if move.kind == "ingredient":
        return STOCK_INGREDIENT
    if move.modificator_id:
        return STOCK_MODIFIER
    product = account.products.get(move.item_id)
    if product is not None and product.type == 2:
        return STOCK_DISH
    if product is not None and product.type == 1:
        return STOCK_PREPACK
    return STOCK_PRODUCT


def add_moves(account: Account, moves: Iterable[StockMove], emit: Emit | None = None) -> None:
    """Record ``moves`` (their ``move_id`` is given here) and update the levels."""
    for move in moves:
        move.move_id = account.next_id("stock_move")
        account.stock_moves.append(move)
        levels = _tracked_level(account, move)
        if levels is None:
            continue
        levels[move.storage_id] = round(levels.get(move.storage_id, 0.0) + move.qty, 5)
        if emit is not None and move.qty:
            element = move.modificator_id or move.item_id
            emit(
                "stock",
                element,
                "changed",
                {
                    "type": _webhook_type(account, move),
                    "element_id": element,
                    "storage_id": move.storage_id,
                    "value_relative": _number(move.qty),
                    "value_absolute": _number(levels[move.storage_id]),
                },
            )


def replace_moves(
    account: Account, doc: str, doc_id: int, moves: Iterable[StockMove], emit: Emit | None = None
) -> None:
    """Take back a document's moves (reversing their levels) and record ``moves``."""
    old = [m for m in account.stock_moves if m.doc == doc and m.doc_id == doc_id]
    if old:
        gone = {id(m) for m in old}
        account.stock_moves = [m for m in account.stock_moves if id(m) not in gone]
        for move in old:
            levels = _tracked_level(account, move)
            if levels is not None:
                levels[move.storage_id] = round(levels.get(move.storage_id, 0.0) - move.qty, 5)
    add_moves(account, moves, emit)


def doc_moves(account: Account, doc: str, doc_id: int) -> list[StockMove]:
    return [m for m in account.stock_moves if m.doc == doc and m.doc_id == doc_id]


def level(
    account: Account, kind: ItemKind, item_id: int, storage_id: int, modificator_id: int = 0
) -> float:
    """What is left of an item in a storage: the sum of its moves."""
    return round(
        sum(
            m.qty
            for m in account.stock_moves
            if m.kind == kind
            and m.item_id == item_id
            and m.modificator_id == modificator_id
            and m.storage_id == storage_id
        ),
        5,
    )


# What a sold line takes out of stock ---------------------------------------------------


@dataclass
class Take:
    kind: ItemKind
    item_id: int
    qty: float
    modificator_id: int = 0
    prepack_id: int = 0


def _recipe_qty(unit: str, amount: float) -> float:
    """A recipe's gross (grams or millilitres for kg and l, pieces otherwise) in units."""
    return amount / 1000 if unit in ("kg", "l") else amount


def recipe_takes(
    account: Account, product: Product, factor: float, prepack_id: int = 0
) -> list[Take]:
    takes: list[Take] = []
    for row in product.ingredients:
        item_id = int(row["ingredient_id"])
        amount = float(row.get("structure_brutto") or 0) * factor
        if str(row.get("structure_type", "1")) == "2":
            prepack = account.products.get(item_id)
            if prepack is not None and prepack.out:
                takes += recipe_takes(account, prepack, amount / prepack.out, prepack_id=item_id)
            continue
        unit = unit_of(account, "ingredient", item_id)
        takes.append(Take("ingredient", item_id, _recipe_qty(unit, amount), prepack_id=prepack_id))
    return takes


def sale_takes(account: Account, line: TransactionProduct) -> list[Take]:
    """What selling ``line`` writes off: the product itself, or a dish's recipe and its
    chosen modifiers (prepacks in a recipe are written off by their own recipes)."""
    product = account.products.get(line.product_id)
    if product is None:
        return []
    if product.type != 2:
        return [Take("product", product.product_id, line.num, line.modification_id)]
    takes = recipe_takes(account, product, line.num)
    chosen = {
        m.dish_modification_id: m for g in product.group_modifications for m in g.modifications
    }
    for pick in line.modification or []:
        mod = chosen.get(pick["m"])
        if mod is None or not mod.ingredient_id:
            continue
        amount = mod.brutto * pick["a"] * line.num
        prepack = account.products.get(mod.ingredient_id) if mod.type == 2 else None
        if prepack is not None:
            if prepack.out:
                takes += recipe_takes(account, prepack, amount / prepack.out, mod.ingredient_id)
            continue
        unit = unit_of(account, "ingredient", mod.ingredient_id)
        takes.append(Take("ingredient", mod.ingredient_id, _recipe_qty(unit, amount)))
    return takes


def write_off_sale(account: Account, tx: Transaction, storage_id: int, emit: Emit | None) -> None:
    """Write off what a closed check sold from ``storage_id``; each line learns its cost."""
    moves = []
    for line in tx.products:
        cost = 0.0
        for take in sale_takes(account, line):
            value = unit_cost(account, take.kind, take.item_id, take.modificator_id) * take.qty
            cost += value
            moves.append(
                StockMove(
                    move_id=0,
                    time=tx.date_close,
                    storage_id=storage_id,
                    doc="sale",
                    doc_id=tx.transaction_id,
                    kind=take.kind,
                    item_id=take.item_id,
                    modificator_id=take.modificator_id,
                    qty=-take.qty,
                    cost=round(value, 2),
                    product_id=line.product_id,
                    prepack_id=take.prepack_id,
                    tr_product_id=line.tr_product_id,
                    user_id=tx.user_id,
                )
            )
        line.cost = round(cost)
    add_moves(account, moves, emit)
