"""How one location takes orders beyond its hours: times, automatic busy mode, what its
POS needs, and what the hub learned from the POS about the place.

:class:`OrderingOptions` is what an operator sets (``PATCH
/api/v1/admin/locations/{id}/ordering``); :class:`PosFacts` is what the POS told the
hub on the last import (its currency, the storages whose stock counts here, the
tables, whether an order needs a phone). Together they let the hub refuse, before it
answers 201, an order that the POS would refuse later: :func:`check_requirements`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType

from orderbridge.domain.drafts import OrderDraft
from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.order_money import ChargeKind
from orderbridge.domain.timing import TimingSettings

MAX_AUTO_BUSY_THRESHOLD = 1000


@dataclass(frozen=True, slots=True)
class TableInfo:
    """A table of the location as its POS knows it."""

    id: str
    name: str
    seats: int | None = None


@dataclass(frozen=True)
class PosFacts:
    """What the location's POS said about it at the last import (empty: not asked yet).

    ``storages`` are the POS's storages of this place: a stock change elsewhere does
    not touch this location's menu. ``requires_phone``: the POS refuses an order with
    no phone (Poster, error 34). ``requires_table``: it refuses a reservation without
    a table.
    """

    currency: str | None = None
    storages: tuple[str, ...] = ()
    tables: tuple[TableInfo, ...] = ()
    requires_phone: bool = False
    requires_table: bool = False
    fetched_at: datetime | None = None

    def table(self, table_id: str) -> TableInfo | None:
        """The table with this id (or, as a cashier would say it, this name), or None."""
        for table in self.tables:
            if table.id == table_id:
                return table
        return next((t for t in self.tables if t.name == table_id), None)


@dataclass(frozen=True)
class OrderingOptions:
    """A location's ordering settings, each with a default that works.

    ``timing``: lead time (scheduled orders go to the POS this long before their time,
    30 min by default) and preparation time (promised times for ASAP orders).
    ``auto_busy_threshold``: more open online orders at the POS than this turns busy
    mode on by itself, with ``auto_busy_minutes`` extra; None (the default) never does.
    ``charge_products``: the POS product that carries each kind of charge on the check
    (a delivery fee as a "Delivery" product); a charge without one is written into the
    order's comment for the cashier. ``promotions``: promo code → the POS promotion that
    computes it at the register, instead of the hub lowering line prices.
    """

    timing: TimingSettings = field(default_factory=TimingSettings)
    auto_busy_threshold: int | None = None
    auto_busy_minutes: int = 20
    charge_products: Mapping[ChargeKind, str] = field(default_factory=dict)
    promotions: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        threshold = self.auto_busy_threshold
        if threshold is not None and not 0 <= threshold <= MAX_AUTO_BUSY_THRESHOLD:
            raise InvalidValueError(
                f"auto_busy_threshold must be 0..{MAX_AUTO_BUSY_THRESHOLD}",
                field="auto_busy_threshold",
            )
        if not 1 <= self.auto_busy_minutes <= 240:
            raise InvalidValueError("auto_busy_minutes must be 1..240", field="auto_busy_minutes")
        object.__setattr__(self, "charge_products", MappingProxyType(dict(self.charge_products)))
        object.__setattr__(self, "promotions", MappingProxyType(dict(self.promotions)))


@dataclass(frozen=True, slots=True)
class Requirement:
    """One thing the POS will need that the order lacks: ``code``, ``message``, ``field``."""

    code: str
    message: str
    field: str


def check_requirements(draft: OrderDraft, facts: PosFacts, *, currency: str) -> list[Requirement]:
    """What the POS would refuse about ``draft``, found before the hub answers 201.

    The domain already insists on an address for a delivery and a table for dine-in;
    here: a phone when the POS needs one, and the POS's currency. ``currency`` is the
    location's. A dine-in table is not matched against the POS's tables: Poster's
    incoming order takes none (the cashier reads it in the comment), and a guest's
    "table 7" may be a number the floor plan does not use.
    """
    found: list[Requirement] = []
    if facts.requires_phone and not draft.customer.phone:
        found.append(
            Requirement("phone_required", "the POS needs the customer's phone", "customer.phone")
        )
    pos_currency = facts.currency
    paid_in = draft.payment_currency or currency
    if pos_currency is not None and paid_in != pos_currency:
        field = "payment.currency" if draft.payment_currency else "location_id"
        found.append(
            Requirement(
                "currency_mismatch",
                f"the POS takes {pos_currency}, the order is in {paid_in}",
                field,
            )
        )
    return found


def check_reservation_needs(
    *, table: str | None, guests: int, phone: str | None, facts: PosFacts
) -> list[Requirement]:
    """What the POS would refuse about a table booking: a table it needs and has (with
    seats enough, when it says how many), and a phone."""
    found: list[Requirement] = []
    if facts.requires_table and not table:
        found.append(Requirement("table_required", "the POS needs a table", "table_id"))
    if table and facts.tables:
        known = next((t for t in facts.tables if t.id == table), None)
        if known is None:
            message = f"the location has no table {table!r}"
            found.append(Requirement("unknown_table", message, "table_id"))
        elif known.seats is not None and guests > known.seats:
            message = f"table {known.name} seats {known.seats}, not {guests}"
            found.append(Requirement("table_too_small", message, "guests"))
    if facts.requires_phone and not phone:
        message = "the POS needs the guest's phone"
        found.append(Requirement("phone_required", message, "customer.phone"))
    return found
