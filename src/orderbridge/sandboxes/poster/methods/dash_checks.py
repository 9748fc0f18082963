"""dash.getTransaction(s), …Products, …History, …Writeoffs: checks as reports read them.

The dash section writes every value as a string and dates as unix milliseconds, as
the reference's examples do (with their few exceptions kept: ``round_sum`` of a
product row is a number, a write-off's ``cost`` is a number of hryvnias). Checks are
made by the register (``checks``): the online orders the cashier accepts, the
transactions.* methods, the seeded history.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, not_found
from orderbridge.sandboxes.poster.methods.common import (
    YMD,
    decimals,
    employee_name,
    hryvnias,
    local_date,
    local_time,
    num_str,
    parse_date,
    truthy,
)
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import (
    Account,
    HistoryEntry,
    Transaction,
    TransactionProduct,
)
from orderbridge.sandboxes.poster.state_stock import StockMove

# MySQL's zero date, what Poster shows for "never" in its date strings.
NO_DATE = "0000-00-00 00:00:00"


def profit(tx: Transaction) -> int:
    """What the check earned: what was paid less the food cost of what was sold."""
    return tx.payed_sum + tx.payed_third_party - sum(p.cost for p in tx.products)


def _products(tx: Transaction) -> list[dict[str, Any]]:
    return [
        {
            "product_id": str(p.product_id),
            "modification_id": str(p.modification_id),
            "num": num_str(p.num),
            "product_price": str(p.product_sum),
            "payed_sum": str(p.payed_sum),
            "product_cost": str(p.cost),
            "product_profit": str(p.payed_sum - p.cost),
        }
        for p in tx.products
    ]


def _history_row(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "history_id": str(entry.history_id),
        "type_history": entry.type_history,
        "spot_tablet_id": str(entry.spot_tablet_id),
        "time": str(entry.time),
        "user_id": str(entry.user_id),
        "value": str(entry.value),
        "value2": str(entry.value2),
        "value3": str(entry.value3),
        "value4": str(entry.value4),
        "value5": str(entry.value5),
        "value_text": entry.value_text,
    }


def dash_view(account: Account, tx: Transaction, params: Params) -> dict[str, Any]:
    """One check as dash.getTransaction answers it (products and history on request)."""
    client = account.clients.get(tx.client_id)
    table = account.tables.get(tx.table_id)
    started = tx.history[1].time if len(tx.history) > 1 else tx.date_start
    view: dict[str, Any] = {
        "transaction_id": str(tx.transaction_id),
        "date_start": str(tx.date_start),
        "date_start_new": str(started),
        "date_close": str(tx.date_close),
        "status": str(tx.status),
        "guests_count": str(tx.guests_count),
        "discount": str(tx.discount),
        "bonus": "0",
        "pay_type": str(tx.pay_type),
        "payed_bonus": str(tx.payed_bonus),
        "payed_card": str(tx.payed_card),
        "payed_cash": str(tx.payed_cash),
        "payed_sum": str(tx.payed_sum),
        "payed_cert": str(tx.payed_cert),
        "payed_third_party": str(tx.payed_third_party),
        "round_sum": str(tx.round_sum),
        "tip_sum": str(tx.tip_sum),
        "sum": str(tx.sum),
        "spot_id": str(tx.spot_id),
        "table_id": str(tx.table_id),
        "name": employee_name(account, tx.user_id),
        "user_id": str(tx.user_id),
        "client_id": str(tx.client_id),
        "card_number": (client.card_number if client else "") or "0",
        "transaction_comment": tx.transaction_comment or None,
        "reason": str(tx.reason) if tx.reason else "",
        "print_fiscal": str(tx.print_fiscal),
        "total_profit": str(profit(tx)),
        "table_name": table.table_num if table else "",
        "client_firstname": client.firstname if client else None,
        "client_lastname": client.lastname if client else None,
        "date_close_date": local_time(account, tx.date_close) if tx.date_close else NO_DATE,
    }
    if truthy(params, "include_products"):
        view["products"] = _products(tx)
    if truthy(params, "include_history"):
        view["history"] = [_history_row(h) for h in tx.history]
    return view


def _status(params: Params) -> int:
    status = params.int("status", 0) or 0
    if status not in (0, 1, 2, 3):
        raise PosterError(400, "status must be 0, 1, 2 or 3", field="status")
    return status


def check(account: Account, params: Params) -> Transaction:
    """The check ``transaction_id`` names; error 32 if there is none."""
    transaction_id = params.req_int("transaction_id")
    tx = account.transactions.get(transaction_id)
    if tx is None:
        raise not_found("transaction_id", transaction_id)
    return tx


def get_transaction(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getTransaction: a list with the one check (empty when ``status`` excludes it)."""
    tx = check(ctx.account, params)
    status = _status(params)
    if status and tx.status != status:
        return []
    return [dash_view(ctx.account, tx, params)]


def _unix_ms(value: int | None) -> int | None:
    # "unixtimestamp": seconds or milliseconds, as clients send both.
    if value is None:
        return None
    return value if value > 10**11 else value * 1000


def get_transactions(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getTransactions: checks opened from dateFrom to dateTo (a month by default),
    by status, waiter, spot or customer, after a check id, by closing time."""
    account = ctx.account
    today = ctx.now().date()
    date_to = parse_date(params.str("dateTo"), "dateTo", YMD) or today
    date_from = parse_date(params.str("dateFrom"), "dateFrom", YMD) or date_to - timedelta(days=30)
    status = _status(params)
    report, entity_id = params.str("type"), params.int("id")
    if report not in (None, "waiters", "spots", "clients"):
        raise PosterError(400, "type must be waiters, spots or clients", field="type")
    next_tr = params.int("next_tr")
    after = _unix_ms(params.int("after_date_close"))
    before = _unix_ms(params.int("before_date_close"))
    found = []
    for tx in sorted(account.transactions.values(), key=lambda t: -t.transaction_id):
        if not date_from <= local_date(account, tx.date_start) <= date_to:
            continue
        if status and tx.status != status:
            continue
        if report and entity_id is not None:
            owner = {"waiters": tx.user_id, "spots": tx.spot_id, "clients": tx.client_id}
            if owner[report] != entity_id:
                continue
        if next_tr is not None and tx.transaction_id <= next_tr:
            continue
        if after is not None and tx.date_close <= after:
            continue
        if before is not None and (not tx.date_close or tx.date_close >= before):
            continue
        view = dash_view(account, tx, params)
        # getTransactions' example, unlike getTransaction's, has neither of these.
        del view["payed_third_party"], view["round_sum"]
        found.append(view)
    return found


def get_transaction_products(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getTransactionProducts: the check's lines with their products' details."""
    tx = check(ctx.account, params)
    return [product_row(ctx.account, tx, line) for line in reversed(tx.products)]


def product_row(account: Account, tx: Transaction, line: TransactionProduct) -> dict[str, Any]:
    product = account.products.get(line.product_id)
    mod = None
    if product is not None:
        mod = next(
            (m for m in product.modifications if m.modificator_id == line.modification_id), None
        )
    tax = account.taxes.get(product.tax_id if product else 0)
    return {
        "product_id": str(line.product_id),
        "product_name": product.product_name if product else "",
        "modification_id": str(line.modification_id),
        "modificator_name": mod.modificator_name if mod else None,
        "modificator_barcode": mod.modificator_barcode if mod else None,
        "modificator_product_code": mod.modificator_product_code if mod else None,
        "weight_flag": str(product.weight_flag if product else 0),
        "num": num_str(line.num),
        "time": str(line.time or tx.date_start),
        "workshop": str(product.workshop if product else 0),
        "barcode": product.barcode if product else "",
        "product_code": product.product_code if product else "",
        "tax_id": str(product.tax_id if product else 0),
        "nodiscount": str(product.nodiscount if product else 0),
        "payed_sum": str(line.payed_sum),
        "product_sum": str(line.product_sum),
        "discount": "0",
        "bonus_sum": "0",
        "round_sum": 0,
        "client_id": str(tx.client_id),
        "promotion_id": "0",
        "cert_sum": "0",
        "product_cost": str(line.cost),
        "product_profit": str(line.payed_sum - line.cost),
        "bonus_accrual": "0",
        "tax_value": num_str(tax.tax_value) if tax else "0",
        "tax_type": str(tax.type) if tax else "0",
        "tax_fiscal": str(tax.fiscal) if tax else "0",
        "category_id": str(product.menu_category_id if product else 0),
    }


def get_transaction_history(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getTransactionHistory: the check's operations, newest first."""
    tx = check(ctx.account, params)
    return [
        {
            "transaction_id": str(tx.transaction_id),
            "type_history": h.type_history,
            "time": str(h.time),
            "value": str(h.value),
            "value2": str(h.value2),
            "value3": str(h.value3),
            "value_text": json.dumps(h.value_text, ensure_ascii=False, separators=(",", ":"))
            if h.value_text is not None
            else None,
            "spot_tablet_id": str(h.spot_tablet_id),
        }
        for h in sorted(tx.history, key=lambda h: (-h.time, -h.history_id))
    ]


def write_off_row(account: Account, move: StockMove) -> dict[str, Any]:
    """One write-off of a sold line, dash-style: a product's count as a DECIMAL string,
    an ingredient's weight and the cost in hryvnias as numbers (the example has both)."""
    if move.kind == "product":
        product = account.products.get(move.item_id)
        ingredient_id = product.ingredient_id if product else 0
        weight: Any = decimals(-move.qty, 5)
    else:
        ingredient_id, weight = move.item_id, round(-move.qty, 5)
    return {
        "write_off_id": str(move.move_id),
        "tr_product_id": str(move.tr_product_id),
        "storage_id": str(move.storage_id),
        "ingredient_id": str(ingredient_id),
        "product_id": str(move.product_id),
        "modificator_id": str(move.modificator_id),
        "prepack_id": str(move.prepack_id),
        "weight": weight,
        "unit": "p" if move.kind == "product" else _unit(account, move.item_id),
        "cost": hryvnias(move.cost),
        "time": str(move.time),
    }


def _unit(account: Account, ingredient_id: int) -> str:
    found = account.ingredients.get(ingredient_id)
    return found.unit if found else "kg"


def get_transaction_writeoffs(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getTransactionWriteoffs: what the check's sale took out of stock."""
    tx = check(ctx.account, params)
    return [
        write_off_row(ctx.account, m)
        for m in ctx.account.stock_moves
        if m.doc == "sale" and m.doc_id == tx.transaction_id
    ]


METHODS: dict[str, Handler] = {
    "dash.getTransaction": get_transaction,
    "dash.getTransactions": get_transactions,
    "dash.getTransactionProducts": get_transaction_products,
    "dash.getTransactionHistory": get_transaction_history,
    "dash.getTransactionWriteoffs": get_transaction_writeoffs,
}
