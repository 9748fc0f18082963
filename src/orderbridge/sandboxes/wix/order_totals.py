"""The computed parts of an eCommerce order, always consistent with its lines.

``priceSummary`` (``subtotal`` of the lines before discounts, ``shipping``, ``tax``,
``discount`` — line discounts plus the order's ``appliedDiscounts`` — ``total`` and
``totalAdditionalFees``), ``payNow`` (what the buyer pays now: everything, as no
deposit is emulated), ``taxSummary`` and ``balanceSummary`` (``paid`` follows the
payment status; ``balance`` is what is left). Wix's examples obey these sums (Get
Order: 115 + 10 − 0 = 125; Cancel Order: 130 − 10 + 10 = 130; Create Order: 28 + 5 −
1 = 32), and so does every order the sandbox hands out.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from orderbridge.sandboxes.wix.formats import parse_amount, price


def _amount(holder: Any, field: str = "amount") -> Decimal:
    value = holder.get(field) if isinstance(holder, dict) else None
    return Decimal(str(value)) if value not in (None, "") else Decimal(0)


def order_discount(order: dict[str, Any]) -> Decimal:
    """Order-level discounts (``appliedDiscounts`` of type ``GLOBAL``)."""
    total = Decimal(0)
    for applied in order.get("appliedDiscounts") or []:
        if applied.get("discountType", "GLOBAL") != "GLOBAL":
            continue
        for kind in ("merchantDiscount", "coupon", "discountRule"):
            holder = applied.get(kind)
            if isinstance(holder, dict):
                total += _amount(holder.get("amount"))
    return total


def refresh_totals(order: dict[str, Any]) -> None:
    """Recompute every summary of ``order`` from its lines, shipping and payment."""
    currency = order["currency"]
    lines = order["lineItems"]
    subtotal = sum((_amount(line["lineItemPrice"]) for line in lines), Decimal(0))
    line_discounts = sum((_amount(line["totalDiscount"]) for line in lines), Decimal(0))
    tax = sum((_amount(line["taxDetails"]["totalTax"]) for line in lines), Decimal(0))
    shipping_info = order.get("shippingInfo") or {}
    shipping = _amount((shipping_info.get("cost") or {}).get("price"))
    discount = line_discounts + order_discount(order)
    added_tax = Decimal(0) if order.get("taxIncludedInPrices") else tax
    total = max(subtotal - discount + shipping + added_tax, Decimal(0))
    summary = {
        "subtotal": price(subtotal, currency),
        "shipping": price(shipping, currency),
        "tax": price(tax, currency),
        "discount": price(discount, currency),
        "total": price(total, currency),
        "totalAdditionalFees": price(Decimal(0), currency),
    }
    order["priceSummary"] = summary
    order["payNow"] = dict(summary)
    order["taxSummary"] = {"totalTax": price(tax, currency)}
    paid = total if order.get("paymentStatus") == "PAID" else Decimal(0)
    order["balanceSummary"] = {
        "balance": price(total - paid, currency),
        "paid": price(paid, currency),
        "refunded": price(Decimal(0), currency),
    }


def shipping_cost(shipping_info: dict[str, Any], currency: str) -> dict[str, Any]:
    """``shippingInfo.cost`` from the price given: before and after tax, no tax."""
    cost = parse_amount(
        ((shipping_info.get("cost") or {}).get("price") or {}).get("amount", "0"),
        "order.shippingInfo.cost.price.amount",
    )
    return {
        "price": price(cost, currency),
        "totalPriceBeforeTax": price(cost, currency),
        "totalPriceAfterTax": price(cost, currency),
        "taxDetails": {"taxRate": "0", "totalTax": price(Decimal(0), currency)},
        "discount": price(Decimal(0), currency),
    }
