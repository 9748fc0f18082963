"""incomingOrders.createReservation and the reservation getters, against the reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from tests.sandboxes.poster.orders_support import (
    APP_TOKEN,
    TOKEN,
    RecordingSink,
    as_form,
    assert_shape,
    reference,
)

ENCODINGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "json": lambda data: data,
    "form": as_form,
}
EXAMPLE = {
    "spot_id": "1",
    "phone": "+380684112224",
    "table_id": "1",
    "guests_count": "1",
    "duration": "2000",
    "date_reservation": "2018-03-22 16:20:00",
}
CREATE_RESPONSE = reference("""{"response":{"incoming_order_id":"4","type":"2","spot_id":"1",
 "status":0,"client_id":4985,"first_name":"Владимир","last_name":"Иванов",
 "phone":"380684112224","email":"example@gmail.com","sex":"2","birthday":"1996-08-26",
 "address":"","guests_count":"1","comment":"","created_at":"2018-03-22 17:02:41",
 "updated_at":"2018-03-22 17:02:41","transaction_id":null,"fiscal_spreading":"0",
 "fiscal_method":"","promotion":null,"date_reservation":"2018-03-22 18:20:00",
 "duration":"2000"}}""")
GET_RESPONSE = reference("""{"response":{"incoming_order_id":"3","spot_id":"1","status":0,
 "client_id":4985,"first_name":"Степан","last_name":"Созонов","phone":"380912152764",
 "email":null,"sex":"2","birthday":"1996-08-26","address":"московская 9",
 "comment":"Подготовить вазу для цветов","created_at":"2018-03-22 16:50:18",
 "updated_at":"2018-03-22 16:50:18","transaction_id":null,"guests_count":"1",
 "duration":"2000","date_reservation":"2018-03-22 18:20:00"}}""")


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_reference_example_attaches_the_customer_by_phone(
    orders_sandbox: PosterSandbox, orders_sink: RecordingSink, encoding: str
) -> None:
    answer = orders_sandbox.call(
        "incomingOrders.createReservation", TOKEN, ENCODINGS[encoding](EXAMPLE)
    )
    assert_shape(answer, CREATE_RESPONSE)
    assert answer["client_id"] == 4985 and answer["first_name"] == "Владимир"
    assert answer["phone"] == "380684112224"
    assert answer["type"] == "2" and answer["duration"] == "2000"
    assert answer["date_reservation"] == "2018-03-22 16:20:00"
    assert orders_sink.seen() == [("incoming_order", int(answer["incoming_order_id"]), "added")]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_getters_answer_the_reference_shape(orders_sandbox: PosterSandbox, encoding: str) -> None:
    created = orders_sandbox.call(
        "incomingOrders.createReservation",
        APP_TOKEN,
        ENCODINGS[encoding]({**EXAMPLE, "comment": "Підготувати вазу"}),
    )
    rid = created["incoming_order_id"]
    for method in ("getReservations", "getOwnReservations"):
        listed = orders_sandbox.call(f"incomingOrders.{method}", APP_TOKEN, {})
        assert [r["incoming_order_id"] for r in listed] == [rid]
        assert_shape(listed, [GET_RESPONSE])
    for method in ("getReservation", "getOwnReservation"):
        one = orders_sandbox.call(
            f"incomingOrders.{method}", APP_TOKEN, ENCODINGS[encoding]({"incoming_order_id": rid})
        )
        assert_shape(one, GET_RESPONSE)
        assert one["comment"] == "Підготувати вазу"
    # Another caller's own list does not hold it; reservations are not orders.
    assert orders_sandbox.call("incomingOrders.getOwnReservations", TOKEN, {}) == []
    assert orders_sandbox.call("incomingOrders.getIncomingOrders", APP_TOKEN, {}) == []


def test_orders_and_reservations_share_one_id_sequence(orders_sandbox: PosterSandbox) -> None:
    order = orders_sandbox.call(
        "incomingOrders.createIncomingOrder",
        TOKEN,
        {"spot_id": 1, "phone": "1", "products": [{"product_id": 169}]},
    )
    reservation = orders_sandbox.call("incomingOrders.createReservation", TOKEN, EXAMPLE)
    assert int(reservation["incoming_order_id"]) == order["incoming_order_id"] + 1
    with pytest.raises(PosterError) as error:
        orders_sandbox.call(
            "incomingOrders.getReservation",
            TOKEN,
            {"incoming_order_id": order["incoming_order_id"]},
        )
    assert error.value.code == 32


def test_status_filter(orders_sandbox: PosterSandbox) -> None:
    orders_sandbox.call("incomingOrders.createReservation", TOKEN, EXAMPLE)
    assert orders_sandbox.call("incomingOrders.getReservations", TOKEN, {"status": 7}) == []
    assert len(orders_sandbox.call("incomingOrders.getReservations", TOKEN, {"status": 0})) == 1


BAD = [
    ({"table_id": "10"}, 32, "table_id"),  # a table of spot 2
    ({"table_id": "99"}, 32, "table_id"),
    ({"spot_id": "7"}, 32, "spot_id"),
    ({"duration": "1799"}, 400, "duration"),
    ({"duration": "half an hour"}, 701, "duration"),
    ({"date_reservation": "22.03.2018 16:20"}, 400, "date_reservation"),
    ({"date_reservation": None}, 34, "date_reservation"),
    ({"guests_count": "0"}, 400, "guests_count"),
    ({"client_id": "12345"}, 32, "client_id"),
    ({"type": "1"}, 400, "type"),
]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(("change", "code", "field"), BAD)
def test_a_refused_reservation_changes_nothing(
    orders_sandbox: PosterSandbox,
    orders_sink: RecordingSink,
    encoding: str,
    change: dict[str, Any],
    code: int,
    field: str,
) -> None:
    params = {k: v for k, v in {**EXAMPLE, **change}.items() if v is not None}
    before = orders_sandbox.world.model_dump()
    with pytest.raises(PosterError) as error:
        orders_sandbox.call("incomingOrders.createReservation", TOKEN, ENCODINGS[encoding](params))
    assert (error.value.code, error.value.field) == (code, field)
    assert orders_sandbox.world.model_dump() == before
    assert orders_sink.events == []
