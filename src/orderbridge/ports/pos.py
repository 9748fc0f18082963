"""What the services need from a POS: the ``PosSystem`` port and the plain records it
takes and returns (no wire types cross it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from orderbridge.domain.location_options import OrderingOptions
from orderbridge.domain.locations import WeeklySchedule
from orderbridge.domain.menu import Item, Menu
from orderbridge.domain.orders import Order
from orderbridge.domain.register_checks import RegisterCheck
from orderbridge.domain.reservations import Reservation


@dataclass(frozen=True)
class Capabilities:
    """What a connector can do, declared as data.

    Each connector module has a module-level ``CAPABILITIES`` (a REST POS derives its
    own from the services its manifest declares); the registry reports them to the
    dashboard and the admin API, and services read the built connector's before they
    rely on a feature: ``pipeline.submit_order`` looks an order up before re-creating it
    only where ``order_lookup_by_key``, the sweep polls only where ``status_polling``,
    a cancel reaches the POS only where ``cancel_orders``, a reservation is sent only
    where ``reservations``, a webhook about one item re-reads that item only where
    ``menu_item_refresh`` (else the whole menu), and a POS's "hours changed" webhook
    replaces a location's opening hours only where ``opening_hours``.
    """

    orders: bool = False  # creates orders
    reservations: bool = False  # creates table reservations
    menu_import: bool = False  # its whole menu can be read
    menu_item_refresh: bool = False  # one item can be read (after an item webhook)
    menu_publish: bool = False  # a channel that takes the hub's menu
    status_webhooks: bool = False  # tells order status changes by webhook
    status_polling: bool = False  # an order's state can be read (reconcile, sweep)
    order_lookup_by_key: bool = False  # an order can be found by the hub's key
    cancel_orders: bool = False  # an order can be canceled through the API
    availability_webhooks: bool = False  # tells when it goes offline / online
    register_checks: bool = False  # reports checks made at its register (mirrored to channels)
    opening_hours: bool = False  # keeps the opening hours (the hub reads them when told)
    location_status: bool = False  # a channel that takes the store's open/paused status
    pos_orders_import: bool = False  # a channel that mirrors orders made at the register
    # What the POS insists on, checked before an order or reservation is answered 201.
    requires_phone: bool = False  # Poster: phone or client_id (error 34)
    requires_table: bool = False  # a reservation must name a table


class PosOrderState(StrEnum):
    """An order's (or reservation's) state as a POS reports it, in the hub's words."""

    NEW = "new"  # created, the cashier has not acted (Poster status 0)
    ACCEPTED = "accepted"  # Poster status 1
    DECLINED = "declined"  # Poster status 7 before acceptance
    CANCELED = "canceled"  # Poster status 7 after acceptance
    COMPLETED = "completed"  # the linked check was closed


@dataclass(frozen=True)
class PosOrderRef:
    """A POS's answer about one order: its id there and, when known, its state."""

    pos_order_id: str
    state: PosOrderState = PosOrderState.NEW
    # The POS's own id of the check/transaction linked to the order, once there is one.
    pos_check_id: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class PosItem:
    """One menu item as the POS has it now, and the id of the category it sits in."""

    item: Item
    category_id: str


@dataclass(frozen=True)
class PosLocationInfo:
    """A place the POS knows (a Poster spot), for linking to hub locations."""

    external_id: str
    name: str
    address: str = ""
    timezone: str | None = None
    currency: str | None = None
    tables: Sequence[PosTable] = field(default_factory=tuple)
    # The POS's storages of this place (Poster: access.getSpots' storages).
    storages: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class PosTable:
    external_id: str
    name: str
    seats: int | None = None
    hall: str = ""


@dataclass(frozen=True)
class LocationBinding:
    """Which of the POS's places a hub location is, and in what currency it sells."""

    location_id: str
    external_id: str
    currency: str
    timezone: str
    # How the location takes orders: charge products, promotions … (the POS needs some).
    options: OrderingOptions = field(default_factory=OrderingOptions)


class PosSystem(Protocol):
    """A point-of-sale system the hub sends orders and reservations to.

    Every method raises ``TransientError`` for what a later attempt may fix (timeouts,
    5xx, rate limits) and ``PermanentError`` for what it will not (validation, unknown
    ids, a revoked token: ``PermanentError.code == "reauth_required"``).
    """

    capabilities: Capabilities

    async def submit_order(
        self, order: Order, *, location: LocationBinding, key: str
    ) -> PosOrderRef:
        """Create the order at the POS, writing ``key`` into it so it can be found again."""
        ...

    async def find_order(
        self, *, location: LocationBinding, key: str, since: datetime
    ) -> PosOrderRef | None:
        """The order created earlier with ``key``, if the POS has it (after an ambiguous
        failure: a timeout or a crash mid-call). ``since`` bounds the search."""
        ...

    async def order_state(self, pos_order_id: str, *, location: LocationBinding) -> PosOrderRef:
        """The order's current state at the POS (the reconciliation sweep asks this)."""
        ...

    async def cancel_order(
        self, pos_order_id: str, *, location: LocationBinding, reason: str
    ) -> PosOrderRef:
        """Cancel the order at the POS (only where ``capabilities.cancel_orders``)."""
        ...

    async def submit_reservation(
        self, reservation: Reservation, *, location: LocationBinding, key: str
    ) -> PosOrderRef:
        """Create the table reservation at the POS."""
        ...

    async def find_reservation(
        self, *, location: LocationBinding, key: str, since: datetime
    ) -> PosOrderRef | None:
        """The reservation created earlier with ``key``, if the POS has it."""
        ...

    async def reservation_state(
        self, pos_reservation_id: str, *, location: LocationBinding
    ) -> PosOrderRef:
        """The reservation's current state at the POS."""
        ...

    async def fetch_menu(self, *, location: LocationBinding) -> Menu:
        """The location's whole menu as the POS has it now, in canonical form."""
        ...

    async def fetch_item(self, item_id: str, *, location: LocationBinding) -> PosItem | None:
        """One item as the POS has it now (after a webhook said it changed); None when
        the location no longer sells it (only where ``capabilities.menu_item_refresh``)."""
        ...

    async def fetch_locations(self) -> Sequence[PosLocationInfo]:
        """The places (spots) the POS account has, with their tables."""
        ...

    async def fetch_register_check(
        self, check_id: str, *, location: LocationBinding
    ) -> RegisterCheck | None:
        """A check made at the register, with the hub's item ids, for channels that mirror
        register orders (Wix's "import POS orders"); None if the POS has no such check.
        Only where ``capabilities.register_checks``."""
        ...

    async def fetch_schedule(self, *, location: LocationBinding) -> WeeklySchedule | None:
        """The location's weekly opening hours as the POS keeps them, for a POS where
        the restaurant sets its hours (Sinqro's "update your operating schedules through
        your POS"); None when it keeps none. Only where ``capabilities.opening_hours``."""
        ...


@runtime_checkable
class AnnotatesChecks(Protocol):
    """A POS whose open checks take a comment the cashier reads (Poster:
    ``transactions.changeComment``), used to tell the cashier what the hub cannot do."""

    async def annotate_check(
        self, pos_check_id: str, *, location: LocationBinding, text: str
    ) -> None:
        """Add ``text`` to the check's comment, keeping what the comment already says."""
        ...


@runtime_checkable
class KeepsProductExtras(Protocol):
    """A POS that can keep other systems' ids on its products (Poster's product extras,
    ``application.setEntityExtras``). ``write_product_extras`` writes each item's refs
    other than the POS's own; it answers how many products were written (0 when the
    connection is not set to write them)."""

    async def write_product_extras(self, items: Iterable[Item]) -> int: ...
