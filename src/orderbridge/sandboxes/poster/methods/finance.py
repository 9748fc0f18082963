"""finance.*: the method table of the Finance section (shifts, books, report, taxes)."""

from __future__ import annotations

from orderbridge.sandboxes.poster.context import Handler
from orderbridge.sandboxes.poster.methods import (
    finance_books,
    finance_report,
    finance_shifts,
    finance_taxes,
)

METHODS: dict[str, Handler] = {
    **finance_shifts.METHODS,
    **finance_books.METHODS,
    **finance_report.METHODS,
    **finance_taxes.METHODS,
}
