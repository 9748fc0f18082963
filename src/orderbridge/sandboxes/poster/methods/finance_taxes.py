"""finance.*Tax*: taxes; answers are numbers, as the reference's examples show.

``delete`` is 1 for a removed tax (the reference's table says the opposite, against
every other ``delete`` flag of the API and its own example of a live tax with 0).
"""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing
from orderbridge.sandboxes.poster.methods.common import flag01, live, num
from orderbridge.sandboxes.poster.params import Params, to_float
from orderbridge.sandboxes.poster.state_finance import Tax


def tax_view(tax: Tax, country: str) -> dict[str, Any]:
    return {
        "tax_id": tax.tax_id,
        "country": tax.country or country,
        "tax_name": tax.tax_name,
        "tax_value": num(tax.tax_value),
        "type": tax.type,
        "fiscal": tax.fiscal,
        "fiscal_program": tax.fiscal_program,
        "fixed": tax.fixed,
        "delete": int(tax.deleted),
    }


def get_taxes(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """finance.getTaxes: the live taxes."""
    return [tax_view(t, "UA") for t in ctx.account.taxes.values() if not t.deleted]


def get_tax(ctx: CallContext, params: Params) -> dict[str, Any]:
    """finance.getTax."""
    return tax_view(live(ctx.account.taxes, params.req_int("tax_id"), "tax_id"), "UA")


def _fields(params: Params, current: Tax | None) -> dict[str, Any]:
    name = (params.str("name") or (current.tax_name if current else "")).strip()
    if not name:
        raise missing("name")
    raw = params.raw("value")
    if raw in (None, "") and current is None:
        raise missing("value")
    value = (
        to_float(raw, "value") if raw not in (None, "") else (current.tax_value if current else 0)
    )
    if not 0 <= value <= 100:
        raise PosterError(400, "value is a percentage, 0 to 100", field="value")
    kind = params.int("type", current.type if current else None)
    if kind not in (1, 2, 3, 4):
        raise PosterError(400, "type must be 1, 2, 3 or 4", field="type")
    return {
        "tax_name": name,
        "tax_value": value,
        "type": kind,
        "fiscal": flag01(params, "fiscal", current.fiscal if current else 0),
        "fiscal_program": params.int("fiscal_program", current.fiscal_program if current else 0)
        or 0,
    }


def create_tax(ctx: CallContext, params: Params) -> dict[str, int]:
    """finance.createTax: ``{"tax_id": id}``."""
    fields = _fields(params, None)
    tax_id = ctx.account.next_id("tax")
    ctx.account.taxes[tax_id] = Tax(tax_id=tax_id, **fields)
    return {"tax_id": tax_id}


def update_tax(ctx: CallContext, params: Params) -> dict[str, int]:
    """finance.updateTax: ``{"tax_id": id}``."""
    tax = live(ctx.account.taxes, params.req_int("tax_id"), "tax_id")
    for key, value in _fields(params, tax).items():
        setattr(tax, key, value)
    return {"tax_id": tax.tax_id}


def remove_tax(ctx: CallContext, params: Params) -> bool:
    """finance.removeTax."""
    tax = live(ctx.account.taxes, params.req_int("tax_id"), "tax_id")
    tax.deleted = True
    return True


METHODS: dict[str, Handler] = {
    "finance.getTaxes": get_taxes,
    "finance.getTax": get_tax,
    "finance.createTax": create_tax,
    "finance.updateTax": update_tax,
    "finance.removeTax": remove_tax,
}
