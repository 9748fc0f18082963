"""Checks (transactions) as reports read them: dash.getTransaction(s), dash.getTransaction
Products and transactions.getTransactions, enough to read a check and see it closed.

The two sections write the same check differently, and the sandbox keeps each one's
way: ``dash.*`` answers every value as a string and dates as unix milliseconds;
``transactions.getTransactions`` answers numbers and ``date_close`` as ``Y-m-d H:i:s``.
Checks are opened and closed by the register simulation (``register``).
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account, Transaction, TransactionProduct, poster_time

WAITER = "Касир"  # the one employee the sandbox's register has (user_id 1)
# MySQL's zero date, what Poster shows for "never" in its date strings (birthday too).
NO_DATE = "0000-00-00 00:00:00"


def local_time(account: Account, millis: int) -> str:
    """Unix milliseconds as ``Y-m-d H:i:s`` in the account's timezone."""
    zone = ZoneInfo(account.settings.timezone)
    return poster_time(datetime.fromtimestamp(millis / 1000, zone))


def _local_date(account: Account, millis: int) -> date:
    return datetime.fromtimestamp(millis / 1000, ZoneInfo(account.settings.timezone)).date()


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


def _dash_products(tx: Transaction) -> list[dict[str, Any]]:
    return [
        {
            "product_id": str(p.product_id),
            "modification_id": str(p.modification_id),
            "num": _num(p.num),
            "product_price": str(p.product_sum),
            "payed_sum": str(p.payed_sum),
            "product_cost": "0",
            "product_profit": str(p.product_sum),
        }
        for p in tx.products
    ]


def _history(tx: Transaction) -> list[dict[str, Any]]:
    """The check's story as dash.getTransactionHistory tells it: open, additem…, close."""
    rows: list[tuple[str, int, str, str, Any]] = [
        ("open", tx.date_start, "1", str(tx.table_id), None)
    ]
    for p in tx.products:
        rows.append(
            (
                "additem",
                p.time or tx.date_start,
                str(p.product_id),
                str(p.modification_id),
                {"price": p.price / 100},
            )
        )
    if tx.status == 2:
        rows.append(
            (
                "close",
                tx.date_close,
                str(tx.pay_type),
                str(tx.payed_sum + tx.payed_third_party),
                {"payments": payments(tx)},
            )
        )
    return [
        {
            "history_id": str(tx.transaction_id * 1000 + i),
            "type_history": kind,
            "spot_tablet_id": "1",
            "time": str(moment),
            "user_id": str(tx.user_id),
            "value": value,
            "value2": value2,
            "value3": str(tx.guests_count) if kind == "open" else "0",
            "value4": "0",
            "value5": "0",
            "value_text": text,
        }
        for i, (kind, moment, value, value2, text) in enumerate(rows, start=1)
    ]


def payments(tx: Transaction) -> dict[str, float]:
    """How a closed check was paid, in hryvnias, as the history's close entry shows it."""
    paid = {"cash": tx.payed_cash, "card": tx.payed_card, "third_party": tx.payed_third_party}
    return {kind: amount / 100 for kind, amount in paid.items() if amount}


def dash_view(ctx: CallContext, tx: Transaction, params: Params) -> dict[str, Any]:
    """One check as dash.getTransaction answers it (products and history on request)."""
    account = ctx.account
    client = account.clients.get(tx.client_id)
    table = account.tables.get(tx.table_id)
    view: dict[str, Any] = {
        "transaction_id": str(tx.transaction_id),
        "date_start": str(tx.date_start),
        "date_start_new": str(tx.date_start),
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
        "name": WAITER,
        "user_id": str(tx.user_id),
        "client_id": str(tx.client_id),
        "card_number": (client.card_number if client else "") or "0",
        "transaction_comment": tx.transaction_comment or None,
        "reason": str(tx.reason) if tx.reason else "",
        "print_fiscal": str(tx.print_fiscal),
        "total_profit": str(tx.payed_sum + tx.payed_third_party),
        "table_name": table.table_num if table else "",
        "client_firstname": client.firstname if client else None,
        "client_lastname": client.lastname if client else None,
        "date_close_date": local_time(account, tx.date_close) if tx.date_close else NO_DATE,
    }
    if params.str("include_products") == "true":
        view["products"] = _dash_products(tx)
    if params.str("include_history") == "true":
        view["history"] = _history(tx)
    return view


def _status_filter(params: Params) -> int:
    status = params.int("status", 0) or 0
    if status not in (0, 1, 2, 3):
        raise PosterError(400, "status must be 0, 1, 2 or 3", field="status")
    return status


def get_dash_transaction(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getTransaction: a list with the one check, or an empty list."""
    tx = ctx.account.transactions.get(params.req_int("transaction_id"))
    status = _status_filter(params)
    if tx is None or (status and tx.status != status):
        return []
    return [dash_view(ctx, tx, params)]


def _ymd(value: str | None, field: str, default: date) -> date:
    if value is None:
        return default
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise PosterError(400, f"{field} must be in Ymd format", field=field) from None


def _unix_ms(value: int | None) -> int | None:
    # "unixtimestamp": accept seconds or milliseconds, as clients send both.
    if value is None:
        return None
    return value if value > 10**11 else value * 1000


def get_dash_transactions(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getTransactions: checks opened from dateFrom to dateTo (a month by default)."""
    today = ctx.now().date()
    date_to = _ymd(params.str("dateTo"), "dateTo", today)
    date_from = _ymd(params.str("dateFrom"), "dateFrom", date_to - timedelta(days=30))
    status = _status_filter(params)
    report, entity_id = params.str("type"), params.int("id")
    if report not in (None, "waiters", "spots", "clients"):
        raise PosterError(400, "type must be waiters, spots or clients", field="type")
    next_tr = params.int("next_tr")
    after = _unix_ms(params.int("after_date_close"))
    before = _unix_ms(params.int("before_date_close"))
    found = []
    for tx in sorted(ctx.account.transactions.values(), key=lambda t: t.transaction_id):
        if not date_from <= _local_date(ctx.account, tx.date_start) <= date_to:
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
        view = dash_view(ctx, tx, params)
        # getTransactions' example, unlike getTransaction's, has neither of these.
        del view["payed_third_party"], view["round_sum"]
        found.append(view)
    return found


def get_dash_transaction_products(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getTransactionProducts: the check's lines with their products' details."""
    tx = ctx.account.transactions.get(params.req_int("transaction_id"))
    if tx is None:
        return []
    return [_product_row(ctx.account, tx, line) for line in tx.products]


def _product_row(account: Account, tx: Transaction, line: TransactionProduct) -> dict[str, Any]:
    product = account.products.get(line.product_id)
    mod = None
    if product is not None:
        mod = next(
            (m for m in product.modifications if m.modificator_id == line.modification_id), None
        )
    return {
        "product_id": str(line.product_id),
        "product_name": product.product_name if product else "",
        "modification_id": str(line.modification_id),
        "modificator_name": mod.modificator_name if mod else None,
        "modificator_barcode": mod.modificator_barcode if mod else None,
        "modificator_product_code": mod.modificator_product_code if mod else None,
        "weight_flag": str(product.weight_flag if product else 0),
        "num": _num(line.num),
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
        "product_cost": "0",
        "product_profit": str(line.product_sum),
        "bonus_accrual": "0",
        "tax_value": "0",
        "tax_type": "0",
        "tax_fiscal": "0",
        "category_id": str(product.menu_category_id if product else 0),
    }


def get_transactions(ctx: CallContext, params: Params) -> dict[str, Any]:
    """transactions.getTransactions: closed checks by closing date (Y-m-d), paged."""
    today = ctx.now().date()
    date_from = _ymd_dashed(params.str("date_from"), "date_from", today)
    date_to = _ymd_dashed(params.str("date_to"), "date_to", today)
    per_page = params.int("per_page", 100) or 100
    page = params.int("page", 1) or 1
    if not 1 <= per_page <= 1000:
        raise PosterError(400, "per_page must be from 1 to 1000", field="per_page")
    if page < 1:
        raise PosterError(400, "page must be at least 1", field="page")
    closed = [
        tx
        for tx in sorted(ctx.account.transactions.values(), key=lambda t: t.transaction_id)
        if tx.status == 2 and date_from <= _local_date(ctx.account, tx.date_close) <= date_to
    ]
    chunk = closed[(page - 1) * per_page : page * per_page]
    return {
        "count": len(closed),
        "page": {"per_page": per_page, "page": page, "count": len(chunk)},
        "data": [_report_view(ctx.account, tx) for tx in chunk],
    }


def _ymd_dashed(value: str | None, field: str, default: date) -> date:
    if value is None:
        return default
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise PosterError(400, f"{field} must be in Y-m-d format", field=field) from None


def _report_view(account: Account, tx: Transaction) -> dict[str, Any]:
    products = []
    for line in tx.products:
        product = account.products.get(line.product_id)
        products.append(
            {
                "product_id": line.product_id,
                "modification_id": line.modification_id,
                "type": product.type if product else 3,
                "workshop_id": product.workshop if product else 0,
                "num": int(line.num) if float(line.num).is_integer() else line.num,
                "product_sum": line.product_sum,
                "payed_sum": line.payed_sum,
                "cert_sum": 0,
                "bonus_sum": 0,
                "bonus_accrual": 0,
                "round_sum": 0,
                "discount": 0,
                "tax_fiscal": 0,
            }
        )
    return {
        "transaction_id": tx.transaction_id,
        "table_id": tx.table_id,
        "spot_id": tx.spot_id,
        "client_id": tx.client_id,
        "sum": tx.sum,
        "payed_sum": tx.payed_sum,
        "payed_cash": tx.payed_cash,
        "payed_card": tx.payed_card,
        "payed_cert": tx.payed_cert,
        "payed_bonus": tx.payed_bonus,
        "payed_third_party": tx.payed_third_party,
        "round_sum": tx.round_sum,
        "pay_type": tx.pay_type,
        "reason": tx.reason,
        "tip_sum": tx.tip_sum,
        "bonus": 0,
        "discount": tx.discount,
        "print_fiscal": tx.print_fiscal,
        "date_close": local_time(account, tx.date_close),
        "products": products,
    }


def history_data(tx: Transaction, kind: str) -> dict[str, Any]:
    """The ``data`` of a ``transaction`` webhook: the history entry that caused it.

    Real Poster sends ``{"transactions_history": {...}}`` with the entry's type, time
    and values on transaction webhooks (public webhook captures show it).
    """
    entry = next(h for h in reversed(_history(tx)) if h["type_history"] == kind)
    return {
        "transactions_history": {
            "type_history": kind,
            "time": int(entry["time"]),
            "value": int(entry["value"]),
            "value2": int(entry["value2"]),
            "value3": int(entry["value3"]),
            "value4": 0,
            "value5": None,
            "value_text": json.dumps(entry["value_text"], separators=(",", ":"))
            if entry["value_text"]
            else None,
            "user_id": tx.user_id,
            "spot_tablet_id": 1,
        }
    }


METHODS: dict[str, Handler] = {
    "dash.getTransaction": get_dash_transaction,
    "dash.getTransactions": get_dash_transactions,
    "dash.getTransactionProducts": get_dash_transaction_products,
    "transactions.getTransactions": get_transactions,
}
