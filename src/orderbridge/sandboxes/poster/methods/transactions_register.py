"""transactions.create…/add…/change…/close…/remove…: working a check as a register does.

Every call names the spot and the register (``spot_tablet_id``) it acts on; the check
must be open (error 153 otherwise). Money goes in as the cashier types it, in
hryvnias, as the other register-side methods take it (finance.openCashShift's
``amount``, payments.addTransactionPayment's ``payed_sum``); the reference gives no
unit for these. ``time`` (unix milliseconds, "microtime") dates an operation.
Answers are ``{"err_code": 0}`` as documented; errors are the API's usual ones.
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster import checks
from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing, not_found
from orderbridge.sandboxes.poster.methods.common import live, to_kopecks
from orderbridge.sandboxes.poster.methods.order_lines import read_lines, unit_price
from orderbridge.sandboxes.poster.params import Params, as_list, to_float
from orderbridge.sandboxes.poster.state import Transaction, TransactionProduct

OK = {"err_code": 0}


def _tablet(ctx: CallContext, params: Params, spot_id: int | None) -> int:
    tablet_id = params.req_int("spot_tablet_id")
    tablet = live(ctx.account.tablets, tablet_id, "spot_tablet_id")
    if spot_id is not None and tablet.spot_id != spot_id:
        raise PosterError(
            400, f"Register {tablet_id} is not at spot {spot_id}", field="spot_tablet_id"
        )
    return tablet_id


def _check(ctx: CallContext, params: Params) -> Transaction:
    spot_id = params.int("spot_id")
    if spot_id is not None:
        live(ctx.account.spots, spot_id, "spot_id")
    _tablet(ctx, params, spot_id)
    tx = checks.open_transaction(ctx, params.req_int("transaction_id"))
    if spot_id is not None and tx.spot_id != spot_id:
        raise not_found("transaction_id", tx.transaction_id)
    return tx


def _time(ctx: CallContext, params: Params) -> int:
    value = params.int("time")
    if value is None:
        return checks.now_ms(ctx)
    return value if value > 10**11 else value * 1000


def _changed(ctx: CallContext, tx: Transaction) -> dict[str, int]:
    ctx.emit("transaction", tx.transaction_id, "changed", checks.webhook_data(tx.history[-1]))
    return OK


def create_transaction(ctx: CallContext, params: Params) -> dict[str, int]:
    """transactions.createTransaction: an empty check at a table, by an employee."""
    spot_id = params.req_int("spot_id")
    live(ctx.account.spots, spot_id, "spot_id")
    tablet_id = _tablet(ctx, params, spot_id)
    table_id = params.int("table_id", 0) or 0
    if table_id:
        table = live_table(ctx, table_id)
        if table.spot_id != spot_id:
            raise PosterError(400, f"Table {table_id} is not at spot {spot_id}", field="table_id")
    user_id = params.req_int("user_id")
    live(ctx.account.employees, user_id, "user_id")
    guests = params.int("guests_count", 1) or 1
    if guests < 1:
        raise PosterError(400, "guests_count must be at least 1", field="guests_count")
    tx = checks.open_check(
        ctx,
        spot_id=spot_id,
        table_id=table_id,
        user_id=user_id,
        guests_count=guests,
        tablet_id=tablet_id,
        time=_time(ctx, params),
    )
    return {"transaction_id": tx.transaction_id, "transaction_tablet_id": tx.date_start}


def live_table(ctx: CallContext, table_id: int) -> Any:
    table = ctx.account.tables.get(table_id)
    if table is None or table.is_deleted:
        raise not_found("table_id", table_id)
    return table


def _line_of(ctx: CallContext, params: Params, tx: Transaction) -> TransactionProduct:
    """The check's line of ``product_id`` (with that ``modificator_id`` or those dish
    ``modification``s when they are sent); error 32 when the check has none."""
    product_id = params.req_int("product_id")
    modificator_id = params.int("modificator_id")
    wanted = _modifiers(params)
    for line in tx.products:
        if line.product_id != product_id:
            continue
        if modificator_id is not None and line.modification_id != modificator_id:
            continue
        if wanted is not None and (line.modification or []) != wanted:
            continue
        return line
    raise not_found("product_id", product_id)


def _modifiers(params: Params) -> list[dict[str, int]] | None:
    raw = params.raw("modification")
    if raw in (None, "", []):
        return None
    return [
        {"m": int(i["m"]), "a": int(i.get("a", 1))} for i in as_list(raw) if isinstance(i, dict)
    ]


def add_transaction_product(ctx: CallContext, params: Params) -> dict[str, int]:
    """transactions.addTransactionProduct: one more of a product (a new line, or the
    count of the same line up by one); answers the line's id."""
    tx = _check(ctx, params)
    raw: dict[str, Any] = {"product_id": params.raw("product_id")}
    for key in ("modificator_id", "modification"):
        if key in params:
            raw[key] = params.raw(key)
    (line,) = read_lines(ctx.account, tx.spot_id, [raw])
    price = (
        to_kopecks(params.raw("price"), "price")
        if "price" in params
        else unit_price(ctx.account, tx.spot_id, line)
    )
    if price < 0:
        raise PosterError(400, "price must not be negative", field="price")
    modification_id = line.modificator_id or (line.modification[0]["m"] if line.modification else 0)
    for existing in tx.products:
        same = (existing.product_id, existing.modification_id, existing.modification)
        if (
            same == (line.product_id, modification_id, line.modification)
            and existing.price == price
        ):
            checks.change_count(ctx, tx, existing, existing.num + 1)
            _changed(ctx, tx)
            return {"transaction_product": existing.tr_product_id}
    added = checks.add_line(
        ctx,
        tx,
        product_id=line.product_id,
        price=price,
        modification_id=modification_id,
        modification=line.modification,
        time=_time(ctx, params),
    )
    _changed(ctx, tx)
    return {"transaction_product": added.tr_product_id}


def change_transaction_product_count(ctx: CallContext, params: Params) -> dict[str, int]:
    """transactions.changeTransactionProductCount: 0 takes the line off the check."""
    tx = _check(ctx, params)
    line = _line_of(ctx, params, tx)
    if "count" not in params:
        raise missing("count")
    count = to_float(params.raw("count"), "count")
    if count < 0:
        raise PosterError(400, "count must not be negative", field="count")
    checks.change_count(ctx, tx, line, count)
    return _changed(ctx, tx)


def remove_transaction_product(ctx: CallContext, params: Params) -> dict[str, int]:
    """transactions.removeTransactionProduct."""
    tx = _check(ctx, params)
    checks.remove_line(ctx, tx, _line_of(ctx, params, tx))
    return _changed(ctx, tx)


def change_client(ctx: CallContext, params: Params) -> dict[str, int]:
    """transactions.changeClient: the customer on the check (0 takes them off)."""
    tx = _check(ctx, params)
    client_id = params.req_int("client_id")
    if client_id:
        live(ctx.account.clients, client_id, "client_id")
    checks.set_client(ctx, tx, client_id)
    return _changed(ctx, tx)


def change_comment(ctx: CallContext, params: Params) -> dict[str, int]:
    """transactions.changeComment."""
    tx = _check(ctx, params)
    checks.set_comment(ctx, tx, params.str("comment", "") or "")
    return _changed(ctx, tx)


def change_recipient(ctx: CallContext, params: Params) -> dict[str, int]:
    """transactions.changeRecipientFor54FZ: where the fiscal receipt copy goes (email
    or phone); without ``type`` the recipient is detached."""
    tx = _check(ctx, params)
    kind = params.str("type")
    if kind is None:
        tx.recipient = {}
        return OK
    if kind not in ("email", "phone"):
        raise PosterError(400, "type must be email or phone", field="type")
    contact = params.str("contact")
    if not contact:
        raise missing("contact")
    if kind == "email" and "@" not in contact:
        raise PosterError(400, "contact must be an email address", field="contact")
    tx.recipient = {"type": kind, "contact": contact}
    return OK


def close_transaction(ctx: CallContext, params: Params) -> dict[str, int]:
    """transactions.closeTransaction: payments in hryvnias; change is not recorded."""
    tx = _check(ctx, params)
    amounts = {
        key: to_kopecks(params.raw(key), key)
        for key in ("payed_cash", "payed_card", "payed_cert")
        if key in params
    }
    print_fiscal = params.int("print_fiscal", 0) or 0
    if print_fiscal not in (0, 1):
        raise PosterError(400, "print_fiscal must be 0 or 1", field="print_fiscal")
    checks.close(
        ctx,
        tx,
        payed_cash=amounts.get("payed_cash"),
        payed_card=amounts.get("payed_card", 0),
        payed_cert=amounts.get("payed_cert", 0),
        reason=params.int("reason"),
        print_fiscal=print_fiscal,
    )
    return OK


def remove_transaction(ctx: CallContext, params: Params) -> dict[str, int]:
    """transactions.removeTransaction: an open check is removed (status 3)."""
    _tablet(ctx, params, None)
    transaction_id = params.req_int("transaction_id")
    tx = ctx.account.transactions.get(transaction_id)
    if tx is None:
        raise not_found("transaction_id", transaction_id)
    user_id = params.int("user_id")
    if user_id is not None:
        live(ctx.account.employees, user_id, "user_id")
    checks.remove(ctx, tx)
    return OK


METHODS: dict[str, Handler] = {
    "transactions.createTransaction": create_transaction,
    "transactions.addTransactionProduct": add_transaction_product,
    "transactions.changeTransactionProductCount": change_transaction_product_count,
    "transactions.removeTransactionProduct": remove_transaction_product,
    "transactions.changeClient": change_client,
    "transactions.changeComment": change_comment,
    "transactions.changeRecipientFor54FZ": change_recipient,
    "transactions.closeTransaction": close_transaction,
    "transactions.removeTransaction": remove_transaction,
}
