from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from orderbridge.domain import events as ev
from orderbridge.domain.errors import InvalidValueError, NaiveDatetimeError
from orderbridge.domain.lifecycle import IgnoredReason, TransitionOutcome
from orderbridge.domain.reservations import (
    MAX_GUESTS,
    Reservation,
    ReservationKey,
    ReservationStatus,
)

from .cafe import LOCATION_ID, NOW, customer

S = ReservationStatus
LATER = NOW + timedelta(minutes=5)
DINNER = NOW + timedelta(days=1, hours=8)

VERBS: dict[S, Callable[[Reservation], TransitionOutcome]] = {
    S.SUBMITTED: lambda r: r.submit(LATER, pos="poster", pos_reservation_id="r-9"),
    S.CONFIRMED: lambda r: r.confirm(LATER),
    S.DECLINED: lambda r: r.decline(LATER, "fully booked"),
    S.COMPLETED: lambda r: r.complete(LATER),
    S.CANCELED: lambda r: r.cancel(LATER, "guest called"),
    S.FAILED: lambda r: r.fail(LATER, "unknown table"),
    S.RECEIVED: lambda r: r.replay(LATER),
    S.CANCEL_REQUESTED: lambda r: r.request_cancel(LATER, "plans changed"),
}

EXPECTED: dict[S, dict[S, IgnoredReason | None]] = {
    S.RECEIVED: {
        S.CANCEL_REQUESTED: IgnoredReason.NOT_ALLOWED,
        S.SUBMITTED: None,
        S.CONFIRMED: IgnoredReason.NOT_ALLOWED,
        S.DECLINED: IgnoredReason.NOT_ALLOWED,
        S.COMPLETED: IgnoredReason.NOT_ALLOWED,
        S.CANCELED: None,
        S.FAILED: None,
        S.RECEIVED: IgnoredReason.DUPLICATE,
    },
    S.SUBMITTED: {
        S.CANCEL_REQUESTED: None,
        S.SUBMITTED: IgnoredReason.DUPLICATE,
        S.CONFIRMED: None,
        S.DECLINED: None,
        S.COMPLETED: IgnoredReason.NOT_ALLOWED,
        S.CANCELED: None,
        S.FAILED: IgnoredReason.NOT_ALLOWED,
        S.RECEIVED: IgnoredReason.OUT_OF_ORDER,
    },
    S.CONFIRMED: {
        S.CANCEL_REQUESTED: None,
        S.SUBMITTED: IgnoredReason.OUT_OF_ORDER,
        S.CONFIRMED: IgnoredReason.DUPLICATE,
        S.DECLINED: IgnoredReason.NOT_ALLOWED,
        S.COMPLETED: None,
        S.CANCELED: None,
        S.FAILED: IgnoredReason.NOT_ALLOWED,
        S.RECEIVED: IgnoredReason.OUT_OF_ORDER,
    },
    S.CANCEL_REQUESTED: {
        S.CANCEL_REQUESTED: IgnoredReason.DUPLICATE,
        S.SUBMITTED: IgnoredReason.OUT_OF_ORDER,
        S.CONFIRMED: IgnoredReason.OUT_OF_ORDER,
        S.DECLINED: None,
        S.COMPLETED: None,
        S.CANCELED: None,
        S.FAILED: IgnoredReason.NOT_ALLOWED,
        S.RECEIVED: IgnoredReason.OUT_OF_ORDER,
    },
    S.FAILED: {
        S.CANCEL_REQUESTED: IgnoredReason.NOT_ALLOWED,
        S.SUBMITTED: IgnoredReason.NOT_ALLOWED,
        S.CONFIRMED: IgnoredReason.NOT_ALLOWED,
        S.DECLINED: IgnoredReason.NOT_ALLOWED,
        S.COMPLETED: IgnoredReason.NOT_ALLOWED,
        S.CANCELED: None,
        S.FAILED: IgnoredReason.DUPLICATE,
        S.RECEIVED: None,
    },
    **{
        final: {
            target: IgnoredReason.DUPLICATE if target == final else IgnoredReason.FINAL
            for target in S
        }
        for final in (S.DECLINED, S.COMPLETED, S.CANCELED)
    },
}

CASES = [(start, target, why) for start, row in EXPECTED.items() for target, why in row.items()]


def booking(status: S = S.RECEIVED, **changes: object) -> Reservation:
    fields: dict[str, object] = {
        "id": "res-1",
        "key": ReservationKey("storefront", "book-7"),
        "location_id": LOCATION_ID,
        "time": DINNER,
        "duration": timedelta(hours=2),
        "guests": 4,
        "customer": customer(),
        "created_at": NOW,
        "status": status,
    }
    fields.update(changes)
    return Reservation(**fields)  # type: ignore[arg-type]


def test_the_expected_table_covers_every_pair() -> None:
    assert len(CASES) == len(S) * len(S)


@pytest.mark.parametrize(("start", "target", "reason"), CASES)
def test_every_transition_is_applied_or_ignored_and_recorded(
    start: S, target: S, reason: IgnoredReason | None
) -> None:
    subject = booking(start)

    outcome = VERBS[target](subject)

    entry = subject.timeline[-1]
    if reason is None:
        assert outcome.applied
        assert (subject.status, entry.status) == (target, target)
        assert entry.event in {f"reservation.{target}", "reservation.replayed"}
        assert len(subject.events) == 1
    else:
        assert outcome == TransitionOutcome(applied=False, reason=reason)
        assert (subject.status, entry.status) == (start, start)
        assert entry.event == f"reservation.{target}.ignored"
        assert subject.events == []


def test_receive_then_confirm_and_complete() -> None:
    subject = Reservation.receive(
        id="res-2",
        key=ReservationKey("wix", "wb-1"),
        location_id=LOCATION_ID,
        time=DINNER,
        duration=timedelta(minutes=90),
        guests=2,
        customer=customer(),
        at=NOW,
        table="7",
    )
    subject.submit(NOW, pos="poster", pos_reservation_id="555")
    subject.confirm(LATER)
    subject.complete(DINNER + timedelta(minutes=90))

    assert subject.status is S.COMPLETED
    assert subject.external_refs == {"poster": "555"}
    assert subject.ends_at == DINNER + timedelta(minutes=90)
    assert [e.name for e in subject.events] == [
        "ReservationReceived",
        "ReservationSubmitted",
        "ReservationConfirmed",
        "ReservationCompleted",
    ]
    assert subject.events[0] == ev.ReservationReceived(
        at=NOW,
        reservation_id="res-2",
        location_id=LOCATION_ID,
        channel="wix",
        channel_reservation_id="wb-1",
    )
    assert [e.event for e in subject.timeline] == [
        "reservation.received",
        "reservation.submitted",
        "reservation.confirmed",
        "reservation.completed",
    ]


def test_a_duplicate_confirmation_is_recorded_and_ignored() -> None:
    subject = booking(S.SUBMITTED)
    subject.confirm(NOW)
    subject.confirm(LATER)
    assert [e.event for e in subject.timeline] == [
        "reservation.confirmed",
        "reservation.confirmed.ignored",
    ]
    assert len(subject.events) == 1


def test_failed_reservation_can_be_replayed() -> None:
    subject = booking()
    subject.fail(NOW, "no such table")
    subject.replay(LATER)
    assert subject.status is S.RECEIVED
    assert [type(e) for e in subject.events] == [ev.ReservationFailed, ev.ReservationReplayed]


@pytest.mark.parametrize("guests", [0, -1, MAX_GUESTS + 1])
def test_guests_must_be_in_range(guests: int) -> None:
    with pytest.raises(InvalidValueError) as caught:
        booking(guests=guests)
    assert (caught.value.code, caught.value.field) == ("quantity_out_of_range", "guests")


@pytest.mark.parametrize("duration", [timedelta(0), timedelta(minutes=-30), timedelta(hours=25)])
def test_duration_must_be_positive_and_at_most_a_day(duration: timedelta) -> None:
    with pytest.raises(InvalidValueError) as caught:
        booking(duration=duration)
    assert caught.value.field == "duration"


def test_reservation_time_must_be_aware() -> None:
    with pytest.raises(NaiveDatetimeError):
        booking(time=datetime(2026, 11, 23, 19, 0))


def test_the_key_reads_channel_then_id() -> None:
    assert str(ReservationKey("storefront", "book-7")) == "storefront:book-7"
