"""An order's money as Poster's incoming order can hold it: prices, promotions, service
products, and a payment that never exceeds the check.

Poster's ``incomingOrders.createIncomingOrder`` has no discount and no fee fields; what
it has (the reference's field list) is a ``price`` per product in kopecks ("by default
the price of the goods in the indicated institution is taken"), ``promotion`` (the
spot's promotions, computed by the register) and ``payment.sum``. So:

- A **line discount**, and an **order discount** spread over the lines in proportion to
  what they cost (``order_money.allocate``), lower the lines' ``price``. A line whose
  net amount does not divide by its quantity becomes two products at prices one kopeck
  apart, so the check adds up to the hub's total exactly (``split_unit_prices``).
- An order discount whose promo **code** names one of the location's promotions is
  sent as that ``promotion`` instead (all lines involved), and the register computes it.
- A **charge** (delivery fee, service fee, tip, packaging) is a product of its own when
  the location names a service product for its kind (``charge_products``), at the
  charge's amount; otherwise it is not on the check, and the comment tells the cashier.
- ``payment.sum`` is what was paid, but never more than the check will show: a prepaid
  delivery fee that is not on the check would otherwise read as an overpayment.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orderbridge.connectors.poster.mapping import to_hundredths, to_minor
from orderbridge.connectors.poster.settings import PosterPricePolicy
from orderbridge.domain.money import Money
from orderbridge.domain.order_money import ChargeKind, Discount, allocate, split_unit_prices
from orderbridge.domain.orders import Order, OrderLine, PaymentStatus
from orderbridge.ports import PermanentError


@dataclass
class PosterCheck:
    """The money half of an incoming order body, and what the cashier must be told."""

    products: list[dict[str, Any]] = field(default_factory=list)
    promotion: list[dict[str, Any]] = field(default_factory=list)
    payment: dict[str, Any] | None = None
    # What the check will add up to, in kopecks (before promotions the register applies).
    check_total: int = 0
    notes: list[str] = field(default_factory=list)


def poster_id(value: str | None, what: str) -> int:
    """A Poster id from a canonical id, or ``PermanentError("unmapped_item")``."""
    if value is None or not value.isdigit():
        raise PermanentError("unmapped_item", f"{what} {value!r} has no Poster id")
    return int(value)


def poster_check(
    order: Order,
    *,
    price_policy: PosterPricePolicy,
    charge_products: Mapping[ChargeKind, str] = {},
    promotions: Mapping[str, str] = {},
) -> PosterCheck:
    """Products, promotions and payment for ``order`` (see the module docstring)."""
    check = PosterCheck()
    promoted = [d for d in order.discounts if d.code and d.code in promotions]
    spread = [d for d in order.discounts if d not in promoted]
    currency = order.currency
    shares = allocate(
        Money.total((d.amount for d in spread), currency), [line.net_total for line in order.lines]
    )
    for index, (line, share) in enumerate(zip(order.lines, shares, strict=True)):
        _line(check, index, line, line.net_total - share, price_policy)
    for discount in promoted:
        check.promotion.append(_promotion(order, discount, promotions[discount.code]))
    for charge in order.charges:
        product = charge_products.get(charge.kind)
        if product is None:
            check.notes.append(f"{charge.label} {charge.amount.format()} is not on the check")
            continue
        price = to_hundredths(charge.amount)
        check.products.append(
            {
                "product_id": poster_id(product, f"{charge.kind.value} product"),
                "count": 1,
                "price": price,
            }
        )
        check.check_total += price
    promoted_off = sum(to_hundredths(d.amount) for d in promoted)
    payment = order.payment
    if payment is not None and payment.status is PaymentStatus.PAID and payment.amount.amount:
        paid = to_hundredths(payment.amount)
        on_check = max(check.check_total - promoted_off, 0)
        check.payment = {"type": 1, "sum": min(paid, on_check), "currency": payment.amount.currency}
        if paid > on_check:
            extra = payment.amount - to_minor(on_check, currency)
            check.notes.append(
                f"Of the online payment, {extra.format()} covers what is not on the check"
            )
    return check


def _line(
    check: PosterCheck, index: int, line: OrderLine, net: Money, policy: PosterPricePolicy
) -> None:
    product: dict[str, Any] = {"product_id": poster_id(line.item_id, f"items[{index}].item_id")}
    if line.variant_id is not None:
        product["modificator_id"] = poster_id(line.variant_id, f"items[{index}].variant_id")
    if line.modifiers:
        chosen = [
            {"m": poster_id(m.modifier_id, f"items[{index}].modifiers"), "a": m.quantity}
            for m in line.modifiers
        ]
        # The reference sends dish modifiers as a JSON string: '[{"m":19,"a":1}]'.
        product["modification"] = json.dumps(chosen, separators=(",", ":"))
    if policy is PosterPricePolicy.POSTER and net == line.total:
        check.products.append({**product, "count": line.quantity})
        check.check_total += to_hundredths(line.unit_total) * line.quantity
        return
    # Poster takes a sent price as the whole price of one piece, modifiers included.
    for count, unit in split_unit_prices(net, line.quantity):
        price = to_hundredths(unit)
        check.products.append({**product, "count": count, "price": price})
        check.check_total += price * count


def _promotion(order: Order, discount: Discount, promotion_id: str) -> dict[str, Any]:
    involved = []
    for index, line in enumerate(order.lines):
        entry: dict[str, Any] = {
            "id": poster_id(line.item_id, f"items[{index}].item_id"),
            "count": line.quantity,
        }
        if line.variant_id is not None:
            entry["modification"] = poster_id(line.variant_id, f"items[{index}].variant_id")
        involved.append(entry)
    return {
        "id": poster_id(promotion_id, f"promotion for {discount.code}"),
        "involved_products": involved,
    }
