"""Register checks as the Poster API reports them, turned into ``RegisterCheck``.

``dash.getTransaction`` (``include_products=true``) answers, per product of the
check, ``product_id``, ``modification_id``, ``num``, ``product_price`` and
``payed_sum`` — no name and no line sum (the API reference's response example and
parameter table; names come from the hub's menu). Amounts are in kopecks (minor
units); ``status`` is 1 open, 2 closed, 3 removed. The hub's item ids for Poster are
Poster's product ids, its variant ids the modification ids.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from orderbridge.connectors.poster.schemas import PFloat, PInt, PNullText, PosterModel
from orderbridge.domain.money import Money
from orderbridge.domain.register_checks import RegisterCheck, RegisterCheckLine

CLOSED = 2


def _list(value: Any) -> Any:
    return value if isinstance(value, list) else []


class PosterCheckProduct(PosterModel):
    product_id: PInt
    modification_id: PInt = 0
    num: PFloat = 1.0
    product_price: PInt = 0
    payed_sum: PInt = 0


class PosterCheck(PosterModel):
    """A check as ``dash.getTransaction`` reports it."""

    transaction_id: PInt
    status: PInt = 1
    spot_id: PInt = 0
    transaction_comment: PNullText = ""
    sum: PInt = 0
    payed_sum: PInt = 0
    products: Annotated[list[PosterCheckProduct], BeforeValidator(_list)] = Field(
        default_factory=list
    )


def register_check(check: PosterCheck, currency: str) -> RegisterCheck:
    """The domain's view of a Poster check; a line's unit price is what was paid for
    it per piece (discounts included), else its listed price."""
    lines = []
    for product in check.products:
        quantity = max(1, round(product.num))
        paid = product.payed_sum or product.product_price * quantity
        lines.append(
            RegisterCheckLine(
                item_id=str(product.product_id),
                quantity=quantity,
                unit_price=Money(round(paid / quantity), currency),
                variant_id=str(product.modification_id) if product.modification_id else None,
            )
        )
    return RegisterCheck(
        check_id=str(check.transaction_id),
        place_id=str(check.spot_id),
        closed=check.status == CLOSED,
        lines=tuple(lines),
        total=Money(check.sum, currency),
        paid=Money(check.payed_sum, currency),
        comment=check.transaction_comment,
    )
