"""Checks (transactions) on the register: open, add and change lines, set the
customer or the comment, close with payments, remove.

The cashier simulation (``cashier``) and the register methods of the API
(``transactions.createTransaction`` …) both act through these functions, so a check
looks the same whoever made it. Each operation appends the history entry
dash.getTransactionHistory shows and queues the ``transaction`` webhook Poster sends;
closing writes off what was sold (``stock_ledger``) and adds to the customer's total.
"""

from __future__ import annotations

import json
from typing import Any

from orderbridge.sandboxes.poster import stock_ledger
from orderbridge.sandboxes.poster.context import CallContext
from orderbridge.sandboxes.poster.errors import PosterError, not_found
from orderbridge.sandboxes.poster.state import HistoryEntry, Transaction, TransactionProduct

REASONS = (1, 2, 3)  # closed unpaid: the customer left, on the house, a waiter's error
OPEN, CLOSED, REMOVED = 1, 2, 3


def now_ms(ctx: CallContext) -> int:
    return int(ctx.clock().timestamp() * 1000)


def refuse(message: str) -> PosterError:
    """Error 153 "You are not allowed to make changes": the check is not in a state
    that allows it (closed, removed)."""
    return PosterError(153, message)


def record(
    ctx: CallContext,
    tx: Transaction,
    kind: str,
    *,
    time: int,
    value: int = 0,
    value2: int = 0,
    value3: int = 0,
    text: Any = None,
) -> HistoryEntry:
    """Append a history entry to ``tx`` (ids come from the account's sequence)."""
    entry = HistoryEntry(
        history_id=ctx.account.next_id("history"),
        type_history=kind,
        time=time,
        value=value,
        value2=value2,
        value3=value3,
        value_text=text,
        user_id=tx.user_id,
        spot_tablet_id=tx.tablet_id,
    )
    tx.history.append(entry)
    return entry


def webhook_data(entry: HistoryEntry) -> dict[str, Any]:
    """The ``data`` of a ``transaction`` webhook: the history entry that caused it.

    Real Poster sends ``{"transactions_history": {...}}`` with the entry's type, time
    and values on transaction webhooks (public webhook captures show it).
    """
    return {
        "transactions_history": {
            "type_history": entry.type_history,
            "time": entry.time,
            "value": entry.value,
            "value2": entry.value2,
            "value3": entry.value3,
            "value4": entry.value4,
            "value5": None,
            "value_text": json.dumps(entry.value_text, separators=(",", ":"))
            if entry.value_text
            else None,
            "user_id": entry.user_id,
            "spot_tablet_id": entry.spot_tablet_id,
        }
    }


def open_check(
    ctx: CallContext,
    *,
    spot_id: int,
    table_id: int = 0,
    user_id: int = 1,
    guests_count: int = 1,
    tablet_id: int = 1,
    time: int | None = None,
    announce: bool = True,
    **fields: Any,
) -> Transaction:
    """Open an empty check; ``announce`` queues ``transaction`` added."""
    moment = now_ms(ctx) if time is None else time
    tx = Transaction(
        transaction_id=ctx.account.next_id("transaction"),
        spot_id=spot_id,
        table_id=table_id,
        user_id=user_id,
        guests_count=guests_count,
        tablet_id=tablet_id,
        date_start=moment,
        **fields,
    )
    ctx.account.transactions[tx.transaction_id] = tx
    record(ctx, tx, "open", time=moment, value=1, value2=table_id, value3=guests_count)
    if announce:
        ctx.emit("transaction", tx.transaction_id, "added")
    return tx


def open_transaction(
    ctx: CallContext, transaction_id: int, field: str = "transaction_id"
) -> Transaction:
    """An open check by id: error 32 if there is none, 153 if it is closed or removed."""
    tx = ctx.account.transactions.get(transaction_id)
    if tx is None:
        raise not_found(field, transaction_id)
    if tx.status != OPEN:
        raise refuse(f"Check {transaction_id} is not open")
    return tx


def _resum(tx: Transaction, extra: int = 0) -> None:
    tx.sum = sum(p.product_sum for p in tx.products) + extra


def add_line(
    ctx: CallContext,
    tx: Transaction,
    *,
    product_id: int,
    price: int,
    num: float = 1,
    modification_id: int = 0,
    modification: list[dict[str, int]] | None = None,
    time: int | None = None,
    extra: int = 0,
) -> TransactionProduct:
    """Add a line at ``price`` (kopecks per piece); ``extra`` is charged on top of the
    lines (delivery)."""
    moment = now_ms(ctx) if time is None else time
    line = TransactionProduct(
        tr_product_id=ctx.account.next_id("tr_product"),
        product_id=product_id,
        modification_id=modification_id,
        num=num,
        price=price,
        product_sum=round(price * num),
        modification=modification,
        time=moment,
    )
    tx.products.append(line)
    _resum(tx, extra)
    record(
        ctx,
        tx,
        "additem",
        time=moment,
        value=product_id,
        value2=modification_id,
        text={"price": price / 100},
    )
    return line


def change_count(ctx: CallContext, tx: Transaction, line: TransactionProduct, count: float) -> None:
    """Set a line's count; 0 removes it (as the register's history writes it)."""
    moment = now_ms(ctx)
    if count <= 0:
        tx.products.remove(line)
    else:
        line.num = count
        line.product_sum = round(line.price * count)
        line.time = moment
    _resum(tx)
    record(
        ctx,
        tx,
        "changeitemcount",
        time=moment,
        value=line.product_id,
        value2=round(count) if count > 0 else 0,
        value3=line.modification_id,
    )


def remove_line(ctx: CallContext, tx: Transaction, line: TransactionProduct) -> None:
    tx.products.remove(line)
    _resum(tx)
    record(
        ctx, tx, "deleteitem", time=now_ms(ctx), value=line.product_id, value2=line.modification_id
    )


def set_client(ctx: CallContext, tx: Transaction, client_id: int) -> None:
    tx.client_id = client_id
    record(ctx, tx, "setclient", time=now_ms(ctx), value=client_id)


def set_comment(ctx: CallContext, tx: Transaction, comment: str) -> None:
    tx.transaction_comment = comment
    record(ctx, tx, "comment", time=now_ms(ctx), text=comment)


def close(
    ctx: CallContext,
    tx: Transaction,
    *,
    payed_cash: int | None = None,
    payed_card: int = 0,
    payed_cert: int = 0,
    reason: int | None = None,
    print_fiscal: int = 0,
) -> None:
    """Close an open check with the cashier's payments (kopecks).

    What was paid through third parties (online, payment services) counts as such, so
    the register asks only for the rest; with no payment given the rest is taken in
    cash. Cash beyond the rest is change and is not recorded. ``reason`` closes it
    unpaid (payments must be 0). Queues ``transaction`` changed (with the close history
    entry), ``incoming_order`` changed for an online order's check (the guide: the
    webhook comes when the cashier closes the order), ``client_payed_sum`` changed when
    a customer is on the check, and the ``stock`` webhooks of what was written off.
    """
    if min(payed_cash or 0, payed_card, payed_cert) < 0:
        raise PosterError(400, "Payments must not be negative")
    rest = max(tx.sum - tx.prepaid, 0)
    if reason is not None:
        if reason not in REASONS:
            raise PosterError(400, "reason must be 1, 2 or 3", field="reason")
        if payed_cash or payed_card or payed_cert:
            raise PosterError(400, "A check closed with a reason takes no payment")
        cash = 0
    else:
        if payed_card + payed_cert > rest:
            raise PosterError(400, f"Card and certificate exceed the {rest} left to pay")
        needed = rest - payed_card - payed_cert
        cash = needed if payed_cash is None else payed_cash
        if cash < needed:
            raise PosterError(400, f"Payments cover {cash + payed_card + payed_cert} of {rest}")
        cash = needed

    tx.payed_cash, tx.payed_card, tx.payed_cert = cash, payed_card, payed_cert
    tx.payed_third_party = tx.prepaid if reason is None else 0
    tx.payed_sum = cash + payed_card
    tx.reason = reason or 0
    tx.print_fiscal = print_fiscal
    kinds = [k for k, v in (("cash", cash), ("card", payed_card)) if v]
    if payed_cert or tx.payed_third_party:
        kinds.append("other")
    tx.pay_type = {(): 0, ("cash",): 1, ("card",): 2}.get(tuple(kinds), 3)
    for line in tx.products:
        line.payed_sum = 0 if reason is not None else line.product_sum
    tx.status = CLOSED
    tx.date_close = max(now_ms(ctx), tx.date_start)
    paid = {"cash": cash / 100, "card": payed_card / 100, "third_party": tx.payed_third_party / 100}
    entry = record(
        ctx,
        tx,
        "close",
        time=tx.date_close,
        value=tx.pay_type,
        value2=tx.payed_sum + tx.payed_third_party,
        text={"payments": {k: v for k, v in paid.items() if v}},
    )
    ctx.emit("transaction", tx.transaction_id, "changed", webhook_data(entry))
    order = ctx.account.incoming_orders.get(tx.incoming_order_id or 0)
    if order is not None:
        order.updated_at = ctx.now_str()
        ctx.emit("incoming_order", order.incoming_order_id, "changed")
    client = ctx.account.clients.get(tx.client_id)
    if client is not None:
        client.total_payed_sum += tx.payed_sum + tx.payed_third_party
        ctx.emit("client_payed_sum", client.client_id, "changed")
    spot = ctx.account.spots.get(tx.spot_id)
    if spot is not None:
        stock_ledger.write_off_sale(ctx.account, tx, spot.storage_id, ctx.emit)


def remove(ctx: CallContext, tx: Transaction) -> None:
    """Remove a check (status 3); a closed one cannot be removed."""
    if tx.status == CLOSED:
        raise refuse(f"Check {tx.transaction_id} is closed; it cannot be removed")
    if tx.status == REMOVED:
        raise refuse(f"Check {tx.transaction_id} is already removed")
    tx.status = REMOVED
    entry = record(ctx, tx, "delete", time=now_ms(ctx))
    ctx.emit("transaction", tx.transaction_id, "removed", webhook_data(entry))
