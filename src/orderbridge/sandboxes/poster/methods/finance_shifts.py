"""finance.*CashShift*: register shifts and their transactions (``shifts`` keeps the
rules). Amounts go in as hryvnias and times as ``Y-m-d H:i`` (the reference); the
answers are numbers, kopecks and unix milliseconds, as its examples show. A shift's
cash and card takings are its spot's checks closed while it was open.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orderbridge.sandboxes.poster import shifts
from orderbridge.sandboxes.poster.checks import now_ms
from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing
from orderbridge.sandboxes.poster.methods.common import (
    flag01,
    live,
    millis_range,
    parse_minutes,
    period,
    to_kopecks,
    zone,
)
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_finance import (
    SHIFT_CLOSE,
    SHIFT_EXPENSE,
    SHIFT_INCOME,
    SHIFT_OPEN,
    CashShift,
    FinanceTransaction,
    ShiftTransaction,
)

BINDING_SHIFT_TRANSACTION = 14  # finance.getTransactions' binding_type


def shift_view(ctx: CallContext, shift: CashShift, *, listed: bool) -> dict[str, Any]:
    t = shifts.takings(ctx.account, shift, now_ms(ctx))
    view: dict[str, Any] = {
        "cash_shift_id": shift.cash_shift_id,
        "spot_id": shift.spot_id,
        "timestart": shift.timestart,
        "timeend": shift.timeend,
        "amount_start": shift.amount_start,
        "amount_end": shift.amount_end,
        "amount_debit": t.income,
        "amount_sell_cash": t.cash,
        "amount_sell_card": t.card,
        "amount_credit": t.expense,
        "amount_collection": t.drops,
        "user_id_start": shift.user_id_start,
        "user_id_end": shift.user_id_end,
        "comment": shift.comment,
    }
    if listed:
        spot = ctx.account.spots.get(shift.spot_id)
        view |= {
            "spot_name": spot.spot_name if spot else "",
            "spot_adress": spot.spot_adress if spot else "",
            "table_num": "0",
        }
    return view


def get_cash_shifts(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """finance.getCashShifts: shifts opened from dateFrom to dateTo, at a spot or all."""
    start, end = millis_range(ctx.account, *period(ctx.now(), params))
    spot_id = params.int("spot_id")
    return [
        shift_view(ctx, s, listed=True)
        for s in sorted(ctx.account.cash_shifts.values(), key=lambda s: s.timestart)
        if start <= s.timestart <= end and (spot_id is None or s.spot_id == spot_id)
    ]


def get_cash_shift(ctx: CallContext, params: Params) -> dict[str, Any]:
    """finance.getCashShift."""
    shift_id = params.req_int("cash_shift_id")
    shift = ctx.account.cash_shifts.get(shift_id)
    if shift is None:
        raise PosterError(32, f"cash_shift_id {shift_id} doesn't exist", field="cash_shift_id")
    return shift_view(ctx, shift, listed=False)


def _time(ctx: CallContext, params: Params) -> int:
    moment = parse_minutes(params.str("time"), "time")
    if moment is None:
        return now_ms(ctx)
    return int(moment.replace(tzinfo=zone(ctx.account)).timestamp() * 1000)


def _amount(params: Params, *, required: bool = True) -> int:
    if "amount" not in params:
        if required:
            raise missing("amount")
        return 0
    amount = to_kopecks(params.raw("amount"), "amount")
    if amount < 0:
        raise PosterError(400, "amount must not be negative", field="amount")
    return amount


def open_cash_shift(ctx: CallContext, params: Params) -> dict[str, int]:
    """finance.openCashShift: ``{"cash_shift_id": id}``."""
    spot_id = params.req_int("spot_id")
    live(ctx.account.spots, spot_id, "spot_id")
    user_id = params.req_int("user_id")
    live(ctx.account.employees, user_id, "user_id")
    shift = shifts.open_shift(
        ctx,
        ctx.account,
        spot_id=spot_id,
        user_id=user_id,
        amount=_amount(params),
        time=_time(ctx, params),
        is_fiscal=flag01(params, "is_fiscal", 0),
    )
    return {"cash_shift_id": shift.cash_shift_id}


def close_cash_shift(ctx: CallContext, params: Params) -> bool:
    """finance.closeCashShift: closes with the cash counted; a close before the opening
    is error 45 ("time is less than the opening time")."""
    shift = _shift(ctx.account, params.req_int("cash_shift_id"), "cash_shift_id")
    if shift.timeend:
        raise PosterError(153, f"Shift {shift.cash_shift_id} is closed")
    user_id = params.req_int("user_id")
    live(ctx.account.employees, user_id, "user_id")
    time = _time(ctx, params)
    if time < shift.timestart:
        raise PosterError(45, field="time")
    shifts.close_shift(
        ctx,
        ctx.account,
        shift,
        user_id=user_id,
        amount=_amount(params),
        time=time,
        comment=params.str("comment", "") or "",
        is_fiscal=flag01(params, "is_fiscal", 0),
    )
    return True


def _shift(account: Account, shift_id: int, field: str) -> CashShift:
    shift = account.cash_shifts.get(shift_id)
    if shift is None:
        raise PosterError(32, f"{field} {shift_id} doesn't exist", field=field)
    return shift


def _tr_view(tr: ShiftTransaction) -> dict[str, Any]:
    return {
        "shift_tr_id": tr.shift_tr_id,
        "shift_id": tr.shift_id,
        "time": tr.time,
        "type": tr.type,
        "tr_amount": tr.tr_amount,
        "user_id": tr.user_id,
        "comment": tr.comment,
        "shift_tr_id_edit": tr.shift_tr_id_edit,
        "user_id_edit": tr.user_id_edit,
        "edit_time": tr.edit_time,
        "edit": tr.edit,
        "delete": int(tr.deleted),
        "is_fiscal": tr.is_fiscal,
    }


def get_shift_transactions(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """finance.getCashShiftTransactions: newest first, edited and removed ones marked."""
    shift = _shift(ctx.account, params.req_int("shift_id"), "shift_id")
    found = [
        t for t in ctx.account.shift_transactions.values() if t.shift_id == shift.cash_shift_id
    ]
    return [_tr_view(t) for t in sorted(found, key=lambda t: (-t.time, -t.shift_tr_id))]


def _book(ctx: CallContext, tr: ShiftTransaction, shift: CashShift) -> None:
    """Incomes and expenses of a shift are booked on the cash account."""
    if tr.type not in (SHIFT_INCOME, SHIFT_EXPENSE):
        return
    sign = 1 if tr.type == SHIFT_INCOME else -1
    shifts.book(
        ctx,
        ctx.account,
        FinanceTransaction(
            transaction_id=ctx.account.next_id("finance_transaction"),
            account_id=shifts.CASH_ACCOUNT,
            user_id=tr.user_id,
            category_id=tr.category_id,
            type=1 if sign > 0 else 0,
            amount=sign * tr.tr_amount,
            date=datetime.fromtimestamp(tr.time / 1000, zone(ctx.account)).strftime(
                "%Y-%m-%d %H:%M:%S"
            ),
            binding_type=BINDING_SHIFT_TRANSACTION,
            binding_id=tr.shift_tr_id,
            comment=tr.comment,
        ),
    )


def _unbook(ctx: CallContext, tr: ShiftTransaction) -> None:
    for booked in ctx.account.finance_transactions.values():
        if booked.binding_type == BINDING_SHIFT_TRANSACTION and booked.binding_id == tr.shift_tr_id:
            booked.deleted = True


def _fields(ctx: CallContext, params: Params, current: ShiftTransaction | None) -> dict[str, Any]:
    kind = params.int("type_id", current.type if current else None)
    if kind is None:
        raise missing("type_id")
    if kind not in (2, 3, 4):
        raise PosterError(
            400, "type_id must be 2 (income), 3 (expense) or 4 (safe drop)", field="type_id"
        )
    category_id = params.int("category_id", current.category_id if current else 0) or 0
    if kind in (SHIFT_INCOME, SHIFT_EXPENSE):
        if not category_id:
            raise missing("category_id")
        live(ctx.account.finance_categories, category_id, "category_id")
    user_id = params.int("user_id", current.user_id if current else None)
    if user_id is None:
        raise missing("user_id")
    live(ctx.account.employees, user_id, "user_id")
    return {
        "type": kind,
        "category_id": category_id,
        "user_id": user_id,
        "tr_amount": _amount(params)
        if current is None or "amount" in params
        else current.tr_amount,
        "time": _time(ctx, params) if current is None or "time" in params else current.time,
        "is_fiscal": flag01(params, "is_fiscal", current.is_fiscal if current else 0),
        "comment": params.str("comment", current.comment if current else "") or "",
    }


def _add(ctx: CallContext, shift: CashShift, fields: dict[str, Any]) -> ShiftTransaction:
    return shifts.add_transaction(
        ctx,
        ctx.account,
        shift,
        fields["type"],
        fields["tr_amount"],
        fields["time"],
        user_id=fields["user_id"],
        comment=fields["comment"],
        category_id=fields["category_id"],
        is_fiscal=fields["is_fiscal"],
    )


def create_shift_transaction(ctx: CallContext, params: Params) -> dict[str, int]:
    """finance.createCashShiftTransaction: an income, expense or safe drop."""
    shift = _shift(ctx.account, params.req_int("cash_shift_id"), "cash_shift_id")
    fields = _fields(ctx, params, None)
    tr = _add(ctx, shift, fields)
    _book(ctx, tr, shift)
    return {"cash_shift_transaction_id": tr.shift_tr_id}


def _editable(ctx: CallContext, params: Params) -> ShiftTransaction:
    tr_id = params.req_int("cash_shift_transaction_id")
    tr = ctx.account.shift_transactions.get(tr_id)
    if tr is None or tr.deleted or tr.edit:
        raise PosterError(
            32,
            f"cash_shift_transaction_id {tr_id} doesn't exist",
            field="cash_shift_transaction_id",
        )
    if tr.type in (SHIFT_OPEN, SHIFT_CLOSE):
        raise PosterError(153, "A shift's opening and closing cannot change")
    return tr


def update_shift_transaction(ctx: CallContext, params: Params) -> dict[str, int]:
    """finance.updateCashShiftTransaction: an edit is a new transaction replacing the
    old one (marked ``edit``), so the answer's id is new, as the reference's is."""
    old = _editable(ctx, params)
    shift = ctx.account.cash_shifts[old.shift_id]
    fields = _fields(ctx, params, old)
    now = now_ms(ctx)
    old.edit = 1
    _unbook(ctx, old)
    tr = _add(ctx, shift, fields)
    tr.shift_tr_id_edit, tr.user_id_edit, tr.edit_time = old.shift_tr_id, fields["user_id"], now
    _book(ctx, tr, shift)
    return {"cash_shift_transaction_id": tr.shift_tr_id}


def remove_shift_transaction(ctx: CallContext, params: Params) -> bool:
    """finance.removeCashShiftTransaction."""
    tr = _editable(ctx, params)
    tr.deleted = True
    _unbook(ctx, tr)
    ctx.emit("cash_shift_transaction", tr.shift_tr_id, "removed")
    return True


METHODS: dict[str, Handler] = {
    "finance.getCashShifts": get_cash_shifts,
    "finance.getCashShift": get_cash_shift,
    "finance.openCashShift": open_cash_shift,
    "finance.closeCashShift": close_cash_shift,
    "finance.getCashShiftTransactions": get_shift_transactions,
    "finance.createCashShiftTransaction": create_shift_transaction,
    "finance.updateCashShiftTransaction": update_shift_transaction,
    "finance.removeCashShiftTransaction": remove_shift_transaction,
}
