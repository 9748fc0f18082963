"""Money and time through ``POST /api/v1/orders`` and ``GET /api/v1/orders/{id}``:
totals the hub computes and checks, and everything the POS would refuse, refused
before the 201 with the field."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from orderbridge.domain.location_options import PosFacts, TableInfo
from tests.integration.support.api import error_of, stored_rows
from tests.integration.support.world import LOCATION, World
from tests.unit.web.bodies import order_body

ORDERS = "/api/v1/orders"
# The example body: a large vanilla latte (9500) and two croissants (11000) = 20500.


def _set_facts(world: World, facts: PosFacts) -> None:
    with world.hub.uow() as tx:
        tx.save_pos_facts(LOCATION, facts)
        tx.commit()


def test_discounts_and_charges_come_back_in_checked_totals(client: TestClient) -> None:
    body = order_body(
        items=[
            {"item_id": "latte", "variant_id": "latte-l", "quantity": 1,
             "modifiers": [{"modifier_id": "vanilla"}],
             "discounts": [{"amount": 500, "reason": "loyalty"}]},
            {"item_id": "croissant", "quantity": 2},
        ],
        discounts=[{"amount": 1000, "code": "WELCOME"}],
        charges=[{"type": "delivery_fee", "amount": 4000}, {"type": "tip", "amount": 1500}],
        payment={"status": "paid", "amount": 24500, "currency": "UAH"},
    )  # fmt: skip
    created = client.post(ORDERS, json=body)
    assert created.status_code == 201, created.text
    order: dict[str, Any] = client.get(f"{ORDERS}/{created.json()['id']}").json()
    assert order["totals"] == {
        "subtotal": 20500,
        "discounts": 1500,
        "charges": 5500,
        "total": 24500,
        "paid": 24500,
        "due": 0,
        "currency": "UAH",
    }
    assert order["discounts"] == [{"amount": 1000, "reason": "", "code": "WELCOME"}]
    assert order["items"][0]["discounts"] == [{"amount": 500, "reason": "loyalty", "code": ""}]
    assert [(c["type"], c["amount"], c["name"]) for c in order["charges"]] == [
        ("delivery_fee", 4000, "Delivery fee"),
        ("tip", 1500, "Tip"),
    ]


def test_paying_more_than_the_total_is_refused_and_stores_nothing(
    client: TestClient, world: World
) -> None:
    before = stored_rows(world)
    body = order_body(payment={"status": "paid", "amount": 999900, "currency": "UAH"})
    assert error_of(client.post(ORDERS, json=body)) == (422, "payment_mismatch", "payment.amount")
    assert stored_rows(world) == before


def test_an_unpaid_order_needs_no_amount(client: TestClient) -> None:
    created = client.post(ORDERS, json=order_body(payment={"status": "unpaid"}))
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["payment"] == {"status": "unpaid", "amount": 20500, "currency": "UAH"}
    assert (order["totals"]["paid"], order["totals"]["due"]) == (0, 20500)
    paid_without = order_body(channel_order_id="web-2", payment={"status": "paid"})
    assert error_of(client.post(ORDERS, json=paid_without)) == (
        422, "amount_required", "payment.amount",
    )  # fmt: skip


def test_a_discount_bigger_than_the_order_is_refused(client: TestClient) -> None:
    body = order_body(payment=None, discounts=[{"amount": 20501}])
    assert error_of(client.post(ORDERS, json=body)) == (422, "invalid_discount", "discounts")
    zero = order_body(payment=None, discounts=[{"amount": 0}])
    assert error_of(client.post(ORDERS, json=zero))[2] == "discounts[0].amount"


def test_what_the_pos_needs_is_checked_before_the_201(client: TestClient, world: World) -> None:
    _set_facts(
        world,
        PosFacts(currency="UAH", tables=(TableInfo("7", "Window", 2),), requires_phone=True),
    )
    before = stored_rows(world)
    no_phone = order_body(customer={"name": "Олена"})
    assert error_of(client.post(ORDERS, json=no_phone)) == (
        422, "phone_required", "customer.phone",
    )  # fmt: skip
    no_table = order_body(fulfillment={"type": "dine_in"})
    assert error_of(client.post(ORDERS, json=no_table)) == (
        422, "table_required", "fulfillment.table",
    )  # fmt: skip
    no_address = order_body(fulfillment={"type": "delivery"})
    assert error_of(client.post(ORDERS, json=no_address)) == (
        422, "address_required", "fulfillment.address",
    )  # fmt: skip
    assert stored_rows(world) == before
    at_table = order_body(fulfillment={"type": "dine_in", "table": "7"})
    assert client.post(ORDERS, json=at_table).status_code == 201


def test_the_pos_currency_is_checked_before_the_201(client: TestClient, world: World) -> None:
    _set_facts(world, PosFacts(currency="PLN"))
    answer = client.post(ORDERS, json=order_body())
    assert error_of(answer) == (422, "currency_mismatch", "payment.currency")


def test_a_time_in_the_past_answers_invalid_time_with_the_next_slot(client: TestClient) -> None:
    body = order_body(fulfillment={"type": "pickup", "time": "2020-01-01T12:00:00+02:00"})
    answer = client.post(ORDERS, json=body)
    assert error_of(answer) == (422, "invalid_time", "fulfillment.time")
    assert "the next open slot is 2026-11-22T12:00+02:00" in answer.json()["error"]["message"]


def test_a_later_time_is_scheduled_with_when_it_goes_to_the_pos(client: TestClient) -> None:
    body = order_body(fulfillment={"type": "pickup", "time": "2026-11-22T16:00:00+02:00"})
    order = client.post(ORDERS, json=body).json()
    assert order["status"] == "scheduled"
    assert order["fulfillment"]["send_at"] == "2026-11-22T15:30:00+02:00"
    assert order["fulfillment"]["promised_at"] == "2026-11-22T16:00:00+02:00"
    events = [e["event"] for e in order["timeline"]]
    assert events == ["order.received", "order.scheduled"]


def test_busy_mode_moves_the_promised_time_of_an_asap_order(
    client: TestClient, world: World
) -> None:
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
        assert record is not None
        record.location.set_busy(world.clock(), extra_minutes=25)
        tx.save_location(record.location)
        tx.commit()
    order = client.post(ORDERS, json=order_body(fulfillment={"type": "pickup"})).json()
    assert order["fulfillment"]["promised_at"] == "2026-11-22T10:45:00Z"  # 20 + 25 minutes
