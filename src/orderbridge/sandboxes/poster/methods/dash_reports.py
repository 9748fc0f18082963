"""dash.get…Sales and dash.getPaymentsReport: sales by product, category, customer,
waiter and spot, and payments by day or month, from the checks closed on the
register (``dash_sales``), so they add up with dash.getTransactions.

Types follow the reference's examples per method: counts and sums as strings, with
the few numbers it shows (``discount`` of a product row, ``middle_invoice``,
getSpotsSales' figures, getPaymentsReport's totals).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.methods.common import YMD, employee_name, hryvnias, period
from orderbridge.sandboxes.poster.methods.dash_analytics import get_analytics
from orderbridge.sandboxes.poster.methods.dash_sales import LineSale, Sale, by_client, lines, sales
from orderbridge.sandboxes.poster.methods.menu_shapes import HOME_SCREEN, nested_set
from orderbridge.sandboxes.poster.params import Params

# dash.getPaymentsReport answers by month past this many days (the reference says so).
MONTHLY_AFTER_DAYS = 65


def _sales(
    ctx: CallContext, params: Params, names: tuple[str, str] = ("dateFrom", "dateTo")
) -> list[Sale]:
    first, last = period(ctx.now(), params, names, YMD)
    return sales(ctx.account, first, last, spot_id=params.int("spot_id"))


def get_products_sales(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getProductsSales: per product (and modification), what sold and earned."""
    account = ctx.account
    tree = nested_set(account)
    groups: dict[tuple[int, int], list[LineSale]] = defaultdict(list)
    for item in lines(account, _sales(ctx, params, ("date_from", "date_to"))):
        groups[(item.line.product_id, item.line.modification_id)].append(item)
    rows = []
    for (product_id, modification_id), items in groups.items():
        product = items[0].product
        mod = next(
            (
                m
                for m in (product.modifications if product else [])
                if m.modificator_id == modification_id
            ),
            None,
        )
        category_id = product.menu_category_id if product else 0
        left, right, _ = tree.get(category_id, (0, 0, 0))
        tax = account.taxes.get(product.tax_id if product else 0)
        product_sum = sum(i.line.product_sum for i in items)
        payed = sum(i.revenue for i in items)
        rows.append(
            {
                "product_name": product.product_name if product else "",
                "modificator_name": mod.modificator_name if mod else None,
                "product_id": str(product_id),
                "modification_id": str(modification_id),
                "delete": "1" if product is None or product.deleted else "0",
                "left": str(left),
                "right": str(right),
                "category_id": str(category_id),
                "count": f"{sum(i.line.num for i in items):.4f}",
                "weight_flag": str(product.weight_flag if product else 0),
                "payed_sum": str(payed),
                "product_sum": str(product_sum),
                "bonus_sum": "0",
                "cert_sum": "0",
                "product_profit": str(sum(i.profit for i in items)),
                "tax_sum": str(round(payed * tax.tax_value / 100) if tax and tax.type == 2 else 0),
                "vat_sum": str(
                    round(payed * tax.tax_value / (100 + tax.tax_value))
                    if tax and tax.type == 3
                    else 0
                ),
                "unit": "kg" if product is not None and product.weight_flag else "p",
                "discount": product_sum - payed if items[0].sale.tx.reason == 0 else 0,
            }
        )
    rows.sort(key=lambda r: -int(str(r["payed_sum"])))
    return rows


def get_categories_sales(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getCategoriesSales: per menu category; the Home screen is category 0, a
    number, as the reference's example writes it."""
    account = ctx.account
    groups: dict[int, list[LineSale]] = defaultdict(list)
    for item in lines(account, _sales(ctx, params)):
        groups[item.product.menu_category_id if item.product else 0].append(item)
    rows = []
    for category_id, items in groups.items():
        category = account.categories.get(category_id)
        rows.append(
            {
                "revenue": str(sum(i.revenue for i in items)),
                "profit": str(sum(i.profit for i in items)),
                "count": str(round(sum(i.line.num for i in items))),
                "category_name": category.category_name if category else HOME_SCREEN,
                "category_id": str(category_id) if category_id else 0,
            }
        )
    rows.sort(key=lambda r: -int(r["revenue"]))
    return rows


def _average(group: list[Sale]) -> float:
    return float(sum(s.revenue for s in group) / len(group) / 100) if group else 0.0


def get_clients_sales(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getClientsSales: per customer on the checks."""
    return [
        {**head, "clients": str(len(group)), "middle_invoice": _average(group)}
        for head, group in by_client(ctx.account, _sales(ctx, params))
    ]


def get_waiters_sales(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """dash.getWaitersSales: per waiter; ``middle_time`` in minutes."""
    groups: dict[int, list[Sale]] = defaultdict(list)
    for sale in _sales(ctx, params):
        groups[sale.tx.user_id].append(sale)
    return [
        {
            "user_id": str(user_id),
            "name": employee_name(ctx.account, user_id),
            "profit": str(sum(s.profit for s in group)),
            "revenue": str(sum(s.revenue for s in group)),
            "clients": str(len(group)),
            "middle_time": float(sum(s.minutes for s in group) / len(group)),
            "middle_invoice": _average(group),
        }
        for user_id, group in sorted(groups.items())
    ]


def get_spots_sales(ctx: CallContext, params: Params) -> dict[str, Any]:
    """dash.getSpotsSales: the period's figures in hryvnias (numbers), for one spot or all."""
    found = _sales(ctx, params)
    return {
        "revenue": float(hryvnias(sum(s.revenue for s in found))),
        "profit": float(hryvnias(sum(s.profit for s in found))),
        "clients": len(found),
        "middle_invoice": _average(found),
    }


_PAYMENT_KEYS = ("payed_cash_sum", "payed_card_sum", "payed_cert_in_sum", "payed_cert_out_sum",
                 "payed_bonus_sum", "payed_incust_sum", "payed_sum_sum")  # fmt: skip


def get_payments_report(ctx: CallContext, params: Params) -> dict[str, Any]:
    """dash.getPaymentsReport: payments per day (oldest first), per month (newest first)
    past 65 days, and the totals (numbers, third parties apart)."""
    first, last = period(ctx.now(), params, ("date_from", "date_to"), YMD)
    monthly = (last - first).days > MONTHLY_AFTER_DAYS
    found = sales(ctx.account, first, last, spot_id=params.int("spot_id"))
    periods: dict[str, dict[str, int]] = {}
    total = dict.fromkeys(_PAYMENT_KEYS, 0) | {"payed_third_party_sum": 0}
    for sale in found:
        key = sale.day.strftime("%Y-%m" if monthly else "%Y-%m-%d")
        row = periods.setdefault(key, dict.fromkeys(_PAYMENT_KEYS, 0))
        figures = {
            "payed_cash_sum": sale.tx.payed_cash,
            "payed_card_sum": sale.tx.payed_card,
            "payed_cert_in_sum": sale.tx.payed_cert,
            "payed_bonus_sum": sale.tx.payed_bonus,
            "payed_sum_sum": sale.tx.payed_cash + sale.tx.payed_card,
        }
        for name, value in figures.items():
            row[name] += value
            total[name] += value
        total["payed_third_party_sum"] += sale.tx.payed_third_party
    days = [
        {"date": key, **{name: str(value) for name, value in row.items()}}
        for key, row in sorted(periods.items(), reverse=monthly)
    ]
    order = ["payed_cash_sum", "payed_card_sum", "payed_third_party_sum", *_PAYMENT_KEYS[2:]]
    return {"days": days, "total": {name: total[name] for name in order}}


METHODS: dict[str, Handler] = {
    "dash.getAnalytics": get_analytics,
    "dash.getProductsSales": get_products_sales,
    "dash.getCategoriesSales": get_categories_sales,
    "dash.getClientsSales": get_clients_sales,
    "dash.getWaitersSales": get_waiters_sales,
    "dash.getSpotsSales": get_spots_sales,
    "dash.getPaymentsReport": get_payments_report,
}
