"""payments.*: payment services tell Poster a check was paid, and ask which checks are
open at a table. They call without a token: each request is signed with the service's
application secret, ``sign = md5(value:value:…:application_secret)`` over the values
the reference lists for the method, in its order. ``merchant_id`` names the account
in the service's books (the world's ``payment_services``).

Amounts are hryvnias (as the reference says); ``transaction_id`` is the check's id on
the register, its opening time in milliseconds (what getOpenTransactionsOnTable
answers), and ``order_id`` the check's number.
"""

from __future__ import annotations

import hashlib
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.methods.common import num, to_kopecks
from orderbridge.sandboxes.poster.params import Params, php_string
from orderbridge.sandboxes.poster.state import Account, World

SIGNED_VALUES = {
    "payments.addTransactionPayment": (
        "type",
        "merchant_id",
        "transaction_id",
        "payed_sum",
        "credited_sum",
    ),
    "payments.getOpenTransactionsOnTable": ("type", "merchant_id", "table_id"),
}


def signed_account(world: World, params: Params) -> Account:
    """The merchant's account, once the signature checks out (142 if it does not)."""
    names = next(v for v in SIGNED_VALUES.values() if all(n in params for n in v))
    service = world.payment_services.get(params.req_str("type"))
    if service is None:
        raise PosterError(143, "Unknown payment service", field="type")
    values = [php_string(params.raw(name)) for name in names]
    expected = hashlib.md5(":".join([*values, service.secret]).encode()).hexdigest()
    if params.str("sign") != expected:
        raise PosterError(142, field="sign")
    login = service.merchants.get(php_string(params.raw("merchant_id")))
    if login is None or login not in world.accounts:
        raise PosterError(54, "The merchant is not this service's", field="merchant_id")
    return world.accounts[login]


def add_transaction_payment(ctx: CallContext, params: Params) -> dict[str, str]:
    """payments.addTransactionPayment: the open check is paid ``payed_sum`` (through a
    third party: the register asks only for the rest); ``{"status": "accept"}``."""
    tablet_id = params.req_int("transaction_id")
    tx = next(
        (t for t in ctx.account.transactions.values() if t.date_start == tablet_id),
        None,
    )
    if tx is None:
        raise not_found("transaction_id", tablet_id)
    if tx.status != 1:
        raise PosterError(153, f"Check {tx.transaction_id} is not open")
    if "payed_sum" not in params:
        raise missing("payed_sum")
    paid = to_kopecks(params.raw("payed_sum"), "payed_sum")
    if paid <= 0:
        raise PosterError(400, "payed_sum must be positive", field="payed_sum")
    tx.prepaid += paid
    ctx.emit("transaction", tx.transaction_id, "changed")
    return {"status": "accept"}


def get_open_transactions(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """payments.getOpenTransactionsOnTable: the table's open checks, what is left to pay
    (hryvnias) and what they hold."""
    table_id = params.req_int("table_id")
    table = ctx.account.tables.get(table_id)
    if table is None or table.is_deleted:
        raise not_found("table_id", table_id)
    found = []
    for tx in sorted(ctx.account.transactions.values(), key=lambda t: t.date_start):
        if tx.status != 1 or tx.table_id != table_id:
            continue
        products = []
        for line in tx.products:
            product = ctx.account.products.get(line.product_id)
            item: dict[str, Any] = {"product_name": product.product_name if product else ""}
            mod = next(
                (
                    m
                    for m in (product.modifications if product else [])
                    if m.modificator_id == line.modification_id
                ),
                None,
            )
            if mod is not None:
                item["modificator_name"] = mod.modificator_name
            products.append(item)
        found.append(
            {
                "order_id": tx.transaction_id,
                "transaction_id": tx.date_start,
                "date_open": tx.history[0].time if tx.history else tx.date_start,
                "payed_sum": num(round(max(tx.sum - tx.prepaid, 0) / 100, 2)),
                "products": products,
            }
        )
    return found


METHODS: dict[str, Handler] = {
    "payments.addTransactionPayment": add_transaction_payment,
    "payments.getOpenTransactionsOnTable": get_open_transactions,
}
