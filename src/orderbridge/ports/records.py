"""The plain records the stores hand to the services: stored orders, jobs, locations,
connections, endpoints, incidents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from orderbridge.domain.location_options import OrderingOptions, PosFacts
from orderbridge.domain.locations import Location
from orderbridge.domain.orders import Order
from orderbridge.domain.reservations import Reservation
from orderbridge.ports.pos import LocationBinding


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
class OrderToSubmit:
    """An order read for its submission to the POS, kept for the save after the call.

    The worker reads the order (and its location's POS) before the POS call, in a read
    transaction (shared by the jobs it starts together), and records the POS's answer
    in a later write transaction.
    Reading the order again there would cost a second read of every order;
    ``UnitOfWork.resume_order`` takes this read instead, and ``version`` keeps the
    optimistic check exact: the save writes only if the order is still at it (a
    cancel that arrived during the call makes it raise a ``TransientError``).
    """

    stored: StoredOrder
    # The location's POS connection and binding; None: the location has none.
    binding: tuple[ConnectionRecord, LocationBinding] | None
    version: int
    # How many of ``stored.order.timeline``'s entries were stored when it was read.
    stored_entries: int


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
    options: OrderingOptions = field(default_factory=OrderingOptions)
    facts: PosFacts = field(default_factory=PosFacts)


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


@dataclass(frozen=True)
class Incident:
    """Something an operator must know of, open until it clears (``services.incidents``).

    ``subject_id`` is what it is about (an order, a connection, a job id); ``data`` holds
    ids that help find it (``order_id``, ``connection_id``, ``location_id`` …), never
    personal data.
    """

    id: str
    tenant_id: str
    kind: str
    subject_id: str
    status: str  # open | cleared
    detail: str
    data: Mapping[str, str]
    opened_at: datetime
    cleared_at: datetime | None = None


@dataclass(frozen=True)
class WaitingOrder:
    """An order the POS has not accepted yet, for the ``order.stuck`` watch.

    ``since`` is when it last entered ``received`` (placed, or replayed by an operator).
    """

    order_id: str
    tenant_id: str
    location_id: str
    channel_order_id: str
    status: str
    since: datetime
    stuck_after_minutes: int
