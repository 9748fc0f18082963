"""Domain events: facts, in the past tense, that other parts of the hub react to.

Orders and reservations append an event to their ``events`` list for every move they
apply; ``services.notify`` takes them (``order_event_jobs``, ``reservation_event``) and
turns each whose class names a storefront status (``status``) into outbox jobs — a
webhook per subscribed endpoint, a job for the channel the order came from — in the
transaction that stores the move. A menu import announces its :class:`MenuChanged`
(``MenuDiff.as_event``) the same way. Locations record theirs too, but their
announcement says the status at the moment (a schedule can close a paused location),
so ``services.locations`` reads the status, not the events. Events carry ids and small
values only, never the whole aggregate, so they serialise cheaply and stay PII-free.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

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
    """Something happened to one order.

    ``status`` is the order status the event moves it to, as storefronts name it
    (``order.<status>`` webhooks); None for events that announce no new status.
    """

    status: ClassVar[str | None] = None
    order_id: str
    location_id: str


@dataclass(frozen=True, kw_only=True)
class OrderReceived(OrderEvent):
    """A channel's order reached the hub and was stored."""

    status: ClassVar[str | None] = "received"

    channel: str
    channel_order_id: str


@dataclass(frozen=True, kw_only=True)
class OrderScheduled(OrderEvent):
    """The order asks for a later time; the hub holds it and sends it at ``release_at``."""

    status: ClassVar[str | None] = "scheduled"
    release_at: datetime


@dataclass(frozen=True, kw_only=True)
class OrderCancelRequested(OrderEvent):
    """The channel called the order off; the POS has it and has yet to confirm."""

    status: ClassVar[str | None] = "cancel_requested"
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderSubmitted(OrderEvent):
    """The order was created at the POS; ``pos_order_id`` is the POS's id for it."""

    status: ClassVar[str | None] = "submitted"

    pos: str
    pos_order_id: str


@dataclass(frozen=True, kw_only=True)
class OrderAccepted(OrderEvent):
    """The restaurant accepted the order at the register."""

    status: ClassVar[str | None] = "accepted"


@dataclass(frozen=True, kw_only=True)
class OrderDeclined(OrderEvent):
    """The restaurant refused the order before accepting it."""

    status: ClassVar[str | None] = "declined"

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderCompleted(OrderEvent):
    """The order was handed over and its POS transaction closed."""

    status: ClassVar[str | None] = "completed"


@dataclass(frozen=True, kw_only=True)
class OrderCanceled(OrderEvent):
    """The order was canceled by the restaurant, the channel or an operator."""

    status: ClassVar[str | None] = "canceled"

    reason: str = ""


def failure_detail(code: str, reason: str) -> str:
    """How a failure reads for people: ``code: reason``, the code said once (a reason
    that starts with its code already, ``unknown_item at items[0] …``, reads as it is)."""
    if not code or reason == code or reason.startswith((f"{code} ", f"{code}:")):
        return reason
    return f"{code}: {reason}"


@dataclass(frozen=True, kw_only=True)
class OrderFailed(OrderEvent):
    """The order cannot go on without an operator (unknown product, validation).

    ``reason`` is for people; ``code`` for programs (``unknown_product``,
    ``pos_unavailable``, ``reauth_required`` …), empty when there is none."""

    status: ClassVar[str | None] = "failed"

    reason: str = ""
    code: str = ""


@dataclass(frozen=True, kw_only=True)
class OrderReplayed(OrderEvent):
    """An operator fixed the cause of a failure and sent the order round again."""


# --- reservations -------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ReservationEvent(DomainEvent):
    """Something happened to one table reservation (``status`` as for orders)."""

    status: ClassVar[str | None] = None
    reservation_id: str
    location_id: str


@dataclass(frozen=True, kw_only=True)
class ReservationReceived(ReservationEvent):
    """A channel's reservation reached the hub and was stored."""

    status: ClassVar[str | None] = "received"

    channel: str
    channel_reservation_id: str


@dataclass(frozen=True, kw_only=True)
class ReservationSubmitted(ReservationEvent):
    """The reservation was created at the POS."""

    status: ClassVar[str | None] = "submitted"

    pos: str
    pos_reservation_id: str


@dataclass(frozen=True, kw_only=True)
class ReservationConfirmed(ReservationEvent):
    """The restaurant confirmed the table."""

    status: ClassVar[str | None] = "confirmed"


@dataclass(frozen=True, kw_only=True)
class ReservationDeclined(ReservationEvent):
    """The restaurant could not take the reservation."""

    status: ClassVar[str | None] = "declined"

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ReservationCancelRequested(ReservationEvent):
    """The guest called the reservation off; the POS has it and has yet to confirm."""

    status: ClassVar[str | None] = "cancel_requested"
    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ReservationCanceled(ReservationEvent):
    """The reservation was called off."""

    status: ClassVar[str | None] = "canceled"

    reason: str = ""


@dataclass(frozen=True, kw_only=True)
class ReservationCompleted(ReservationEvent):
    """The guests came and the visit is over."""

    status: ClassVar[str | None] = "completed"


@dataclass(frozen=True, kw_only=True)
class ReservationFailed(ReservationEvent):
    """The reservation cannot go on without an operator (``reason``, ``code`` as for
    :class:`OrderFailed`)."""

    status: ClassVar[str | None] = "failed"

    reason: str = ""
    code: str = ""


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
