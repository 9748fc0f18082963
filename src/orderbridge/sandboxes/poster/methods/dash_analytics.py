"""dash.getAnalytics: sales over a period, as series and counters, or per waiter or
customer (``type``).

Without a type (or with workshops, category, products or spots, narrowed to ``id``)
the answer has ``data`` (one value per ``interpolate`` bucket), ``data_hourly`` (24),
``data_weekday`` (7, Sunday first, as the reference's Monday–Thursday example shows)
and ``counters``; a bucket with no sales is the number 0, others are hryvnias with
four decimals as strings, exactly as the example mixes them. ``select`` picks the
figure the series show.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.methods.common import period
from orderbridge.sandboxes.poster.methods.dash_sales import Sale, by_client, four, lines, sales
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account

SELECTS = ("revenue", "profit", "average_receipt", "transactions", "visitors", "average_time")
LINE_TYPES = {"workshops", "category", "products"}
TYPES = (None, "waiters", "clients", "spots", *sorted(LINE_TYPES))


def _bucket(day: date, interpolate: str) -> date:
    if interpolate == "week":
        return day - timedelta(days=day.weekday())
    if interpolate == "month":
        return day.replace(day=1)
    return day


def _buckets(first: date, last: date, interpolate: str) -> list[date]:
    found: list[date] = []
    day = first
    while day <= last:
        key = _bucket(day, interpolate)
        if not found or found[-1] != key:
            found.append(key)
        day += timedelta(days=1)
    return found


class _Acc:
    """Figures of a group of checks (or of lines)."""

    def __init__(self) -> None:
        self.revenue = self.profit = self.checks = self.guests = 0
        self.minutes = 0.0

    def add(self, revenue: int, profit: int, sale: Sale | None) -> None:
        self.revenue += revenue
        self.profit += profit
        if sale is not None:
            self.checks += 1
            self.guests += sale.tx.guests_count
            self.minutes += sale.minutes

    def value(self, select: str) -> Any:
        """The figure ``select`` asks for; the number 0 when there were no sales."""
        if not self.checks and not self.revenue:
            return 0
        if select == "profit":
            return four(self.profit)
        if select == "transactions":
            return str(self.checks)
        if select == "visitors":
            return str(self.guests)
        if select == "average_receipt":
            return four(self.revenue / self.checks) if self.checks else 0
        if select == "average_time":
            return f"{self.minutes / self.checks:.4f}" if self.checks else 0
        return four(self.revenue)


def _series(
    ctx: CallContext, params: Params, found: list[Sale], kind: str | None
) -> dict[str, Any]:
    account = ctx.account
    first, last = period(ctx.now(), params)
    interpolate = params.str("interpolate", "day") or "day"
    if interpolate not in ("day", "week", "month"):
        raise PosterError(400, "interpolate must be day, week or month", field="interpolate")
    select = params.str("select", "revenue") or "revenue"
    if select not in SELECTS:
        raise PosterError(400, f"select must be one of {', '.join(SELECTS)}", field="select")
    entity = params.int("id")
    by_bucket: dict[date, _Acc] = defaultdict(_Acc)
    by_hour: dict[int, _Acc] = defaultdict(_Acc)
    by_weekday: dict[int, _Acc] = defaultdict(_Acc)
    total = _Acc()
    for revenue, profit, sale, counted in _facts(account, found, kind, entity):
        counted_sale = sale if counted else None
        for acc in (
            by_bucket[_bucket(sale.day, interpolate)],
            by_hour[sale.closed.hour],
            by_weekday[(sale.closed.weekday() + 1) % 7],
            total,
        ):
            acc.add(revenue, profit, counted_sale)
    receipt = total.revenue / total.checks / 100 if total.checks else 0
    return {
        "data": [by_bucket[b].value(select) for b in _buckets(first, last, interpolate)],
        "data_hourly": [by_hour[h].value(select) for h in range(24)],
        "data_weekday": [by_weekday[d].value(select) for d in range(7)],
        "counters": {
            "revenue": four(total.revenue),
            "profit": four(total.profit),
            "transactions": str(total.checks),
            "visitors": str(total.guests),
            "average_receipt": float(receipt),
            "average_time": f"{total.minutes / total.checks if total.checks else 0:.8f}",
        },
    }


def _facts(
    account: Account, found: list[Sale], kind: str | None, entity: int | None
) -> list[tuple[int, int, Sale, bool]]:
    """(revenue, profit, check, counts as a check) of what ``kind``/``entity`` keep."""
    if kind in LINE_TYPES:
        result = []
        seen: set[int] = set()
        for item in lines(account, found):
            product = item.product
            key = {
                "workshops": product.workshop if product else 0,
                "category": product.menu_category_id if product else 0,
                "products": item.line.product_id,
            }[kind]
            if entity is not None and key != entity:
                continue
            first_time = item.sale.tx.transaction_id not in seen
            seen.add(item.sale.tx.transaction_id)
            result.append((item.revenue, item.profit, item.sale, first_time))
        return result
    if kind == "spots" and entity is not None:
        found = [s for s in found if s.tx.spot_id == entity]
    return [(s.revenue, s.profit, s, True) for s in found]


def _per_waiter(account: Account, found: list[Sale]) -> list[dict[str, Any]]:
    groups: dict[int, list[Sale]] = defaultdict(list)
    for sale in found:
        groups[sale.tx.user_id].append(sale)
    rows = []
    for user_id, group in sorted(groups.items()):
        employee = account.employees.get(user_id)
        rows.append(
            {
                "user_id": str(user_id),
                "name": employee.name if employee else "",
                "sum": str(sum(s.tx.sum for s in group)),
                "profit": str(sum(s.profit for s in group)),
                "revenue": str(sum(s.revenue for s in group)),
                "clients": str(len(group)),
                "middle_time": f"{sum(s.minutes for s in group) / len(group):.4f}",
            }
        )
    return rows


def _per_client(account: Account, found: list[Sale]) -> list[dict[str, Any]]:
    rows = []
    for head, group in by_client(account, found):
        client = account.clients.get(int(head["client_id"]))
        rows.append(
            {
                **head,
                "payed_cash": str(sum(s.tx.payed_cash for s in group)),
                "payed_card": str(sum(s.tx.payed_card for s in group)),
                "payed_third_party": str(sum(s.tx.payed_third_party for s in group)),
                "clients": str(len(group)),
                "phone": client.phone if client else "",
                "email": client.email if client else "",
            }
        )
    return rows


def get_analytics(ctx: CallContext, params: Params) -> Any:
    """dash.getAnalytics (see the module docstring)."""
    kind = params.str("type")
    if kind not in TYPES:
        raise PosterError(400, "Unknown type", field="type")
    first, last = period(ctx.now(), params)
    found = sales(ctx.account, first, last)
    entity = params.int("id")
    if kind == "waiters":
        rows = _per_waiter(ctx.account, found)
        return [r for r in rows if entity is None or r["user_id"] == str(entity)]
    if kind == "clients":
        rows = _per_client(ctx.account, found)
        return [r for r in rows if entity is None or r["client_id"] == str(entity)]
    return _series(ctx, params, found, kind)
