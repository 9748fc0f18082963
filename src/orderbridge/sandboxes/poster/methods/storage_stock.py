"""storage.getStorages, …Leftovers, …Inventories, getInventoryIngredients and
getReportMovement: what the storages hold and how it moved, added up from the stock
ledger, so every report agrees with the documents and sales behind it.

Items are ingredients and products (with their modifications, and the dishes and
prepacks manufactured ahead); a product's stock is known by its system ingredient id
(``ingredient_id``), as in Poster's reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from orderbridge.sandboxes.poster import stock_ledger
from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import missing
from orderbridge.sandboxes.poster.methods.common import (
    decimals,
    hryvnias,
    live,
    millis_range,
    num,
    period,
    to_millis,
    truthy,
)
from orderbridge.sandboxes.poster.methods.storage_common import item_ingredient_id, item_name
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_stock import StockMove

Item = tuple[str, int, int]  # (kind, item id, modificator id)
# storage.getStorageLeftovers' and getReportMovement's item types.
LEFTOVER_TYPES = {1: "product", 2: "dish", 3: "prepack", 4: "ingredient", 5: "modification"}
MOVEMENT_TYPES = {1: "ingredient", 2: "product", 3: "modification", 4: "dish", 5: "prepack"}
INCOMING = ("opening", "supply", "adjust")


def item_type(account: Account, item: Item) -> str:
    kind, item_id, mod_id = item
    if kind == "ingredient":
        return "ingredient"
    if mod_id:
        return "modification"
    product = account.products.get(item_id)
    return {1: "prepack", 2: "dish"}.get(product.type if product else 3, "product")


@dataclass
class Flow:
    """An item's movement over a period."""

    start: float = 0
    income: float = 0
    charges: float = 0  # sales, manufacture, transfers out
    writeoff: float = 0  # manual wastes
    cost_in: float = 0
    moves: list[StockMove] = field(default_factory=list)

    @property
    def end(self) -> float:
        return self.start + self.income - self.charges - self.writeoff


def flows(account: Account, storage_id: int | None, start: int, end: int) -> dict[Item, Flow]:
    """Each item's flow from ``start`` to ``end`` (unix ms) in a storage (or all)."""
    result: dict[Item, Flow] = defaultdict(Flow)
    for move in account.stock_moves:
        if storage_id is not None and move.storage_id != storage_id:
            continue
        if move.time > end:
            continue
        flow = result[(move.kind, move.item_id, move.modificator_id)]
        if move.time < start:
            flow.start += move.qty
        elif move.qty > 0:
            flow.income += move.qty
            flow.cost_in += move.cost
        elif move.doc == "waste":
            flow.writeoff -= move.qty
        else:
            flow.charges -= move.qty
    return result


def unit_cost(account: Account, item: Item) -> float:
    kind, item_id, mod_id = item
    return stock_ledger.unit_cost(account, kind, item_id, mod_id)  # type: ignore[arg-type]


def get_storages(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getStorages."""
    return [
        {
            "storage_id": str(s.storage_id),
            "storage_name": s.storage_name,
            "storage_adress": s.storage_adress,
            "delete": "1" if s.deleted else "0",
        }
        for s in ctx.account.storages.values()
    ]


def get_leftovers(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getStorageLeftovers: what is held, by storage, item type and category."""
    account = ctx.account
    storage_id = params.int("storage_id")
    if storage_id is not None:
        live(account.storages, storage_id, "storage_id")
    wanted = LEFTOVER_TYPES.get(params.int("type") or 0)
    category_id = params.int("category_id")
    zero = truthy(params, "zero_leftovers")
    levels: dict[Item, float] = defaultdict(float)
    for move in account.stock_moves:
        if storage_id is None or move.storage_id == storage_id:
            levels[(move.kind, move.item_id, move.modificator_id)] += move.qty
    rows = []
    for item, left in levels.items():
        kind, item_id, mod_id = item
        if wanted is not None and item_type(account, item) != wanted:
            continue
        if category_id is not None:
            category = (
                account.ingredients[item_id].category_id
                if kind == "ingredient" and item_id in account.ingredients
                else None
            )
            if category != category_id:
                continue
        left = round(left, 5)
        if not left and not zero:
            continue
        cost = unit_cost(account, item)
        ingredient = account.ingredients.get(item_id) if kind == "ingredient" else None
        rows.append(
            {
                "ingredient_id": str(item_ingredient_id(account, kind, item_id, mod_id)),
                "ingredient_name": item_name(account, kind, item_id, mod_id),
                "ingredient_left": decimals(left, 5),
                "limit_value": str(num(ingredient.limit_value)) if ingredient else "0",
                "ingredient_unit": stock_ledger.unit_of(account, kind, item_id),  # type: ignore[arg-type]
                "ingredients_type": "1" if kind == "ingredient" else "2",
                "storage_ingredient_sum": str(round(max(left, 0) * cost)),
                "prime_cost": round(cost),
                "hidden": str(ingredient.hidden) if ingredient else "0",
            }
        )
    return rows


def get_inventories(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getStorageInventories: the storage's inventory checks, newest first."""
    storage_id = params.req_int("storage_id")
    live(ctx.account.storages, storage_id, "storage_id")
    return [
        {
            "inventory_id": str(i.inventory_id),
            "storage_id": str(i.storage_id),
            "date_start": i.date_start,
            "date_end": i.date_end,
            "date_set": i.date_set,
            "date_inventory": i.date_inventory,
            "sum": str(i.sum),
            "inventory_status": str(i.status),
        }
        for i in sorted(ctx.account.inventories.values(), key=lambda i: -i.inventory_id)
        if i.storage_id == storage_id
    ]


_UNITS = {"kg": "kg", "l": "l", "p": "pcs"}
_UNKNOWN = "''"  # the reference's example writes the not-yet-counted figures so


def get_inventory_ingredients(ctx: CallContext, params: Params) -> dict[str, Any]:
    """storage.getInventoryIngredients: the storage's running (or a past) inventory
    check: each item's start, incomes, charges, wastes and what should be left; the
    counted figures are empty until counted."""
    account = ctx.account
    inventory_id = params.int("inventory_id")
    if inventory_id is not None:
        inventory = live_inventory(account, inventory_id)
        storage_id = inventory.storage_id
        start, end = (
            to_millis(account, inventory.date_start),
            to_millis(account, inventory.date_end),
        )
    else:
        storage_id = params.int("storage_id")
        if storage_id is None:
            raise missing("storage_id")
        live(account.storages, storage_id, "storage_id")
        past = [i for i in account.inventories.values() if i.storage_id == storage_id]
        start = max((to_millis(account, i.date_end) for i in past), default=0)
        end = int(ctx.clock().timestamp() * 1000)
    ingredients: dict[str, Any] = {}
    prepacks: dict[str, Any] = {}
    for item, flow in flows(account, storage_id, start, end).items():
        kind, item_id, mod_id = item
        cost = unit_cost(account, item)
        if item_type(account, item) in ("dish", "prepack"):
            product = account.products[item_id]
            prepacks[str(item_id)] = {
                "product_id": str(item_id),
                "product_name": product.product_name,
                "type": "2" if product.type == 2 else "1",
                "weight_flag": str(product.weight_flag),
                "delete": "1" if product.deleted else "0",
                "factrest": 0,
                "count": num(round(flow.writeoff, 5)),
                "cost": hryvnias(flow.writeoff * cost),
                "saved": 0,
            }
            continue
        unit = stock_ledger.unit_of(account, kind, item_id)  # type: ignore[arg-type]
        ingredient = account.ingredients.get(item_id) if kind == "ingredient" else None
        ingredients[str(item_ingredient_id(account, kind, item_id, mod_id))] = {
            "item_id": str(item_ingredient_id(account, kind, item_id, mod_id)),
            "item": item_name(account, kind, item_id, mod_id),
            "startrest": num(round(flow.start, 5)),
            "startrestcurrency": float(hryvnias(flow.start * cost)),
            "income": num(round(flow.income, 5)),
            "charges": num(round(flow.charges, 5)),
            "writeoff": num(round(flow.writeoff, 5)),
            "writeoffcurrency": num(hryvnias(flow.writeoff * cost)),
            "estimatedrest": num(round(flow.end, 5)),
            "primecost": float(hryvnias(cost)),
            "factrest": _UNKNOWN,
            "fact_rest_in_prepack": _UNKNOWN,
            "fact_rest_sum": _UNKNOWN,
            "difference": _UNKNOWN,
            "diffcurrency": _UNKNOWN,
            "partial_write_off": str(ingredient.partial_write_off if ingredient else 0),
            "unit": _UNITS.get(unit, unit),
            "db_unit": unit,
        }
    return {"ingredients": ingredients, "manufactures": [], "prepacks": prepacks}


def live_inventory(account: Account, inventory_id: int) -> Any:
    inventory = account.inventories.get(inventory_id)
    if inventory is None:
        from orderbridge.sandboxes.poster.errors import not_found

        raise not_found("inventory_id", inventory_id)
    return inventory


def get_report_movement(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """storage.getReportMovement: each item's start, incomes, outgoings and end over
    the period, with its average cost (hryvnias) at both ends."""
    account = ctx.account
    start, end = millis_range(account, *period(ctx.now(), params))
    storage_id = params.int("storage_id")
    wanted = MOVEMENT_TYPES.get(params.int("type") or 0)
    rows = []
    for item, flow in flows(account, storage_id, start, end).items():
        if wanted is not None and item_type(account, item) != wanted:
            continue
        if not any((flow.start, flow.income, flow.charges, flow.writeoff)):
            continue
        kind, item_id, mod_id = item
        cost = hryvnias(unit_cost(account, item))
        rows.append(
            {
                "ingredient_id": str(item_ingredient_id(account, kind, item_id, mod_id)),
                "ingredient_name": item_name(account, kind, item_id, mod_id),
                "cost_start": float(cost),
                "cost_end": float(cost),
                "start": num(round(flow.start, 5)),
                "income": num(round(flow.income, 5)),
                "write_offs": num(round(flow.charges + flow.writeoff, 5)),
                "end": num(round(flow.end, 5)),
            }
        )
    return rows


METHODS: dict[str, Handler] = {
    "storage.getStorages": get_storages,
    "storage.getStorageLeftovers": get_leftovers,
    "storage.getStorageInventories": get_inventories,
    "storage.getInventoryIngredients": get_inventory_ingredients,
    "storage.getReportMovement": get_report_movement,
}
