"""Reservations survive a JSON column unchanged; corrupt ones fail clearly."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from orderbridge.domain.customers import Customer
from orderbridge.domain.reservations import Reservation, ReservationKey, ReservationStatus
from orderbridge.storage.codec import (
    reservation_from_json,
    reservation_to_json,
    timeline_entry_from_json,
    timeline_entry_to_json,
)

from .samples import LOCATION_ID, NOW, dinner_reservation


def snapshot(reservation: Reservation) -> tuple[object, ...]:
    """Everything a reservation holds, for comparing two of them."""
    return (
        reservation.id,
        reservation.key,
        reservation.location_id,
        reservation.time,
        reservation.time.utcoffset(),
        reservation.duration,
        reservation.guests,
        reservation.customer,
        reservation.table,
        reservation.note,
        reservation.created_at,
        reservation.status,
        reservation.timeline,
        reservation.external_refs,
    )


def reload(reservation: Reservation) -> Reservation:
    """Store as a repository would (document plus columns), through JSON text, and load."""
    document = json.loads(json.dumps(reservation_to_json(reservation)))
    return reservation_from_json(
        document,
        id=reservation.id,
        status=reservation.status,
        timeline=[
            timeline_entry_from_json(timeline_entry_to_json(e)) for e in reservation.timeline
        ],
        external_refs=dict(reservation.external_refs),
    )


def walk_in(duration: timedelta = timedelta(minutes=90)) -> Reservation:
    """The least a reservation can be: no table, no note, no contacts, just received."""
    return Reservation(
        id="res-2",
        key=ReservationKey("storefront", "book-302"),
        location_id=LOCATION_ID,
        time=NOW + timedelta(hours=3),
        duration=duration,
        guests=1,
        customer=Customer(),
        created_at=NOW,
    )


@pytest.mark.parametrize(
    "reservation",
    [
        dinner_reservation(),
        walk_in(),
        walk_in(timedelta(minutes=45, seconds=30, microseconds=250)),
        walk_in(timedelta(hours=24)),
    ],
    ids=["confirmed-dinner", "minimal", "odd-duration", "whole-day"],
)
def test_reservation_round_trips_with_every_field(reservation: Reservation) -> None:
    decoded = reload(reservation)
    assert snapshot(decoded) == snapshot(reservation)
    assert decoded.events == []


def test_document_spells_duration_in_seconds_and_keeps_the_local_offset() -> None:
    document = reservation_to_json(dinner_reservation())
    assert document["duration_seconds"] == 7200
    assert isinstance(document["duration_seconds"], int)
    assert document["time"] == "2026-11-21T19:30:00+02:00"
    assert document["key"] == {"channel": "storefront", "channel_reservation_id": "book-301"}
    assert document["table"] == "5"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("guests", 0, r"^reservation: guests must be 1\.\.100$"),
        ("guests", "4", r"reservation\.guests: expected an integer, got string"),
        ("duration_seconds", -60, r"^reservation: duration must be positive"),
        ("duration_seconds", "2h", r"duration_seconds: expected a number, got string"),
        ("duration_seconds", 1e30, r"duration_seconds: not a duration"),
        ("duration_seconds", float("nan"), r"duration_seconds: not a duration"),
        ("time", None, r"reservation\.time: expected a string, got null"),
        ("table", 5, r"reservation\.table: expected a string, got integer"),
        ("key", {"channel": "storefront"}, r"key\.channel_reservation_id: missing"),
    ],
)
def test_corrupt_reservation_raises_value_error_naming_the_field(
    field: str, value: Any, message: str
) -> None:
    document = reservation_to_json(dinner_reservation())
    document[field] = value
    with pytest.raises(ValueError, match=message):
        reservation_from_json(
            document, id="res-1", status=ReservationStatus.RECEIVED, timeline=(), external_refs={}
        )
