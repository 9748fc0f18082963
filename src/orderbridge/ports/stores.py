"""The storage ports: the unit of work over the hub's tables, and the incident and
mapping stores it carries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Protocol

from orderbridge.domain.availability import Snooze, StockMark
from orderbridge.domain.location_options import OrderingOptions, PosFacts
from orderbridge.domain.locations import Location
from orderbridge.domain.menu import Menu
from orderbridge.domain.orders import Order
from orderbridge.domain.reservations import Reservation
from orderbridge.matching import ChannelMenu, ItemMapping
from orderbridge.ports.pos import LocationBinding
from orderbridge.ports.records import (
    ConnectionRecord,
    EndpointRecord,
    Incident,
    Job,
    LocationRecord,
    OrderFingerprint,
    OrderToSubmit,
    StoredOrder,
    StoredReservation,
    WaitingOrder,
)


class IncidentStore(Protocol):
    """Where incidents are kept and their alerts queued: what ``raise_incident`` and
    ``clear_incident`` need. A unit of work is one; so is
    ``orderbridge.storage.incidents.SessionIncidents`` over a bare session."""

    def open_incident(
        self,
        *,
        tenant_id: str,
        kind: str,
        subject_id: str,
        detail: str,
        data: Mapping[str, str],
        now: datetime,
    ) -> Incident | None:
        """Open the incident; ``None`` when one is open already for (tenant, kind,
        subject), whose detail and data are then refreshed."""
        ...

    def close_incidents(
        self,
        *,
        kind: str,
        subject_ids: Sequence[str],
        now: datetime,
        tenant_id: str | None = None,
    ) -> Sequence[Incident]:
        """Clear the open incidents of ``kind`` about ``subject_ids``; return those cleared."""
        ...

    def alert_destination_ids_for(self, tenant_id: str, kind: str) -> Sequence[str]:
        """The ids of the tenant's alert destinations that want ``kind``."""
        ...

    def enqueue_many(self, jobs: Sequence[Job]) -> None: ...


class IncidentWatch(IncidentStore, Protocol):
    """The reads of the periodic incident scan (``services.watch``)."""

    def open_incidents(
        self, *, kind: str, limit: int, tenant_id: str | None = None
    ) -> Sequence[Incident]:
        """Open incidents of ``kind``, oldest first."""
        ...

    def waiting_orders(self, *, since_before: datetime, limit: int) -> Sequence[WaitingOrder]:
        """Orders received or submitted (not yet accepted) since before ``since_before``
        that have no open ``order.stuck`` incident, oldest first."""
        ...

    def statuses(self, subject_kind: str, ids: Sequence[str]) -> Mapping[str, str]:
        """Current status by id of orders, reservations, connections or outbox jobs
        (``subject_kind`` ``order`` | ``reservation`` | ``connection`` | ``job``);
        unknown ids are left out."""
        ...

    def connections_needing_reauth(self) -> Sequence[tuple[str, str, str]]:
        """``(connection id, tenant id, reason)`` of every connection parked as
        ``needs_reauth``."""
        ...

    def tenant_of_job(self, key: str | None, connection_id: str | None) -> str | None:
        """The tenant an outbox job belongs to (through its connection, order,
        reservation, location or endpoint), ``None`` for hub-wide jobs."""
        ...


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


class UnitOfWork(IncidentWatch, Protocol):
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

    def order_fingerprints(
        self, tenant_id: str, channel: str, channel_order_id: str, idempotency_key: str | None
    ) -> tuple[OrderFingerprint | None, OrderFingerprint | None]:
        """Both look-ups a new order needs, in one read: the order that holds
        ``idempotency_key`` (None when no key is given), and the order with this channel
        order id — ``(order_fingerprint_by_idempotency_key, order_fingerprint)``."""
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

    def orders_to_submit(self, order_ids: Sequence[str]) -> list[OrderToSubmit | None]:
        """Each order with its location's POS connection and binding, read together
        (one per id, in order; None if not stored), for a submission that saves on
        it later (``resume_order``)."""
        ...

    def resume_order(self, read: OrderToSubmit) -> StoredOrder:
        """``read.stored``, read in an earlier transaction, as this one's read of the
        order: ``save_order`` then writes only if the order is still at
        ``read.version`` (else it raises a ``TransientError``; read it again and
        retry) and appends the timeline entries added since. Resume a read once: its
        order is changed in place."""
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

    def save_menu(
        self, menu: Menu, *, source_connection_id: str | None, pos_menu: Menu | None = None
    ) -> None:
        """Store the published ``menu``; ``pos_menu`` is the same menu as the POS gave it,
        before the hub's availability was laid over it (None: keep the one stored)."""
        ...

    def get_pos_menu(self, location_id: str) -> Menu | None:
        """The stored menu as the POS gave it (``save_menu``'s ``pos_menu``), or None."""
        ...

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

    # Ordering options, POS facts, availability (storage/uow_ops.py) ---------------
    def save_ordering_options(self, location_id: str, options: OrderingOptions) -> None: ...

    def save_pos_facts(self, location_id: str, facts: PosFacts) -> None: ...

    def locations_with_storage(self, connection_id: str, storage_id: str) -> Sequence[str]:
        """Ids of the connection's locations whose POS facts list ``storage_id``."""
        ...

    def snoozes(self, location_id: str) -> Sequence[Snooze]:
        """The location's snoozes, soonest end first (expired ones until purged)."""
        ...

    def add_snooze(self, snooze: Snooze, *, created_at: datetime) -> None: ...

    def remove_snooze(self, location_id: str, snooze_id: str) -> bool: ...

    def purge_snoozes(self, location_id: str, *, ended_by: datetime) -> int:
        """Delete the snoozes that ended by ``ended_by``; returns how many."""
        ...

    def stock_marks(self, location_id: str) -> Sequence[StockMark]: ...

    def set_stock_mark(
        self, location_id: str, mark: StockMark, *, out_of_stock: bool, at: datetime
    ) -> bool:
        """Record (or clear) an out-of-stock mark; False when nothing changed."""
        ...

    def open_order_count(self, location_id: str) -> int:
        """Orders of the location at its POS and not yet final (auto busy mode counts)."""
        ...

    # Menu mapping
    @property
    def mappings(self) -> MappingStore:
        """Channels' own menus and their mappings, in this transaction."""
        ...
