"""transactions.get*: closed checks, their write-offs and a sold dish's recipe, paged
by closing date. This section answers numbers (not dash's strings) and ``date_close``
as ``Y-m-d H:i:s``, as the reference's examples do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from orderbridge.sandboxes.poster import stock_ledger
from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, not_found
from orderbridge.sandboxes.poster.methods import dash_checks, transactions_register
from orderbridge.sandboxes.poster.methods.common import (
    DASHED,
    local_date,
    local_time,
    num,
    parse_date,
)
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account, Transaction

T = TypeVar("T")


def paged(ctx: CallContext, params: Params, items: Callable[[Any, Any], list[T]],
          view: Callable[[T], dict[str, Any]]) -> dict[str, Any]:  # fmt: skip
    """``{"count", "page": {...}, "data": [...]}`` of the items from date_from to date_to
    (Y-m-d, today by default), ``per_page`` (1–1000, 100) at a time."""
    today = ctx.now().date()
    date_from = parse_date(params.str("date_from"), "date_from", DASHED) or today
    date_to = parse_date(params.str("date_to"), "date_to", DASHED) or today
    per_page = params.int("per_page", 100) or 100
    page = params.int("page", 1) or 1
    if not 1 <= per_page <= 1000:
        raise PosterError(400, "per_page must be from 1 to 1000", field="per_page")
    if page < 1:
        raise PosterError(400, "page must be at least 1", field="page")
    found = items(date_from, date_to)
    chunk: Sequence[T] = found[(page - 1) * per_page : page * per_page]
    return {
        "count": len(found),
        "page": {"per_page": per_page, "page": page, "count": len(chunk)},
        "data": [view(item) for item in chunk],
    }


def closed_between(account: Account, date_from: Any, date_to: Any) -> list[Transaction]:
    return [
        tx
        for tx in sorted(account.transactions.values(), key=lambda t: t.transaction_id)
        if tx.status == 2 and date_from <= local_date(account, tx.date_close) <= date_to
    ]


def get_transactions(ctx: CallContext, params: Params) -> dict[str, Any]:
    """transactions.getTransactions: closed checks with their products."""
    account = ctx.account
    return paged(
        ctx,
        params,
        lambda a, b: closed_between(account, a, b),
        lambda tx: report_view(account, tx),
    )


def report_view(account: Account, tx: Transaction) -> dict[str, Any]:
    products = []
    for line in tx.products:
        product = account.products.get(line.product_id)
        tax = account.taxes.get(product.tax_id if product else 0)
        products.append(
            {
                "product_id": line.product_id,
                "modification_id": line.modification_id,
                "type": product.type if product else 3,
                "workshop_id": product.workshop if product else 0,
                "num": num(line.num),
                "product_sum": line.product_sum,
                "payed_sum": line.payed_sum,
                "cert_sum": 0,
                "bonus_sum": 0,
                "bonus_accrual": 0,
                "round_sum": 0,
                "discount": 0,
                "tax_fiscal": tax.fiscal if tax else 0,
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


def get_transactions_write_offs(ctx: CallContext, params: Params) -> dict[str, Any]:
    """transactions.getTransactionsWriteOffs: each closed check's write-offs."""
    account = ctx.account
    by_check: dict[int, list[Any]] = {}
    for move in account.stock_moves:
        if move.doc == "sale":
            by_check.setdefault(move.doc_id, []).append(move)

    def view(tx: Transaction) -> dict[str, Any]:
        rows = []
        for move in by_check.get(tx.transaction_id, []):
            row = dash_checks.write_off_row(account, move)
            rows.append(
                {
                    "write_off_id": move.move_id,
                    "storage_id": move.storage_id,
                    "product_id": move.product_id,
                    "modificator_id": move.modificator_id,
                    "ingredient_id": int(row["ingredient_id"]),
                    "prepack_id": move.prepack_id,
                    "cost": row["cost"],
                    "weight": round(-move.qty, 5),
                    "unit": row["unit"],
                    "reason": move.reason,
                }
            )
        return {"transaction_id": tx.transaction_id, "write_offs": rows}

    return paged(ctx, params, lambda a, b: closed_between(account, a, b), view)


def get_transaction_dish_composition(ctx: CallContext, params: Params) -> dict[str, Any]:
    """transactions.getTransactionDishComposition: a sold dish's recipe as it was sold
    (per dish; ``num`` says how many the check had), with its modifiers."""
    account = ctx.account
    tx = dash_checks.check(account, params)
    product_id = params.req_int("product_id")
    modificator_id = params.int("modificator_id", 0) or 0
    line = next(
        (
            p
            for p in tx.products
            if p.product_id == product_id and p.modification_id == modificator_id
        ),
        None,
    )
    if line is None:
        raise not_found("product_id", product_id)
    single = line.model_copy(update={"num": 1})
    ingredients = [
        {
            "ingredient_id": take.item_id,
            "type": 2 if take.prepack_id else 1,
            "weight": round(take.qty, 5),
        }
        for take in stock_ledger.sale_takes(account, single)
    ]
    return {
        "transaction_id": tx.transaction_id,
        "product_id": product_id,
        "modificator_id": modificator_id,
        "num": num(line.num),
        "ingredients": ingredients,
    }


METHODS: dict[str, Handler] = {
    "transactions.getTransactions": get_transactions,
    "transactions.getTransactionsWriteOffs": get_transactions_write_offs,
    "transactions.getTransactionDishComposition": get_transaction_dish_composition,
    **dash_checks.METHODS,
    **transactions_register.METHODS,
}
