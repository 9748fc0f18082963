"""Domain events: facts, in the past tense, that other parts of the hub react to.

Aggregates append events to their ``events`` list as they change; the service layer
takes them after the change is stored and turns each into outbox jobs (push the status
to the channel, publish the menu diff, tell channels the store paused) in the same
transaction. Events carry ids and small values only, never the whole aggregate, so they
serialise cheaply and stay PII-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from orderbridge.domain.errors import require_aware


@dataclass(frozen=True, kw_only=True)
class DomainEvent:
    """Base of every event: ``at`` is when the fact became true (aware)."""

    at: datetime

    def __post_init__(self) -> None:
        require_aware(self.at, "at")

    @property
    def name(self) -> str:
        """The event's type name, e.g. ``"OrderAccepted"``, for outbox routing."""
        return type(self).__name__


# --- orders -------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class OrderEvent(DomainEvent):
    """Something happened to one order."""

    order_id: str
    location_id: str


@dataclass(frozen=True, kw_only=True)
class OrderReceived(OrderEvent):
    """A channel's order reached the hub and was stored."""

    channel: str
    channel_order_id: str


@dataclass(frozen=True, kw_only=True)
class OrderScheduled(OrderEvent):
    """The order asks for a later time; the hub holds it and sends it at ``release_at``."""

    release_at: datetime


@dataclass(frozen=True, kw_only=True)
class OrderCancelRequested(OrderEvent):
    """The channel called the order off; the POS has it and has yet to confirm."""

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderSubmitted(OrderEvent):
    """The order was created at the POS; ``pos_order_id`` is the POS's id for it."""

    pos: str
    pos_order_id: str


@dataclass(frozen=True, kw_only=True)
class OrderAccepted(OrderEvent):
    """The restaurant accepted the order at the register."""


@dataclass(frozen=True, kw_only=True)
class OrderDeclined(OrderEvent):
    """The restaurant refused the order before accepting it."""

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderCompleted(OrderEvent):
    """The order was handed over and its POS transaction closed."""


@dataclass(frozen=True, kw_only=True)
class OrderCanceled(OrderEvent):
    """The order was canceled by the restaurant, the channel or an operator."""

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderFailed(OrderEvent):
    """The order cannot go on without an operator (unknown product, validation)."""

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderReplayed(OrderEvent):
    """An operator fixed the cause of a failure and sent the order round again."""


# --- reservations -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReservationEvent(DomainEvent):
    """Something happened to one table reservation."""

    reservation_id: str
    location_id: str


@dataclass(frozen=True, kw_only=True)
class ReservationReceived(ReservationEvent):
    """A channel's reservation reached the hub and was stored."""

    channel: str
    channel_reservation_id: str


@dataclass(frozen=True, kw_only=True)
class ReservationSubmitted(ReservationEvent):
    """The reservation was created at the POS."""

    pos: str
    pos_reservation_id: str


@dataclass(frozen=True, kw_only=True)
class ReservationConfirmed(ReservationEvent):
    """The restaurant confirmed the table."""


@dataclass(frozen=True, kw_only=True)
class ReservationDeclined(ReservationEvent):
    """The restaurant could not take the reservation."""

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ReservationCancelRequested(ReservationEvent):
    """The guest called the reservation off; the POS has it and has yet to confirm."""

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ReservationCanceled(ReservationEvent):
    """The reservation was called off."""

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ReservationCompleted(ReservationEvent):
    """The guests came and the visit is over."""


@dataclass(frozen=True, kw_only=True)
class ReservationFailed(ReservationEvent):
    """The reservation cannot go on without an operator."""

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ReservationReplayed(ReservationEvent):
    """An operator sent a failed reservation round again."""


# --- menus and locations ------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class MenuChanged(DomainEvent):
    """A location's menu has a new version; the ids say what to publish to channels."""

    location_id: str
    version: str
    previous_version: str | None
    added_items: tuple[str, ...] = ()
    changed_items: tuple[str, ...] = ()
    removed_items: tuple[str, ...] = ()
    added_categories: tuple[str, ...] = ()
    changed_categories: tuple[str, ...] = ()
    removed_categories: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class LocationStatusChanged(DomainEvent):
    """A location was paused or resumed; channels must be told and read back.

    ``state`` is ``"open"`` or ``"paused"``: closing by schedule needs no event, since
    every channel already holds the schedule.
    """

    location_id: str
    state: str
    paused_until: datetime | None = None
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class LocationScheduleChanged(DomainEvent):
    """A location's opening hours or exceptions changed; channels must get the new ones."""

    location_id: str


@dataclass(frozen=True, kw_only=True)
class LocationBusyChanged(DomainEvent):
    """Busy mode started, changed or ended (``busy`` None); promised times move with it."""

    location_id: str
    busy: object | None = None  # a ``locations.Busy``; typed loosely to avoid a cycle
    reason: str = ""
