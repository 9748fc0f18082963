"""incomingOrders.createIncomingOrder and the order getters, against the reference."""

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

CREATE_EXAMPLE = {"spot_id": 1, "phone": "+380680000000", "products": [{"product_id": 169}]}
CREATE_RESPONSE = reference("""{"response":{"incoming_order_id":2,"spot_id":1,"status":0,
 "client_id":0,"first_name":null,"last_name":null,"phone":null,"email":null,"sex":null,
 "birthday":null,"address":null,"comment":null,"created_at":"2017-10-27 11:47:19",
 "updated_at":"2017-10-27 11:47:19","transaction_id":null,"fiscal_spreading":0,
 "fiscal_method":"","products":[{"io_product_id":2,"product_id":169,"modificator_id":null,
 "incoming_order_id":2,"count":1,"created_at":"2017-10-27 11:47:19"}]}}""")
PROMOTION_EXAMPLE = {
    "spot_id": 1,
    "products": [{"product_id": 139, "count": 1}],
    "promotion": [
        {"id": 1, "involved_products": [{"id": 139, "count": 1}], "result_products": [{"id": 161}]}
    ],
}
PROMOTION_STRING = (
    '[{"id":1,"involved_products":[{"id":139,"count":1}],"result_products":[{"id":161}]}]'
)
PROMOTION_RESPONSE_KEYS = {
    "incoming_order_id",
    "type",
    "spot_id",
    "status",
    "client_id",
    "first_name",
    "last_name",
    "phone",
    "email",
    "sex",
    "birthday",
    "address",
    "comment",
    "created_at",
    "updated_at",
    "transaction_id",
    "fiscal_spreading",
    "fiscal_method",
    "promotion",
    "products",
}
GET_RESPONSE = reference("""{"response":{"incoming_order_id":1,"spot_id":1,"status":1,
 "client_id":0,"first_name":"Антон","last_name":"Талышкин","phone":"79630313844",
 "email":"contact@joinposter.com","sex":1,"birthday":"1986-11-23","address":"ул. Малышева, 3",
 "comment":"","created_at":"2017-10-26 14:58:02","updated_at":"2017-10-26 15:25:17",
 "transaction_id":1949,"products":[{"io_product_id":1,"product_id":113,"modificator_id":null,
 "incoming_order_id":1,"count":1,"created_at":"2017-10-26 14:58:02"}]}}""")
LIST_EXAMPLE = {"status": 1, "date_from": "2017-10-26 14:00:00", "date_to": "2017-10-26 15:00:00"}
FULL_ORDER = {
    "spot_id": 1,
    "phone": "+7 (963) 031-38-44",
    "first_name": "Антон",
    "last_name": "Талышкин",
    "email": "contact@joinposter.com",
    "sex": 1,
    "birthday": "1986-11-23",
    "address": "ул. Малышева, 3",
    "comment": "",
    "products": [{"product_id": 113, "count": 1}],
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_reference_create_example_answers_the_reference_shape(
    orders_sandbox: PosterSandbox, orders_sink: RecordingSink, encoding: str
) -> None:
    """The first example, verbatim: a new order from an unknown phone, numbers as ints."""
    answer = orders_sandbox.call(
        "incomingOrders.createIncomingOrder", TOKEN, ENCODINGS[encoding](CREATE_EXAMPLE)
    )
    assert_shape(answer, CREATE_RESPONSE)
    assert answer["status"] == 0 and answer["client_id"] == 0
    assert answer["products"][0]["count"] == 1
    assert answer["created_at"] == "2018-03-22 17:02:41"  # Kyiv time
    assert orders_sink.seen() == [("incoming_order", answer["incoming_order_id"], "added")]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_promotion_is_stored_as_the_reference_json_string(
    orders_sandbox: PosterSandbox, encoding: str
) -> None:
    """The promotion example as written (no phone, Borjomi without a modification):
    ``promotion`` answered as the exact JSON string shown, ids as strings."""
    params = ENCODINGS[encoding](PROMOTION_EXAMPLE)
    answer = orders_sandbox.call("incomingOrders.createIncomingOrder", TOKEN, params)
    assert set(answer) >= PROMOTION_RESPONSE_KEYS
    assert answer["promotion"] == PROMOTION_STRING
    assert answer["type"] == "1" and answer["client_id"] == 0 and answer["phone"] is None
    assert answer["products"][0]["count"] == "1.00000"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_getters_answer_the_reference_shape(orders_sandbox: PosterSandbox, encoding: str) -> None:
    created = orders_sandbox.call(
        "incomingOrders.createIncomingOrder", TOKEN, ENCODINGS[encoding](FULL_ORDER)
    )
    order_id = created["incoming_order_id"]
    # The list example verbatim: a window in 2017 holds none of the sandbox's orders.
    verbatim = ENCODINGS[encoding](LIST_EXAMPLE)
    assert orders_sandbox.call("incomingOrders.getIncomingOrders", TOKEN, verbatim) == []
    window = {"status": 0, "date_from": "2018-03-22 17:00:00", "date_to": "2018-03-22 18:00:00"}
    for method in ("getIncomingOrders", "getOwnIncomingOrders"):
        listed = orders_sandbox.call(f"incomingOrders.{method}", TOKEN, ENCODINGS[encoding](window))
        assert [o["incoming_order_id"] for o in listed] == [order_id]
        assert_shape(listed, [GET_RESPONSE])
    for method in ("getIncomingOrder", "getOwnIncomingOrder"):
        one = orders_sandbox.call(
            f"incomingOrders.{method}", TOKEN, ENCODINGS[encoding]({"incoming_order_id": order_id})
        )
        assert_shape(one, GET_RESPONSE)
        assert one["client_id"] == 55  # attached by the phone's digits
        assert one["phone"] == "79630313844"


def test_status_and_date_filters(orders_sandbox: PosterSandbox) -> None:
    orders_sandbox.call("incomingOrders.createIncomingOrder", TOKEN, FULL_ORDER)
    call = orders_sandbox.call
    assert call("incomingOrders.getIncomingOrders", TOKEN, {"status": 1}) == []
    assert len(call("incomingOrders.getIncomingOrders", TOKEN, {"status": "0"})) == 1
    late = {"date_from": "2018-03-22 17:02:42"}
    assert call("incomingOrders.getIncomingOrders", TOKEN, late) == []
    with pytest.raises(PosterError) as error:
        call("incomingOrders.getIncomingOrders", TOKEN, {"date_from": "22.03.2018"})
    assert error.value.code == 400


def test_own_orders_are_those_of_the_calling_application(orders_sandbox: PosterSandbox) -> None:
    mine = orders_sandbox.call("incomingOrders.createIncomingOrder", APP_TOKEN, CREATE_EXAMPLE)
    personal = orders_sandbox.call("incomingOrders.createIncomingOrder", TOKEN, CREATE_EXAMPLE)
    own = orders_sandbox.call("incomingOrders.getOwnIncomingOrders", APP_TOKEN, {})
    assert [o["incoming_order_id"] for o in own] == [mine["incoming_order_id"]]
    everyone = orders_sandbox.call("incomingOrders.getIncomingOrders", APP_TOKEN, {})
    assert len(everyone) == 2
    with pytest.raises(PosterError) as error:
        orders_sandbox.call(
            "incomingOrders.getOwnIncomingOrder",
            APP_TOKEN,
            {"incoming_order_id": personal["incoming_order_id"]},
        )
    assert error.value.code == 32


@pytest.mark.parametrize(
    "modification", ['[{"m":20,"a":1},{"m":21,"a":2}]', [{"m": 20, "a": 1}, {"m": 21, "a": 2}]]
)
@pytest.mark.parametrize("encoding", ENCODINGS)
def test_dish_modifiers_as_a_json_string_or_an_array(
    orders_sandbox: PosterSandbox, encoding: str, modification: Any
) -> None:
    order = {
        "spot_id": 1,
        "phone": "380501112233",
        "products": [{"product_id": 112, "modification": modification, "count": 2}],
    }
    answer = orders_sandbox.call(
        "incomingOrders.createIncomingOrder", TOKEN, ENCODINGS[encoding](order)
    )
    assert answer["products"][0]["modification"] == [{"m": 20, "a": 1}, {"m": 21, "a": 2}]
    assert answer["products"][0]["count"] == 2


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_delivery_fields_and_payment_come_back(
    orders_sandbox: PosterSandbox, encoding: str
) -> None:
    order = {
        "spot_id": 1,
        "phone": "380501112233",
        "service_mode": 3,
        "delivery_price": 5000,
        "delivery_time": "2018-03-22 19:00:00",
        "client_address": {
            "address1": "вул. Хрещатик, 1",
            "address2": "кв. 5",
            "comment": "",
            "lat": 50.45,
            "lng": 30.52,
        },
        "payment": {"type": 1, "sum": 10500, "currency": "UAH"},
        "products": [{"product_id": 130, "modificator_id": 8, "price": 5500}],
    }
    answer = orders_sandbox.call(
        "incomingOrders.createIncomingOrder", TOKEN, ENCODINGS[encoding](order)
    )
    assert answer["service_mode"] == 3 and answer["delivery_price"] == 5000
    assert answer["client_address"]["lat"] == 50.45
    assert answer["delivery_time"] == "2018-03-22 19:00:00"
    assert answer["payment"] == {"type": 1, "sum": 10500, "currency": "UAH"}
    assert answer["products"][0]["modificator_id"] == 8
    assert answer["products"][0]["price"] == 5500


def _line(**fields: Any) -> dict[str, Any]:
    return {"spot_id": 1, "phone": "380501112233", "products": [fields]}


BAD_ORDERS = [
    ({"phone": "1", "products": [{"product_id": 169}]}, 34, "spot_id"),
    ({"spot_id": 9, "phone": "1", "products": [{"product_id": 169}]}, 32, "spot_id"),
    ({"spot_id": 1, "client_id": 777, "products": [{"product_id": 169}]}, 32, "client_id"),
    ({"spot_id": 1, "phone": "1"}, 34, "products"),
    (_line(product_id=999), 32, "products[0][product_id]"),
    (_line(product_id="abc"), 701, "products[0][product_id]"),
    (_line(product_id=150), 32, "products[0][product_id]"),
    (
        {"spot_id": 2, "phone": "1", "products": [{"product_id": 120}]},
        400,
        "products[0][product_id]",
    ),
    (_line(product_id=130, modificator_id=99), 32, "products[0][modificator_id]"),
    (_line(product_id=169, modificator_id=7), 32, "products[0][modificator_id]"),
    (_line(product_id=112), 400, "products[0][modification]"),
    (
        _line(product_id=112, modification='[{"m":19,"a":1},{"m":20,"a":1}]'),
        400,
        "products[0][modification]",
    ),
    (
        _line(product_id=112, modification='[{"m":19,"a":1},{"m":55,"a":1}]'),
        32,
        "products[0][modification]",
    ),
    (_line(product_id=169, count=0), 400, "products[0][count]"),
    (_line(product_id=169, price=-1), 400, "products[0][price]"),
    (
        {**_line(product_id=169), "payment": {"type": 1, "sum": 100, "currency": "USD"}},
        4001,
        "payment[currency]",
    ),
    ({**_line(product_id=169), "payment": {"type": 1, "sum": 100}}, 34, "payment[currency]"),
    ({**_line(product_id=169), "service_mode": 4}, 400, "service_mode"),
    ({**_line(product_id=169), "delivery_time": "tomorrow"}, 400, "delivery_time"),
    ({**_line(product_id=169), "sex": 3}, 400, "sex"),
    ({**_line(product_id=169), "birthday": "23.11.1986"}, 400, "birthday"),
    (
        {**_line(product_id=169), "promotion": [{"involved_products": [{"id": 139}]}]},
        34,
        "promotion[0][id]",
    ),
]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(("params", "code", "field"), BAD_ORDERS)
def test_a_refused_order_changes_nothing_and_announces_nothing(
    orders_sandbox: PosterSandbox,
    orders_sink: RecordingSink,
    encoding: str,
    params: dict[str, Any],
    code: int,
    field: str,
) -> None:
    before = orders_sandbox.world.model_dump()
    with pytest.raises(PosterError) as error:
        orders_sandbox.call(
            "incomingOrders.createIncomingOrder", TOKEN, ENCODINGS[encoding](params)
        )
    assert (error.value.code, error.value.field) == (code, field)
    assert orders_sandbox.world.model_dump() == before
    assert orders_sink.events == []


def test_unknown_order_id_is_error_32(orders_sandbox: PosterSandbox) -> None:
    with pytest.raises(PosterError) as error:
        orders_sandbox.call("incomingOrders.getIncomingOrder", TOKEN, {"incoming_order_id": 5})
    assert error.value.code == 32
    with pytest.raises(PosterError) as error:
        orders_sandbox.call("incomingOrders.getIncomingOrder", TOKEN, {})
    assert error.value.code == 34
