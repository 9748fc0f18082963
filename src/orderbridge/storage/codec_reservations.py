"""Table reservations as JSON documents, and back: the same two halves as an order.

The request (key, location, time, duration, guests, customer, table, note, creation
time) is the document; the hub's id, the status, the timeline and the POS's ids live in
columns and come back as arguments, so decoding rebuilds the stored reservation without
a new timeline entry or domain event.

The duration is stored as ``duration_seconds``, an integer for any whole number of
seconds (every real booking) and a float otherwise, so nothing is rounded away.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.domain.reservations import Reservation, ReservationKey, ReservationStatus
from orderbridge.storage.codec_fields import Fields, JSONDict, domain_errors, moment_to_json
from orderbridge.storage.codec_orders import customer_from_json, customer_to_json


def reservation_to_json(reservation: Reservation) -> JSONDict:
    """The unchanging half of a reservation; ``duration_seconds`` is an int when whole."""
    seconds = reservation.duration.total_seconds()
    return {
        "key": {
            "channel": reservation.key.channel,
            "channel_reservation_id": reservation.key.channel_reservation_id,
        },
        "location_id": reservation.location_id,
        "time": moment_to_json(reservation.time),
        "duration_seconds": int(seconds) if seconds.is_integer() else seconds,
        "guests": reservation.guests,
        "customer": customer_to_json(reservation.customer),
        "table": reservation.table,
        "note": reservation.note,
        "created_at": moment_to_json(reservation.created_at),
    }


def reservation_from_json(
    data: object,
    *,
    id: str,
    status: ReservationStatus,
    timeline: Sequence[TimelineEntry],
    external_refs: dict[str, str],
) -> Reservation:
    """Rebuild a stored reservation from its document and its columns, raising no events."""
    fields = Fields(data, "reservation")
    key = fields.obj("key")
    reservation_key = ReservationKey(key.text("channel"), key.text("channel_reservation_id"))
    location_id, time = fields.text("location_id"), fields.moment("time")
    duration = _duration(fields)
    guests, customer = fields.integer("guests"), customer_from_json(fields.obj("customer"))
    table, note = fields.optional_text("table"), fields.text("note", default="")
    created_at = fields.moment("created_at")
    with domain_errors(fields.path):
        return Reservation(
            id=id,
            key=reservation_key,
            location_id=location_id,
            time=time,
            duration=duration,
            guests=guests,
            customer=customer,
            created_at=created_at,
            table=table,
            note=note,
            status=status,
            timeline=timeline,
            external_refs=external_refs,
        )


def _duration(fields: Fields) -> timedelta:
    seconds = fields.number("duration_seconds")
    try:
        return timedelta(seconds=seconds)
    except (OverflowError, ValueError):  # too large for a timedelta, or NaN
        raise ValueError(f"{fields.at('duration_seconds')}: not a duration: {seconds}") from None
