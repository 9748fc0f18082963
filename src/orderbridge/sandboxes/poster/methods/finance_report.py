"""finance.getReport: the bookings of a period by category and by account, in periods
of a year, quarter, month (the default), week or day.

Each category (with its place in the category tree) comes with ``amounts`` — per
account, per period title, the kopecks booked — and the account's currency symbol,
only when something was booked in it, as the reference's example shows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.methods.common import period, zone
from orderbridge.sandboxes.poster.methods.finance_books import CURRENCIES
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account

PERIODS = {1: "year", 2: "quarter", 3: "month", 4: "week", 5: "day"}


def _start(day: date, kind: str) -> date:
    if kind == "year":
        return day.replace(month=1, day=1)
    if kind == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if kind == "month":
        return day.replace(day=1)
    if kind == "week":
        return day - timedelta(days=day.weekday())
    return day


def _next(start: date, kind: str) -> date:
    if kind == "day":
        return start + timedelta(days=1)
    if kind == "week":
        return start + timedelta(days=7)
    months = {"month": 1, "quarter": 3, "year": 12}[kind]
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def _title(start: date, kind: str) -> str:
    if kind == "year":
        return str(start.year)
    if kind == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    if kind == "month":
        return start.strftime("%b %Y")
    if kind == "week":
        return f"{start:%d.%m}–{start + timedelta(days=6):%d.%m.%Y}"
    return start.strftime("%d.%m.%Y")


def _periods(account: Account, first: date, last: date, kind: str) -> list[dict[str, Any]]:
    tz, found, cursor = zone(account), [], _start(first, kind)
    while cursor <= last:
        begin, end = max(cursor, first), min(_next(cursor, kind) - timedelta(days=1), last)
        found.append(
            {
                "title": _title(cursor, kind),
                "start": int(datetime.combine(begin, time.min, tz).timestamp()),
                "end": int(datetime.combine(end, time.max, tz).timestamp()),
            }
        )
        cursor = _next(cursor, kind)
    return found


def _tree(account: Account) -> dict[int, tuple[int, int, int]]:
    """Each finance category's (left, right, level) in its nested set."""
    children: dict[int, list[int]] = defaultdict(list)
    for c in sorted(account.finance_categories.values(), key=lambda c: c.category_id):
        children[c.parent_id if c.parent_id in account.finance_categories else 0].append(
            c.category_id
        )
    result: dict[int, tuple[int, int, int]] = {}
    counter = 0

    def walk(parent: int, level: int) -> None:
        nonlocal counter
        for category_id in children.get(parent, []):
            counter += 1
            left = counter
            walk(category_id, level + 1)
            counter += 1
            result[category_id] = (left, counter, level)

    walk(0, 1)
    return result


def get_report(ctx: CallContext, params: Params) -> dict[str, Any]:
    """finance.getReport (see the module docstring)."""
    account = ctx.account
    first, last = period(ctx.now(), params)
    kind = PERIODS.get(params.int("period", 3) or 3)
    if kind is None:
        raise PosterError(400, "period must be 1 to 5", field="period")
    account_id = params.int("account_id")
    amounts: dict[int, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for booking in account.finance_transactions.values():
        day = date.fromisoformat(booking.date[:10])
        if booking.deleted or not first <= day <= last:
            continue
        if account_id is not None and booking.account_id != account_id:
            continue
        per_account = amounts[booking.category_id][str(booking.account_id)]
        title = _title(_start(day, kind), kind)
        per_account[title] = per_account.get(title, 0) + booking.amount
    tree = _tree(account)
    categories: dict[str, Any] = {}
    for category in account.finance_categories.values():
        left, right, level = tree.get(category.category_id, (0, 0, 1))
        row: dict[str, Any] = {
            "category_id": str(category.category_id),
            "name": category.name,
            "parent_id": str(category.parent_id),
            "operations": str(category.operations),
            "action": str(category.action),
            "level": str(level),
            "left": str(left),
            "right": str(right),
            "delete": "1" if category.deleted else "0",
        }
        if category.category_id in amounts:
            booked = amounts[category.category_id]
            row["amounts"] = {acc: dict(values) for acc, values in booked.items()}
            acc = account.finance_accounts.get(int(next(iter(booked))))
            row["currency_symbol"] = CURRENCIES.get(acc.currency_id if acc else 1, CURRENCIES[1])[0]
        categories[str(category.category_id)] = row
    return {"periods": _periods(account, first, last, kind), "categories": categories}


METHODS: dict[str, Handler] = {"finance.getReport": get_report}
