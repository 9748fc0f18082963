"""``/api/v1/reservations``: create, read, cancel, and the refusals."""

from __future__ import annotations

from fastapi.testclient import TestClient

from orderbridge.storage import tables as t
from tests.integration.support.api import error_of
from tests.integration.support.world import LOCATION, OTHER_LOCATION, World, announced, count
from tests.unit.web.bodies import reservation_body

RESERVATIONS = "/api/v1/reservations"


def test_a_reservation_is_created_read_and_canceled(client: TestClient, world: World) -> None:
    created = client.post(RESERVATIONS, json=reservation_body())
    assert created.status_code == 201, created.text
    reservation = created.json()
    assert (reservation["status"], reservation["location_id"], reservation["guests"]) == (
        "received",
        LOCATION,
        4,
    )
    assert reservation["customer"]["phone"] == "+380677654321"
    read = client.get(f"{RESERVATIONS}/{reservation['id']}").json()
    assert read["channel_reservation_id"] == "res-77"
    canceled = client.post(f"{RESERVATIONS}/{reservation['id']}/cancel")
    assert canceled.json()["status"] == "canceled"
    again = client.post(f"{RESERVATIONS}/{reservation['id']}/cancel")
    assert error_of(again) == (409, "reservation_final", None)
    assert announced(world.hub) == ["reservation.received", "reservation.canceled"]


def test_a_repeated_reservation_answers_the_same_one(client: TestClient, world: World) -> None:
    first = client.post(RESERVATIONS, json=reservation_body())
    again = client.post(RESERVATIONS, json=reservation_body())
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["idempotent-replayed"] == "true"
    changed = client.post(RESERVATIONS, json=reservation_body(guests=2))
    assert error_of(changed) == (409, "duplicate_reservation", "channel_reservation_id")
    assert count(world.hub, t.ReservationRecord) == 1


def test_refused_reservations_store_nothing(client: TestClient, world: World) -> None:
    refusals = {
        "past": (
            reservation_body(time="2026-11-22T09:00:00+00:00"),
            (422, "invalid_time", "time"),
        ),
        "elsewhere": (
            reservation_body(location_id=OTHER_LOCATION),
            (404, "unknown_location", "location_id"),
        ),
        "no guests": (reservation_body(guests=0), (422, "value_out_of_range", "guests")),
        "naive time": (
            reservation_body(time="2026-11-22T19:30:00"),
            (422, "naive_datetime", "time"),
        ),
        "bad phone": (
            reservation_body(customer={"name": "A", "phone": "067"}),
            (422, "invalid_phone", "customer.phone"),
        ),
    }
    answers = {
        name: error_of(client.post(RESERVATIONS, json=body)) for name, (body, _) in refusals.items()
    }
    assert answers == {name: expected for name, (_, expected) in refusals.items()}
    assert count(world.hub, t.ReservationRecord) == 0
    assert announced(world.hub) == []


def test_an_unknown_reservation_is_404(client: TestClient) -> None:
    assert error_of(client.get(f"{RESERVATIONS}/res_nope")) == (404, "unknown_reservation", "id")
