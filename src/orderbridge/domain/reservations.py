"""The table reservation aggregate; it travels the same path as an order.

::

    received ──► submitted ──► confirmed ──► completed
       │             ├──► declined └──► canceled
       └──► failed (an operator fixes the cause, then replays it to received)
    submitted / confirmed ──► cancel_requested ──► canceled | declined | completed
    any non-final status ──► canceled

``cancel_requested``, as for orders: the guest called it off, the POS has it and has
not confirmed (Poster cannot cancel a reservation by API; a person must).

The same forward-only rule applies: a repeated, late or impossible move changes
nothing and is kept in the timeline as ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from orderbridge.domain import events as ev
from orderbridge.domain.customers import Customer
from orderbridge.domain.errors import InvalidValueError, require_aware
from orderbridge.domain.lifecycle import Lifecycle, TimelineEntry, Tracked, TransitionOutcome

MIN_GUESTS = 1
MAX_GUESTS = 100
MAX_DURATION = timedelta(hours=24)
"""A booking longer than a day is a typo for minutes or a private event, not a table."""


class ReservationStatus(StrEnum):
    """Where a reservation is in its lifecycle."""

    RECEIVED = "received"
    SUBMITTED = "submitted"
    CONFIRMED = "confirmed"
    CANCEL_REQUESTED = "cancel_requested"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELED = "canceled"
    FAILED = "failed"


_S = ReservationStatus
RESERVATION_LIFECYCLE: Lifecycle[ReservationStatus] = Lifecycle(
    forward={
        _S.RECEIVED: frozenset({_S.SUBMITTED, _S.FAILED, _S.CANCELED}),
        _S.SUBMITTED: frozenset({_S.CONFIRMED, _S.DECLINED, _S.CANCELED, _S.CANCEL_REQUESTED}),
        _S.CONFIRMED: frozenset({_S.COMPLETED, _S.CANCELED, _S.CANCEL_REQUESTED}),
        _S.CANCEL_REQUESTED: frozenset({_S.CANCELED, _S.DECLINED, _S.COMPLETED}),
        _S.FAILED: frozenset({_S.CANCELED}),
    },
    replays={_S.FAILED: frozenset({_S.RECEIVED})},
    final=frozenset({_S.DECLINED, _S.COMPLETED, _S.CANCELED}),
)


@dataclass(frozen=True, slots=True)
class ReservationKey:
    """The idempotency key of a reservation: channel and the channel's reservation id."""

    channel: str
    channel_reservation_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.channel_reservation_id}"


class Reservation(Tracked[ReservationStatus, ev.ReservationEvent]):
    """A table booked for a number of guests at a time, for a duration.

    Create a new one with :meth:`receive`; the constructor rebuilds a stored one. The
    status verbs mirror :class:`~orderbridge.domain.orders.Order`'s, with ``confirm``
    in place of ``accept``.
    """

    kind = "reservation"

    def __init__(
        self,
        *,
        id: str,
        key: ReservationKey,
        location_id: str,
        time: datetime,
        duration: timedelta,
        guests: int,
        customer: Customer,
        created_at: datetime,
        table: str | None = None,
        note: str = "",
        status: ReservationStatus = ReservationStatus.RECEIVED,
        timeline: Sequence[TimelineEntry] = (),
        external_refs: dict[str, str] | None = None,
    ) -> None:
        super().__init__(RESERVATION_LIFECYCLE, status, list(timeline))
        if not MIN_GUESTS <= guests <= MAX_GUESTS:
            raise InvalidValueError(
                f"guests must be {MIN_GUESTS}..{MAX_GUESTS}",
                field="guests",
                code="quantity_out_of_range",
            )
        if not timedelta(0) < duration <= MAX_DURATION:
            raise InvalidValueError("duration must be positive and at most a day", field="duration")
        self.id = id
        self.key = key
        self.location_id = location_id
        self.time = require_aware(time, "time")
        self.duration = duration
        self.guests = guests
        self.customer = customer
        self.table = table
        self.note = note
        self.created_at = require_aware(created_at, "created_at")
        self.external_refs: dict[str, str] = dict(external_refs or {})
        self.events: list[ev.DomainEvent] = []

    @classmethod
    def receive(
        cls,
        *,
        id: str,
        key: ReservationKey,
        location_id: str,
        time: datetime,
        duration: timedelta,
        guests: int,
        customer: Customer,
        at: datetime,
        table: str | None = None,
        note: str = "",
    ) -> Reservation:
        """A new reservation from a channel: ``received``, with one timeline entry."""
        reservation = cls(
            id=id,
            key=key,
            location_id=location_id,
            time=time,
            duration=duration,
            guests=guests,
            customer=customer,
            created_at=at,
            table=table,
            note=note,
        )
        reservation.record(at, "reservation.received", f"from {key.channel}")
        reservation.events.append(
            ev.ReservationReceived(
                at=at,
                reservation_id=id,
                location_id=location_id,
                channel=key.channel,
                channel_reservation_id=key.channel_reservation_id,
            )
        )
        return reservation

    @property
    def ends_at(self) -> datetime:
        """When the table is free again."""
        return self.time + self.duration

    def submit(self, at: datetime, *, pos: str, pos_reservation_id: str) -> TransitionOutcome:
        """The POS created the reservation; remember its id there."""
        outcome = self._move(
            ReservationStatus.SUBMITTED, at, f"{pos} reservation {pos_reservation_id}"
        )
        if outcome.applied:
            self.external_refs[pos] = pos_reservation_id
            self._emit(ev.ReservationSubmitted, at, pos=pos, pos_reservation_id=pos_reservation_id)
        return outcome

    def confirm(self, at: datetime, detail: str = "") -> TransitionOutcome:
        """The restaurant confirmed the table."""
        return self._go(ReservationStatus.CONFIRMED, at, detail, ev.ReservationConfirmed)

    def decline(self, at: datetime, reason: str = "") -> TransitionOutcome:
        """The restaurant could not take the reservation."""
        return self._go(
            ReservationStatus.DECLINED, at, reason, ev.ReservationDeclined, reason=reason
        )

    def complete(self, at: datetime, detail: str = "") -> TransitionOutcome:
        """The guests came and left."""
        return self._go(ReservationStatus.COMPLETED, at, detail, ev.ReservationCompleted)

    def request_cancel(self, at: datetime, reason: str = "") -> TransitionOutcome:
        """The guest called off a reservation the POS has; the POS has yet to confirm."""
        return self._go(
            ReservationStatus.CANCEL_REQUESTED,
            at,
            reason,
            ev.ReservationCancelRequested,
            reason=reason,
        )

    def cancel(self, at: datetime, reason: str = "") -> TransitionOutcome:
        """The reservation is called off; allowed from any status that is not final."""
        return self._go(
            ReservationStatus.CANCELED, at, reason, ev.ReservationCanceled, reason=reason
        )

    def fail(self, at: datetime, reason: str, *, code: str = "") -> TransitionOutcome:
        """The reservation cannot reach the POS without an operator's fix; the timeline
        reads ``code: reason``."""
        detail = ev.failure_detail(code, reason)
        return self._go(
            ReservationStatus.FAILED, at, detail, ev.ReservationFailed, reason=reason, code=code
        )

    def replay(self, at: datetime, detail: str = "") -> TransitionOutcome:
        """An operator fixed a failure: back to ``received`` to be sent again."""
        return self._go(ReservationStatus.RECEIVED, at, detail, ev.ReservationReplayed, replay=True)

    def _emit(self, event: type[ev.ReservationEvent], at: datetime, **extra: str) -> None:
        self.events.append(
            event(at=at, reservation_id=self.id, location_id=self.location_id, **extra)
        )
