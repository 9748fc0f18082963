"""Register shifts: opening, the money that passes through, closing, and the books.

A shift's cash and card takings are the payments of the checks closed at its spot
while it was open; its incomes, expenses and safe drops are its shift transactions.
Closing a shift books what it handed over (the counted cash less what it started
with) to the spot's cash account as a finance income, as Poster's "register shifts"
category does. ``finance.*`` and the seed both go through here.
"""

from __future__ import annotations

from dataclasses import dataclass

from orderbridge.sandboxes.poster.context import CallContext
from orderbridge.sandboxes.poster.methods.common import local_time
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_finance import (
    SHIFT_CLOSE,
    SHIFT_DROP,
    SHIFT_EXPENSE,
    SHIFT_INCOME,
    SHIFT_OPEN,
    CashShift,
    FinanceTransaction,
    ShiftTransaction,
)

CASH_ACCOUNT = 1  # the seeded "cash at the venue" account the shifts book to
SHIFTS_CATEGORY = 2  # the "register shifts" finance category
BINDING_SHIFT_CLOSE = 12  # finance.getTransactions' binding_type of a shift closing


@dataclass(frozen=True)
class Takings:
    """What passed through a shift, in kopecks."""

    cash: int
    card: int
    income: int
    expense: int
    drops: int


def takings(account: Account, shift: CashShift, now_ms: int) -> Takings:
    """The shift's sales (checks closed at its spot while it was open) and movements."""
    end = shift.timeend or now_ms
    cash = card = 0
    for tx in account.transactions.values():
        if (
            tx.status == 2
            and tx.spot_id == shift.spot_id
            and shift.timestart <= tx.date_close <= end
        ):
            cash += tx.payed_cash
            card += tx.payed_card
    moves = {SHIFT_INCOME: 0, SHIFT_EXPENSE: 0, SHIFT_DROP: 0}
    for tr in account.shift_transactions.values():
        live = tr.shift_id == shift.cash_shift_id and not tr.deleted and not tr.edit
        if live and tr.type in moves:
            moves[tr.type] += tr.tr_amount
    return Takings(cash, card, moves[SHIFT_INCOME], moves[SHIFT_EXPENSE], moves[SHIFT_DROP])


def add_transaction(
    ctx: CallContext | None,
    account: Account,
    shift: CashShift,
    kind: int,
    amount: int,
    time: int,
    *,
    user_id: int = 1,
    comment: str = "",
    category_id: int = 0,
    is_fiscal: int = 0,
    shift_tr_id: int | None = None,
) -> ShiftTransaction:
    """Record a shift transaction; announces ``cash_shift_transaction`` added."""
    tr_id = shift_tr_id or account.next_id("shift_transaction")
    account.bump_counter("shift_transaction", tr_id)
    tr = ShiftTransaction(
        shift_tr_id=tr_id,
        shift_id=shift.cash_shift_id,
        time=time,
        type=kind,
        tr_amount=amount,
        user_id=user_id,
        comment=comment,
        category_id=category_id,
        is_fiscal=is_fiscal,
    )
    account.shift_transactions[tr_id] = tr
    if ctx is not None:
        ctx.emit("cash_shift_transaction", tr_id, "added")
    return tr


def open_shift(
    ctx: CallContext | None,
    account: Account,
    *,
    spot_id: int,
    user_id: int,
    amount: int,
    time: int,
    is_fiscal: int = 0,
    shift_id: int | None = None,
    tr_id: int | None = None,
) -> CashShift:
    """Open a shift at ``spot_id`` with ``amount`` kopecks in the drawer."""
    shift_id = shift_id or account.next_id("cash_shift")
    account.bump_counter("cash_shift", shift_id)
    shift = CashShift(
        cash_shift_id=shift_id,
        spot_id=spot_id,
        timestart=time,
        amount_start=amount,
        user_id_start=user_id,
    )
    account.cash_shifts[shift_id] = shift
    add_transaction(
        ctx, account, shift, SHIFT_OPEN, amount, time, user_id=user_id, is_fiscal=is_fiscal,
        shift_tr_id=tr_id,
    )  # fmt: skip
    return shift


def close_shift(
    ctx: CallContext | None,
    account: Account,
    shift: CashShift,
    *,
    user_id: int,
    amount: int,
    time: int,
    comment: str = "",
    is_fiscal: int = 0,
    tr_id: int | None = None,
) -> None:
    """Close ``shift`` with ``amount`` kopecks counted; book the handover."""
    shift.timeend = time
    shift.amount_end = amount
    shift.user_id_end = user_id
    shift.comment = comment
    add_transaction(
        ctx, account, shift, SHIFT_CLOSE, amount, time, user_id=user_id, comment=comment,
        is_fiscal=is_fiscal, shift_tr_id=tr_id,
    )  # fmt: skip
    handed = amount - shift.amount_start
    if handed:
        book(
            ctx,
            account,
            FinanceTransaction(
                transaction_id=account.next_id("finance_transaction"),
                account_id=CASH_ACCOUNT,
                user_id=user_id,
                category_id=SHIFTS_CATEGORY,
                type=1 if handed > 0 else 0,
                amount=handed,
                date=local_time(account, time),
                binding_type=BINDING_SHIFT_CLOSE,
                binding_id=shift.cash_shift_id,
                comment="Закриття касової зміни",
            ),
        )


def book(ctx: CallContext | None, account: Account, tr: FinanceTransaction) -> None:
    """Record a finance transaction; announces ``book_transaction`` added."""
    account.finance_transactions[tr.transaction_id] = tr
    account.bump_counter("finance_transaction", tr.transaction_id)
    if ctx is not None:
        ctx.emit("book_transaction", tr.transaction_id, "added")


def expected_cash(account: Account, shift: CashShift, now_ms: int) -> int:
    """What the drawer should hold: the start, cash sales and incomes, less the rest."""
    t = takings(account, shift, now_ms)
    return shift.amount_start + t.cash + t.income - t.expense - t.drops
