"""The sales facts the dash reports add up: every closed check in a period, and every
line of it, with what it earned.

A check's ``revenue`` is what was paid for it (cash, card and third parties, which is
what the register took); its ``sum`` is the total before discounts; its ``profit`` is
the revenue less the food cost of what it sold (the stock write-offs). A line's
revenue is what was paid for the line. Checks count by their closing date in the
account's time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from orderbridge.sandboxes.poster.methods.common import local_date
from orderbridge.sandboxes.poster.state import Account, Product, Transaction, TransactionProduct


@dataclass(frozen=True)
class Sale:
    """A closed check of the period."""

    tx: Transaction
    day: date
    closed: datetime  # local time

    @property
    def revenue(self) -> int:
        return self.tx.payed_sum + self.tx.payed_third_party

    @property
    def cost(self) -> int:
        return sum(line.cost for line in self.tx.products)

    @property
    def profit(self) -> int:
        return self.revenue - self.cost

    @property
    def minutes(self) -> float:
        """How long the check was open."""
        return max(self.tx.date_close - self.tx.date_start, 0) / 60000


@dataclass(frozen=True)
class LineSale:
    """A line of a closed check of the period, with its product (None if removed)."""

    sale: Sale
    line: TransactionProduct
    product: Product | None

    @property
    def revenue(self) -> int:
        return self.line.payed_sum

    @property
    def profit(self) -> int:
        return self.line.payed_sum - self.line.cost


def sales(account: Account, first: date, last: date, *, spot_id: int | None = None) -> list[Sale]:
    """The checks closed from ``first`` to ``last`` (at ``spot_id``), oldest first."""
    zone = ZoneInfo(account.settings.timezone)
    found = []
    for tx in account.transactions.values():
        if tx.status != 2 or (spot_id is not None and tx.spot_id != spot_id):
            continue
        day = local_date(account, tx.date_close)
        if first <= day <= last:
            closed = datetime.fromtimestamp(tx.date_close / 1000, zone)
            found.append(Sale(tx, day, closed))
    found.sort(key=lambda s: s.tx.date_close)
    return found


def lines(account: Account, found: list[Sale]) -> Iterator[LineSale]:
    """Every line of ``found``'s checks."""
    for sale in found:
        for line in sale.tx.products:
            yield LineSale(sale, line, account.products.get(line.product_id))


def by_client(account: Account, found: list[Sale]) -> list[tuple[dict[str, str], list[Sale]]]:
    """The checks with a customer, per customer (oldest id first), with the customer's
    row head: id, names and the totals every per-customer report shows."""
    groups: dict[int, list[Sale]] = {}
    for sale in found:
        if sale.tx.client_id:
            groups.setdefault(sale.tx.client_id, []).append(sale)
    result = []
    for client_id, group in sorted(groups.items()):
        client = account.clients.get(client_id)
        head = {
            "client_id": str(client_id),
            "firstname": client.firstname if client else "",
            "lastname": client.lastname if client else "",
            "sum": str(sum(s.tx.sum for s in group)),
            "profit": str(sum(s.profit for s in group)),
            "revenue": str(sum(s.revenue for s in group)),
        }
        result.append((head, group))
    return result


def four(kopecks: float) -> str:
    """Hryvnias as dash.getAnalytics writes them: ``"169255.7100"``."""
    return f"{kopecks / 100:.4f}"
