"""A hand-written POS for the hub's tests: a dict of orders with failure knobs.

It keeps what a real POS would: the orders and reservations created, keyed by the
hub's key, each with a POS id and a state the test sets. Knobs make the next calls
fail the way real POS systems do: transiently, permanently, or ambiguously (the
order is created but the answer never arrives).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from orderbridge.domain.locations import WeeklySchedule
from orderbridge.domain.menu import Menu
from orderbridge.domain.orders import Order
from orderbridge.domain.register_checks import RegisterCheck
from orderbridge.domain.reservations import Reservation
from orderbridge.ports import (
    Capabilities,
    ConnectionRecord,
    LocationBinding,
    PermanentError,
    PosItem,
    PosLocationInfo,
    PosOrderRef,
    PosOrderState,
    PosSystem,
    TransientError,
)


@dataclass
class PosEntry:
    """One order (or reservation) as the fake POS holds it."""

    pos_id: str
    key: str
    location: str
    state: PosOrderState = PosOrderState.NEW
    check_id: str | None = None


@dataclass
class FakePos:
    """Satisfies ``PosSystem``; inject with ``hub.pos_for = pos.for_connection``."""

    capabilities: Capabilities = field(
        default_factory=lambda: Capabilities(
            orders=True,
            reservations=True,
            menu_import=True,
            menu_item_refresh=True,
            status_polling=True,
            order_lookup_by_key=True,
        )
    )
    # Everything created, in order; a key appearing twice is a duplicate at the POS.
    orders: list[PosEntry] = field(default_factory=list)
    reservations: list[PosEntry] = field(default_factory=list)
    menus: dict[str, Menu] = field(default_factory=dict)
    # Opening hours per hub location id (read only where capabilities.opening_hours).
    schedules: dict[str, WeeklySchedule] = field(default_factory=dict)
    # Knobs: the next N creations fail transiently; every call is refused permanently;
    # the next N creations succeed at the POS but the caller sees a timeout.
    fail_next: int = 0
    refuse: PermanentError | None = None
    ambiguous_next: int = 0
    # Every find_order asked: (key, since).
    lookups: list[tuple[str, datetime]] = field(default_factory=list)
    _next_id: int = 100

    def for_connection(self, connection: ConnectionRecord) -> PosSystem:
        return self

    # Orders -------------------------------------------------------------------------

    async def submit_order(
        self, order: Order, *, location: LocationBinding, key: str
    ) -> PosOrderRef:
        return self._create(self.orders, key, location)

    async def find_order(
        self, *, location: LocationBinding, key: str, since: datetime
    ) -> PosOrderRef | None:
        self.lookups.append((key, since))
        self._gate(creating=False)
        entry = _by_key(self.orders, key)
        return _ref(entry) if entry is not None else None

    async def order_state(self, pos_order_id: str, *, location: LocationBinding) -> PosOrderRef:
        self._gate(creating=False)
        return _ref(self._by_pos_id(self.orders, pos_order_id))

    def set_order_state(
        self, key: str, state: PosOrderState, *, check_id: str | None = None
    ) -> None:
        entry = _by_key(self.orders, key)
        assert entry is not None, f"the POS has no order {key}"
        entry.state, entry.check_id = state, check_id

    def set_reservation_state(self, key: str, state: PosOrderState) -> None:
        entry = _by_key(self.reservations, key)
        assert entry is not None, f"the POS has no reservation {key}"
        entry.state = state

    # Reservations -------------------------------------------------------------------

    async def submit_reservation(
        self, reservation: Reservation, *, location: LocationBinding, key: str
    ) -> PosOrderRef:
        return self._create(self.reservations, key, location)

    async def find_reservation(
        self, *, location: LocationBinding, key: str, since: datetime
    ) -> PosOrderRef | None:
        self._gate(creating=False)
        entry = _by_key(self.reservations, key)
        return _ref(entry) if entry is not None else None

    async def reservation_state(
        self, pos_reservation_id: str, *, location: LocationBinding
    ) -> PosOrderRef:
        self._gate(creating=False)
        return _ref(self._by_pos_id(self.reservations, pos_reservation_id))

    # Menus and places ---------------------------------------------------------------

    async def fetch_menu(self, *, location: LocationBinding) -> Menu:
        self._gate(creating=False)
        return self.menus[location.location_id]

    async def fetch_item(self, item_id: str, *, location: LocationBinding) -> PosItem | None:
        self._gate(creating=False)
        menu = self.menus[location.location_id]
        item, category = menu.item(item_id), menu.category_of(item_id)
        return PosItem(item, category.id) if item and category else None

    async def cancel_order(
        self, pos_order_id: str, *, location: LocationBinding, reason: str
    ) -> PosOrderRef:
        self._gate(creating=False)
        entry = self._by_pos_id(self.orders, pos_order_id)
        entry.state = PosOrderState.CANCELED
        return _ref(entry)

    async def fetch_locations(self) -> Sequence[PosLocationInfo]:
        return ()

    async def fetch_register_check(
        self, check_id: str, *, location: LocationBinding
    ) -> RegisterCheck | None:
        return None

    async def fetch_schedule(self, *, location: LocationBinding) -> WeeklySchedule | None:
        self._gate(creating=False)
        return self.schedules.get(location.location_id)

    # Plumbing -----------------------------------------------------------------------

    def _gate(self, *, creating: bool) -> None:
        if self.refuse is not None:
            raise self.refuse
        if creating and self.fail_next > 0:
            self.fail_next -= 1
            raise TransientError("the POS answered 503")

    def _create(self, table: list[PosEntry], key: str, location: LocationBinding) -> PosOrderRef:
        self._gate(creating=True)
        self._next_id += 1
        entry = PosEntry(str(self._next_id), key, location.external_id)
        table.append(entry)  # like a real POS, a second create makes a second order
        if self.ambiguous_next > 0:
            self.ambiguous_next -= 1
            raise TransientError("the POS timed out (the order was created)")
        return _ref(entry)

    @staticmethod
    def _by_pos_id(table: list[PosEntry], pos_id: str) -> PosEntry:
        return next(e for e in table if e.pos_id == pos_id)

    def created(self, key: str) -> list[PosEntry]:
        """The POS orders made for ``key`` (more than one is a duplicate)."""
        return [e for e in self.orders if e.key == key]


def _by_key(table: list[PosEntry], key: str) -> PosEntry | None:
    return next((e for e in table if e.key == key), None)


def _ref(entry: PosEntry) -> PosOrderRef:
    return PosOrderRef(entry.pos_id, state=entry.state, pos_check_id=entry.check_id)
