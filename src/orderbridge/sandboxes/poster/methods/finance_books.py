"""finance.*Transactions, finance.*Account*, finance.*Category* and finance.getReport:
the books. Amounts are sent in hryvnias and answered in kopecks; answers are strings
as the reference's examples show (getReport's amounts are numbers).

An account's balance is its opening balance plus every live booking on it: shift
closings, shift incomes and expenses, supplies paid from it and the transactions
made here. A transfer (type 2) is two bookings sharing a group: out of one account,
into another.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from orderbridge.sandboxes.poster import shifts
from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing
from orderbridge.sandboxes.poster.methods.common import flag01, live, period, to_kopecks
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import POSTER_TIME, Account
from orderbridge.sandboxes.poster.state_finance import (
    FinanceAccount,
    FinanceCategory,
    FinanceTransaction,
)

CURRENCIES = {1: ("₴", "UAH", "грн."), 2: ('<i class="icon-rouble"></i>', "RUB", "руб."),
              3: ("$", "USD", "$"), 4: ("€", "EUR", "€"), 5: ("₸", "KZT", "тг."),
              6: ("₾", "GEL", "лар."), 7: ("฿", "THB", "бат"), 8: ("֏", "AMD", "драм")}  # fmt: skip


def _currency(acc: FinanceAccount) -> tuple[str, str, str]:
    return CURRENCIES.get(acc.currency_id, CURRENCIES[1])


def _live_bookings(account: Account) -> list[FinanceTransaction]:
    return sorted(
        (t for t in account.finance_transactions.values() if not t.deleted),
        key=lambda t: (t.date, t.transaction_id),
    )


def balances(account: Account) -> dict[int, list[tuple[FinanceTransaction, int]]]:
    """Per account, each booking with the balance after it, oldest first."""
    running = {a.account_id: a.balance_start for a in account.finance_accounts.values()}
    result: dict[int, list[tuple[FinanceTransaction, int]]] = defaultdict(list)
    for booking in _live_bookings(account):
        running[booking.account_id] = running.get(booking.account_id, 0) + booking.amount
        result[booking.account_id].append((booking, running[booking.account_id]))
    return result


def get_transactions(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """finance.getTransactions: bookings of the period, newest first, with balances."""
    account = ctx.account
    first, last = period(ctx.now(), params)
    account_id, category_id = params.int("account_id"), params.int("category_id")
    rows = []
    for acc_id, entries in balances(account).items():
        if account_id is not None and acc_id != account_id:
            continue
        acc = account.finance_accounts.get(acc_id)
        for booking, balance in entries:
            if category_id is not None and booking.category_id != category_id:
                continue
            if not first <= date.fromisoformat(booking.date[:10]) <= last:
                continue
            category = account.finance_categories.get(booking.category_id)
            rows.append(
                {
                    "transaction_id": str(booking.transaction_id),
                    "account_id": str(acc_id),
                    "user_id": str(booking.user_id),
                    "category_id": str(booking.category_id),
                    "type": str(booking.type),
                    "amount": str(booking.amount),
                    "balance": str(balance),
                    "date": booking.date,
                    "recipient_type": str(booking.recipient_type),
                    "recipient_id": str(booking.recipient_id),
                    "binding_type": str(booking.binding_type),
                    "binding_id": str(booking.binding_id),
                    "comment": booking.comment,
                    "delete": "0",
                    "account_name": acc.name if acc else "",
                    "currency_symbol": _currency(acc)[0] if acc else "",
                    "category_name": category.name if category else "",
                }
            )
    rows.sort(key=lambda r: (r["date"], int(r["transaction_id"])), reverse=True)
    return rows


def _date(value: str | None) -> str:
    """finance's ``date``: dmY (the examples' 16112017) or Ymd (a table's word)."""
    if not value:
        raise missing("date")
    for fmt in ("%d%m%Y", "%Y%m%d", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, fmt).strftime(POSTER_TIME)
        except ValueError:
            continue
    raise PosterError(400, "date must be dmY", field="date")


def _bookings(ctx: CallContext, params: Params, group_id: int) -> list[FinanceTransaction]:
    """The bookings a createTransactions/updateTransactions request describes."""
    account = ctx.account
    kind = params.req_int("type")
    if kind not in (0, 1, 2):
        raise PosterError(400, "type must be 0, 1 or 2", field="type")
    category_id = params.req_int("category")
    live(account.finance_categories, category_id, "category")
    user_id = params.req_int("user_id")
    when = _date(params.str("date"))
    legs: list[tuple[str, str, int]] = []
    if kind in (0, 2):
        legs.append(("account_from", "amount_from", -1))
    if kind in (1, 2):
        legs.append(("account_to", "amount_to", 1))
    result = []
    for account_key, amount_key, sign in legs:
        acc_id = params.req_int(account_key)
        live(account.finance_accounts, acc_id, account_key)
        if amount_key not in params:
            raise missing(amount_key)
        amount = to_kopecks(params.raw(amount_key), amount_key)
        if amount <= 0:
            raise PosterError(400, f"{amount_key} must be positive", field=amount_key)
        result.append(
            FinanceTransaction(
                transaction_id=0,
                account_id=acc_id,
                user_id=user_id,
                category_id=category_id,
                type=1 if sign > 0 else 0,
                amount=sign * amount,
                date=when,
                recipient_type=1 if kind == 2 else 0,
                binding_type=1 if kind == 2 else 0,
                comment=params.str("comment", "") or "",
                group_id=group_id,
            )
        )
    return result


def create_transactions(ctx: CallContext, params: Params) -> int:
    """finance.createTransactions: the new booking's id (a transfer's outgoing one)."""
    legs = _bookings(ctx, params, 0)
    for leg in legs:
        leg.transaction_id = ctx.account.next_id("finance_transaction")
        leg.group_id = legs[0].transaction_id
        shifts.book(ctx, ctx.account, leg)
    return legs[0].transaction_id


def update_transactions(ctx: CallContext, params: Params) -> int:
    """finance.updateTransactions: the booking (and a transfer's other leg) replaced."""
    account = ctx.account
    current = live(account.finance_transactions, params.req_int("transaction_id"), "transaction_id")
    group = current.group_id or current.transaction_id
    legs = _bookings(ctx, params, group)
    old = [
        t
        for t in account.finance_transactions.values()
        if (t.group_id or t.transaction_id) == group
    ]
    for booking in old:
        booking.deleted = True
    ids = [current.transaction_id] + [t.transaction_id for t in old if t is not current]
    for n, leg in enumerate(legs):
        leg.transaction_id = ids[n] if n < len(ids) else account.next_id("finance_transaction")
        account.finance_transactions[leg.transaction_id] = leg
        ctx.emit("book_transaction", leg.transaction_id, "changed")
    return current.transaction_id


def get_accounts(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """finance.getAccounts: accounts (of a ``type``) with their current balances."""
    kind = params.int("type")
    running = balances(ctx.account)
    rows = []
    for acc in ctx.account.finance_accounts.values():
        if acc.deleted or (kind is not None and acc.type != kind):
            continue
        entries = running.get(acc.account_id)
        symbol, iso, code = _currency(acc)
        rows.append(
            {
                "account_id": str(acc.account_id),
                "name": acc.name,
                "currency_id": str(acc.currency_id),
                "type": str(acc.type),
                "balance": str(entries[-1][1] if entries else acc.balance_start),
                "balance_start": str(acc.balance_start),
                "percent_acquiring": f"{acc.percent_acquiring:.2f}",
                "currency_symbol": symbol,
                "currency_code_iso": iso,
                "currency_code": code,
            }
        )
    return rows


def _account_fields(params: Params, current: FinanceAccount | None) -> dict[str, Any]:
    name = (params.str("account_name") or (current.name if current else "")).strip()
    if not name:
        raise missing("account_name")
    kind = params.int("type", current.type if current else None)
    if kind not in (1, 2, 3):
        raise PosterError(400, "type must be 1, 2 or 3", field="type")
    currency = params.int("currency_id", current.currency_id if current else 1)
    if currency not in CURRENCIES:
        raise PosterError(4001, field="currency_id")
    start = (
        to_kopecks(params.raw("balance_start"), "balance_start")
        if "balance_start" in params
        else (current.balance_start if current else 0)
    )
    return {"name": name, "type": kind, "currency_id": currency, "balance_start": start}


def create_account(ctx: CallContext, params: Params) -> int:
    """finance.createAccount: the new account's id."""
    fields = _account_fields(params, None)
    acc_id = ctx.account.next_id("finance_account")
    ctx.account.finance_accounts[acc_id] = FinanceAccount(account_id=acc_id, **fields)
    return acc_id


def update_account(ctx: CallContext, params: Params) -> int:
    """finance.updateAccount: answers the account's id."""
    acc = live(ctx.account.finance_accounts, params.req_int("account_id"), "account_id")
    for key, value in _account_fields(params, acc).items():
        setattr(acc, key, value)
    return acc.account_id


def get_categories(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """finance.getCategories."""
    return [
        {
            "category_id": str(c.category_id),
            "name": c.name,
            "parent_id": str(c.parent_id),
            "operations": str(c.operations),
            "action": str(c.action),
            "delete": "1" if c.deleted else "0",
        }
        for c in ctx.account.finance_categories.values()
    ]


def _category_fields(
    ctx: CallContext, params: Params, current: FinanceCategory | None
) -> dict[str, Any]:
    name = (params.str("category_name") or (current.name if current else "")).strip()
    if not name:
        raise missing("category_name")
    parent = params.int("category_parent", current.parent_id if current else 0) or 0
    if parent:
        live(ctx.account.finance_categories, parent, "category_parent")
    was_in = (current.operations & 1) if current else 0
    was_out = (current.operations >> 1 & 1) if current else 0
    operations = flag01(params, "operations_in", was_in) + 2 * flag01(
        params, "operations_out", was_out
    )
    return {"name": name, "parent_id": parent, "operations": operations}


def create_category(ctx: CallContext, params: Params) -> int:
    """finance.createCategory: the new category's id."""
    fields = _category_fields(ctx, params, None)
    category_id = ctx.account.next_id("finance_category")
    ctx.account.finance_categories[category_id] = FinanceCategory(category_id=category_id, **fields)
    return category_id


def update_category(ctx: CallContext, params: Params) -> int:
    """finance.updateCategory: answers the category's id."""
    category = live(ctx.account.finance_categories, params.req_int("category_id"), "category_id")
    if category.action:
        raise PosterError(153, "A system category cannot change")
    for key, value in _category_fields(ctx, params, category).items():
        setattr(category, key, value)
    return category.category_id


METHODS: dict[str, Handler] = {
    "finance.getTransactions": get_transactions,
    "finance.createTransactions": create_transactions,
    "finance.updateTransactions": update_transactions,
    "finance.getAccounts": get_accounts,
    "finance.createAccount": create_account,
    "finance.updateAccount": update_account,
    "finance.getCategories": get_categories,
    "finance.createCategory": create_category,
    "finance.updateCategory": update_category,
}
