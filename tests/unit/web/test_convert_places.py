"""Locations and reservations between the wire and the domain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.locations import LocationState
from orderbridge.domain.reservations import ReservationKey, ReservationStatus
from orderbridge.web.convert import (
    apply_location_status,
    location_to_out,
    reservation_in_to_reservation,
    reservation_to_out,
)
from orderbridge.web.schemas import LocationsOut, LocationStatusIn, ReservationIn
from tests.unit.domain.cafe import LOCATION_ID, NOW, kyiv_location, weekdays_9_to_18
from tests.unit.web.bodies import reservation_body

SATURDAY_NIGHT = datetime(2026, 11, 21, 22, 0, tzinfo=UTC)


def test_an_open_location_reads_as_designs_shape() -> None:
    location = kyiv_location()
    listing = LocationsOut(locations=[location_to_out(location, location.status_at(NOW))])
    assert listing.model_dump(mode="json") == {
        "locations": [
            {
                "id": LOCATION_ID,
                "name": "Podil",
                "status": "open",
                "paused_until": None,
                "timezone": "Europe/Kyiv",
                "currency": "UAH",
                "opens_at": None,
                "hours": None,
                "next_open_at": None,
                "next_close_at": None,
                "busy": None,
                "prep_minutes": None,
            }
        ]
    }


def test_a_paused_location_says_until_when() -> None:
    location = kyiv_location()
    until = NOW + timedelta(hours=1)
    location.pause(NOW, reason="kitchen full", until=until)
    out = location_to_out(location, location.status_at(NOW))
    assert (out.status, out.paused_until) == (LocationState.PAUSED, until)


def test_a_closed_location_says_when_it_opens() -> None:
    location = kyiv_location(weekdays_9_to_18())
    out = location_to_out(location, location.status_at(SATURDAY_NIGHT))
    assert out.status is LocationState.CLOSED
    assert out.opens_at is not None and out.opens_at.weekday() == 0


def test_pause_and_resume_commands_reach_the_location() -> None:
    location = kyiv_location()
    until = NOW + timedelta(hours=2)
    pause = LocationStatusIn(action="pause", until=until, reason="private event")
    assert apply_location_status(location, pause, at=NOW) is True
    assert location.status_at(NOW).reason == "private event"
    resume = LocationStatusIn(action="resume")
    assert apply_location_status(location, resume, at=NOW) is True
    assert location.status_at(NOW).state is LocationState.OPEN
    assert apply_location_status(location, resume, at=NOW) is False


def test_a_pause_ending_in_the_past_is_reported_at_the_bodys_field() -> None:
    command = LocationStatusIn(action="pause", until=NOW - timedelta(minutes=1))
    with pytest.raises(InvalidValueError) as caught:
        apply_location_status(kyiv_location(), command, at=NOW)
    assert caught.value.field == "until"


def received_reservation(**overrides: object) -> ReservationIn:
    return ReservationIn.model_validate(reservation_body(**overrides))


def test_a_reservation_body_becomes_a_received_reservation() -> None:
    reservation = reservation_in_to_reservation(
        received_reservation(table_id="t5"), channel="storefront", id="res-1", at=NOW
    )
    assert reservation.status is ReservationStatus.RECEIVED
    assert reservation.key == ReservationKey("storefront", "res-77")
    assert reservation.time == datetime(2026, 11, 22, 17, 30, tzinfo=UTC)
    assert (reservation.duration, reservation.guests, reservation.table) == (
        timedelta(minutes=90),
        4,
        "t5",
    )
    assert reservation.customer.phone == "+380677654321"
    assert [type(e).__name__ for e in reservation.events] == ["ReservationReceived"]


def test_a_reservation_phone_is_read_in_the_given_region() -> None:
    body = received_reservation(customer={"phone": "601 234 567"})
    reservation = reservation_in_to_reservation(
        body, channel="web", id="r", at=NOW, default_region="PL"
    )
    assert reservation.customer.phone == "+48601234567"
    with pytest.raises(InvalidValueError) as caught:
        reservation_in_to_reservation(body, channel="web", id="r", at=NOW)
    assert caught.value.field == "customer.phone"


def test_a_reservation_reads_back_as_it_was_sent() -> None:
    body = reservation_body(table_id="t5")
    reservation = reservation_in_to_reservation(
        ReservationIn.model_validate(body), channel="storefront", id="res-1", at=NOW
    )
    confirmed_at = NOW + timedelta(minutes=10)
    reservation.submit(NOW, pos="poster", pos_reservation_id="9")
    reservation.confirm(confirmed_at)
    data = reservation_to_out(reservation).model_dump(mode="json")
    assert data["status"] == "confirmed"
    for field in ("location_id", "channel_reservation_id", "duration_minutes", "guests", "note"):
        assert data[field] == body[field]
    assert data["table_id"] == "t5"
    assert data["time"] == body["time"]
    assert data["customer"] == {"name": "Андрій", "phone": "+380677654321", "email": None}
    assert data["updated_at"] == "2026-11-22T10:10:00Z"
    assert [e["event"] for e in data["timeline"]] == [
        "reservation.received",
        "reservation.submitted",
        "reservation.confirmed",
    ]
