"""The ports: what the services need from the outside world, as ``typing.Protocol``s.

POS connectors satisfy ``PosSystem`` (tests with a small hand-written fake). A channel
connector (Wix) is driven by its own jobs, wired in ``bootstrap_wix``: what a channel
offers differs too much between channels for one port to say it usefully. Wire types
never cross a port: connectors take and return domain objects and the few plain
records below. Failures cross as the two exceptions of
``TransientError`` (retry later) and ``PermanentError`` (stop; a person must fix
something), defined here so that services and connectors share them; the worker in
``orderbridge.messaging`` decides retries from the class alone.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

from orderbridge.domain.locations import Location, WeeklySchedule
from orderbridge.domain.menu import Item, Menu
from orderbridge.domain.orders import Order
from orderbridge.domain.register_checks import RegisterCheck
from orderbridge.domain.reservations import Reservation
from orderbridge.matching import ChannelMenu, ItemMapping


class TransientError(Exception):
    """A failure that may go away by itself; retry later.

    ``retry_after`` is the remote system's hint in seconds (an HTTP ``Retry-After``
    header, a rate-limit reset); the next try waits at least that long.

    >>> raise TransientError("Poster answered 503", retry_after=30)
    Traceback (most recent call last):
    orderbridge.ports.TransientError: Poster answered 503
    """

    def __init__(self, message: str = "transient failure", *, retry_after: float | None = None):
        super().__init__(message)
        if retry_after is not None and retry_after < 0:
            raise ValueError("retry_after must not be negative")
        self.retry_after = retry_after


class PermanentError(Exception):
    """A failure that retrying cannot fix; stop at once and ask an operator.

    ``code`` is machine-readable (``unknown_product``, ``invalid_token``), ``reason`` is
    what the operator reads in the dashboard.

    >>> str(PermanentError("unknown_product", "product 42 is not on the menu"))
    'unknown_product: product 42 is not on the menu'
    """

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


class DuplicateKey(Exception):
    """Another transaction stored the same order (same channel id or idempotency key) at
    the same moment. Start over in a new unit of work: the lookup will find it now."""


Clock = Callable[[], datetime]
"""Now, timezone-aware. Services take one so tests can fix time."""


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
class KeepsProductExtras(Protocol):
    """A POS that can keep other systems' ids on its products (Poster's product extras,
    ``application.setEntityExtras``). ``write_product_extras`` writes each item's refs
    other than the POS's own; it answers how many products were written (0 when the
    connection is not set to write them)."""

    async def write_product_extras(self, items: Iterable[Item]) -> int: ...


# Storage ---------------------------------------------------------------------------


@dataclass(frozen=True)
class StoredOrder:
    """An order as stored, with the bookkeeping that is not part of the aggregate."""

    order: Order
    tenant_id: str
    request_hash: str
    idempotency_key: str | None
    pos_connection_id: str | None
    pos_order_id: str | None
    pos_check_id: str | None
    updated_at: datetime
    # The owner id of the API key that placed it (None: another channel).
    placed_by: str | None = None


@dataclass(frozen=True)
class OrderFingerprint:
    """Which stored order one of an order's keys names, and the hash of the request that
    placed it: enough to tell a repeat from a conflict without reading the order."""

    order_id: str
    request_hash: str
    placed_by: str | None = None


@dataclass(frozen=True)
class Job:
    """An outbox job as a service asks for it (``UnitOfWork.enqueue`` tells the fields)."""

    kind: str
    payload: dict[str, object]
    key: str | None = None
    connection_id: str | None = None


@dataclass(frozen=True)
class StoredReservation:
    reservation: Reservation
    tenant_id: str
    request_hash: str
    pos_connection_id: str | None
    pos_reservation_id: str | None
    updated_at: datetime
    placed_by: str | None = None


@dataclass(frozen=True)
class LocationRecord:
    """A location with its tenant and ordering policy."""

    location: Location
    tenant_id: str
    price_policy: str  # "menu" | "strict"


@dataclass(frozen=True)
class ConnectionRecord:
    """A connection with its credentials decrypted, for the connector registry."""

    id: str
    tenant_id: str
    kind: str
    role: str
    name: str
    settings: dict[str, object]
    credentials: dict[str, object]
    external_account: str | None
    status: str
    status_reason: str = ""


@dataclass(frozen=True)
class EndpointRecord:
    """A storefront webhook endpoint with its live signing secrets."""

    id: str
    tenant_id: str
    url: str
    events: tuple[str, ...]
    secrets: tuple[str, ...]


class MappingStore(Protocol):
    """Channels' own menus and their item mappings, inside a unit of work.

    ``channel`` is ``storefront`` or a channel connection's id. Mappings of items that
    left the channel menu are kept (a person's decision outlives a menu change).
    """

    def channel_menu(self, location_id: str, channel: str) -> ChannelMenu | None: ...

    def channel_menus(self, location_id: str) -> Sequence[ChannelMenu]: ...

    def channel_document(self, location_id: str, channel: str) -> dict[str, object] | None:
        """The channel menu's items as they were uploaded."""
        ...

    def save_channel_menu(
        self,
        menu: ChannelMenu,
        *,
        tenant_id: str,
        document: dict[str, object],
        now: datetime,
    ) -> None: ...

    def mappings(self, location_id: str, channel: str) -> dict[str, ItemMapping]: ...

    def mapping(
        self, location_id: str, channel: str, channel_item_id: str
    ) -> ItemMapping | None: ...

    def save_mappings(
        self,
        location_id: str,
        channel: str,
        mappings: Sequence[ItemMapping],
        *,
        tenant_id: str,
        now: datetime,
        decided_by: str | None = None,
    ) -> None: ...

    def auto_threshold(self, tenant_id: str) -> float: ...

    def set_auto_threshold(self, tenant_id: str, value: float, *, now: datetime) -> None: ...


class UnitOfWork(Protocol):
    """One database transaction: read, change, enqueue, then ``commit`` — or nothing.

    Leaving the ``with`` block without ``commit()`` rolls everything back, so a failure
    half-way never leaves a half-written order or an orphan outbox job.
    """

    def __enter__(self) -> UnitOfWork: ...

    def __exit__(self, *exc: object) -> None: ...

    def commit(self) -> None: ...

    # Orders
    def get_order(self, order_id: str, *, tenant_id: str | None = None) -> StoredOrder | None: ...

    def find_order(
        self, tenant_id: str, channel: str, channel_order_id: str
    ) -> StoredOrder | None: ...

    def find_order_by_pos(self, connection_id: str, pos_order_id: str) -> StoredOrder | None: ...

    def find_order_by_check(self, connection_id: str, pos_check_id: str) -> StoredOrder | None:
        """The order whose POS check (a Poster transaction) is ``pos_check_id``."""
        ...

    def find_order_by_idempotency_key(self, tenant_id: str, key: str) -> StoredOrder | None: ...

    def order_fingerprint(
        self, tenant_id: str, channel: str, channel_order_id: str
    ) -> OrderFingerprint | None:
        """Like ``find_order``, without reading the order itself."""
        ...

    def order_fingerprint_by_idempotency_key(
        self, tenant_id: str, key: str
    ) -> OrderFingerprint | None:
        """Like ``find_order_by_idempotency_key``, without reading the order itself."""
        ...

    def add_order(
        self,
        order: Order,
        *,
        tenant_id: str,
        request_hash: str,
        idempotency_key: str | None = None,
        placed_by: str | None = None,
    ) -> StoredOrder:
        """Store a new order with its timeline; answer it as stored (no read back).

        Raises ``DuplicateKey`` when a concurrent transaction stored the same keys."""
        ...

    def save_order(
        self,
        order: Order,
        *,
        pos_connection_id: str | None = None,
        pos_order_id: str | None = None,
        pos_check_id: str | None = None,
    ) -> None:
        """Persist status, refs and POS ids, and append the timeline entries not yet stored."""
        ...

    def orders_to_reconcile(self, *, updated_before: datetime, limit: int) -> Sequence[StoredOrder]:
        """Orders sent to a POS and not final, least recently updated first."""
        ...

    # Reservations
    def get_reservation(
        self, reservation_id: str, *, tenant_id: str | None = None
    ) -> StoredReservation | None: ...

    def find_reservation(
        self, tenant_id: str, channel: str, channel_reservation_id: str
    ) -> StoredReservation | None: ...

    def find_reservation_by_pos(
        self, connection_id: str, pos_reservation_id: str
    ) -> StoredReservation | None: ...

    def add_reservation(
        self,
        reservation: Reservation,
        *,
        tenant_id: str,
        request_hash: str,
        placed_by: str | None = None,
    ) -> None: ...

    def save_reservation(
        self,
        reservation: Reservation,
        *,
        pos_connection_id: str | None = None,
        pos_reservation_id: str | None = None,
    ) -> None: ...

    def reservations_to_reconcile(
        self, *, updated_before: datetime, limit: int
    ) -> Sequence[StoredReservation]: ...

    # Locations, menus, connections
    def get_location(
        self, location_id: str, *, tenant_id: str | None = None
    ) -> LocationRecord | None: ...

    def list_locations(self, tenant_id: str) -> Sequence[LocationRecord]: ...

    def save_location(self, location: Location) -> None: ...

    def pos_binding(self, location_id: str) -> tuple[ConnectionRecord, LocationBinding] | None:
        """The POS connection serving a location, and the location's place there."""
        ...

    def pos_connection_id(self, location_id: str) -> str | None:
        """The id of ``pos_binding``'s connection, without reading its credentials."""
        ...

    def locations_of_connection(self, connection_id: str) -> Sequence[LocationBinding]: ...

    def channel_connections(self, location_id: str) -> Sequence[ConnectionRecord]:
        """The channel connections (Wix …) linked to a location."""
        ...

    def get_menu(self, location_id: str) -> Menu | None: ...

    def save_menu(self, menu: Menu, *, source_connection_id: str | None) -> None: ...

    def get_connection(self, connection_id: str) -> ConnectionRecord | None: ...

    def find_connection(self, kind: str, external_account: str) -> ConnectionRecord | None: ...

    def set_connection_status(self, connection_id: str, status: str, reason: str = "") -> None: ...

    # Messaging and outbound webhooks
    def enqueue(
        self,
        kind: str,
        payload: dict[str, object],
        *,
        key: str | None = None,
        connection_id: str | None = None,
        run_after: datetime | None = None,
    ) -> int: ...

    def enqueue_many(self, jobs: Sequence[Job]) -> None:
        """``enqueue`` each job, due at once, in one statement (in list order)."""
        ...

    def is_queued(self, kind: str, key: str) -> bool:
        """Whether a job of ``kind`` and ``key`` is waiting or running."""
        ...

    def record_inbound(
        self, source: str, external_id: str, payload: dict[str, object], headers: dict[str, object]
    ) -> bool:
        """Store an inbound event; False when the same event was stored before."""
        ...

    def endpoints_for(self, tenant_id: str, event: str) -> Sequence[EndpointRecord]: ...

    def endpoint_ids_for(self, tenant_id: str, event: str) -> Sequence[str]:
        """The ids of ``endpoints_for``'s endpoints, without decrypting their secrets."""
        ...

    # Menu mapping
    @property
    def mappings(self) -> MappingStore:
        """Channels' own menus and their mappings, in this transaction."""
        ...
