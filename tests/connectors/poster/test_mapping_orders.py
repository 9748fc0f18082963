"""Canonical orders and reservations → Poster bodies; Poster statuses → the hub's states."""

from __future__ import annotations

import json

import pytest

from orderbridge.connectors.poster.mapping_orders import (
    has_marker,
    incoming_order_body,
    marker,
    pos_order_ref,
    pos_state,
    reservation_body,
)
from orderbridge.connectors.poster.schemas import PosterIncomingOrder, PosterTransaction
from orderbridge.connectors.poster.settings import PosterPricePolicy
from orderbridge.domain.customers import Customer
from orderbridge.domain.orders import Fulfilment, FulfilmentType, Order, OrderKey, OrderLine
from orderbridge.ports import PermanentError, PosOrderState
from tests.connectors.poster.support import NOW, cafe_order, payload, table_reservation, uah

KYIV = "Europe/Kyiv"


def _body(order: Order, policy: PosterPricePolicy = PosterPricePolicy.POSTER) -> dict[str, object]:
    return incoming_order_body(order, spot_id=1, key="ord_1001", timezone=KYIV, price_policy=policy)


def test_order_body_carries_products_variants_and_dish_modifiers() -> None:
    """product_id, modificator_id, count and ``modification`` as the reference's JSON text."""
    body = _body(cafe_order())
    assert body["spot_id"] == 1
    assert body["products"] == [
        {"product_id": 139, "count": 2, "modificator_id": 148},
        {"product_id": 172, "count": 1, "modification": '[{"m":62,"a":1},{"m":59,"a":2}]'},
    ]


def test_order_body_carries_customer_payment_and_delivery() -> None:
    """Name split in two, E.164 phone, prepayment in kopecks, delivery mode, address, time."""
    body = _body(cafe_order())
    assert (body["first_name"], body["last_name"]) == ("Олена", "Коваленко")
    assert (body["phone"], body["email"]) == ("+380671234567", "olena@example.com")
    assert body["payment"] == {"type": 1, "sum": 31500, "currency": "UAH"}
    assert body["service_mode"] == 3
    assert body["delivery_time"] == "2026-11-22 20:30:00"  # 18:30 UTC in Kyiv
    assert body["client_address"] == {
        "address1": "вул. Хрещатик, 1, Київ",
        "address2": "кв. 5",
        "comment": "",
    }


def test_comment_tells_the_cashier_everything_and_ends_with_the_marker() -> None:
    """Channel and its number, handover, payment, line notes, order note, ``[ob:key]``."""
    comment = str(_body(cafe_order())["comment"])
    assert comment.splitlines() == [
        "web #1001",
        "Delivery 2026-11-22 20:30: вул. Хрещатик, 1, кв. 5, Київ",
        "Paid online 315.00 UAH",
        "Line 2 (Cheeseburger): no onions",
        "Note: call at the door",
        "[ob:ord_1001]",
    ]
    assert has_marker(comment, "ord_1001") and not has_marker(comment, "ord_100")


def test_unpaid_pickup_has_no_payment_and_takeaway_mode() -> None:
    """An unpaid order sends no ``payment``; pickup is service mode 2."""
    body = _body(cafe_order(paid=False, fulfilment=Fulfilment(FulfilmentType.PICKUP)))
    assert "payment" not in body and "delivery_time" not in body
    assert body["service_mode"] == 2
    assert "Pickup ASAP" in str(body["comment"])


def test_hub_price_policy_sends_unit_prices_with_modifiers() -> None:
    """With the ``hub`` policy each line's price is one piece with its modifiers."""
    body = _body(cafe_order(), PosterPricePolicy.HUB)
    prices = [p["price"] for p in body["products"]]  # type: ignore[attr-defined]
    assert prices == [4500, 19500 + 3000]


def test_an_item_without_a_poster_id_fails_the_order() -> None:
    """A line naming a non-Poster id is refused whole, never sent half-filled."""
    order = Order.receive(
        id="o",
        key=OrderKey("web", "1"),
        location_id="podil",
        lines=(OrderLine(item_id="latte", quantity=1, unit_price=uah(100)),),
        customer=Customer(phone="+380671234567"),
        fulfilment=Fulfilment(FulfilmentType.DINE_IN, table="5"),
        at=NOW,
    )
    with pytest.raises(PermanentError) as caught:
        _body(order)
    assert caught.value.code == "unmapped_item"


def test_a_customer_without_phone_is_refused_before_calling_poster() -> None:
    """Poster needs a phone (or a client id); the reason says so."""
    order = cafe_order()
    order.customer = Customer(name="Anon")
    with pytest.raises(PermanentError) as caught:
        _body(order)
    assert caught.value.code == "phone_required"


def test_odd_keys_are_hashed_into_a_safe_marker() -> None:
    """Keys with spaces or brackets become a stable hash marker."""
    assert marker("ord_1") == "[ob:ord_1]"
    odd = marker("web order ]1[")
    assert odd.startswith("[ob:h") and odd == marker("web order ]1[")


def test_reservation_body_in_local_time_with_minimum_duration() -> None:
    """date_reservation in Kyiv time; a 20-minute booking is sent as Poster's 1800 s."""
    body = reservation_body(table_reservation(minutes=20), spot_id=1, key="res_1", timezone=KYIV)
    assert body["date_reservation"] == "2026-11-23 19:00:00"
    assert body["duration"] == 1800
    assert (body["table_id"], body["guests_count"], body["phone"]) == (3, 4, "+380501112233")
    assert str(body["comment"]).endswith("[ob:res_1]")
    longer = reservation_body(table_reservation(minutes=90), spot_id=1, key="k", timezone=KYIV)
    assert longer["duration"] == 5400


def test_reservation_without_table_is_refused() -> None:
    """Poster cannot book without a table."""
    with pytest.raises(PermanentError) as caught:
        reservation_body(table_reservation(table=None), spot_id=1, key="k", timezone=KYIV)
    assert caught.value.code == "table_required"


def _incoming(status: int, transaction_id: int | None) -> PosterIncomingOrder:
    return PosterIncomingOrder.model_validate(
        {"incoming_order_id": 5, "spot_id": 1, "status": status, "transaction_id": transaction_id}
    )


def _check(status: int, date_close: int = 0) -> PosterTransaction:
    return PosterTransaction(transaction_id=9, status=status, date_close=date_close)


@pytest.mark.parametrize(
    ("status", "transaction_id", "check", "expected"),
    [
        (0, None, None, PosOrderState.NEW),
        (1, 9, _check(1), PosOrderState.ACCEPTED),
        (1, 9, _check(2, 1518873046314), PosOrderState.COMPLETED),
        (1, 9, _check(3), PosOrderState.CANCELED),
        (7, None, None, PosOrderState.DECLINED),
        (7, 9, None, PosOrderState.CANCELED),
    ],
)
def test_poster_status_and_check_map_to_states(
    status: int,
    transaction_id: int | None,
    check: PosterTransaction | None,
    expected: PosOrderState,
) -> None:
    """0 new, 1 accepted, closed check completed, 7 declined before / canceled after."""
    assert pos_state(_incoming(status, transaction_id), check) is expected


def test_reference_answers_map_to_refs() -> None:
    """The reference's accepted order 1 with check 1949 is accepted, check id kept."""
    accepted = PosterIncomingOrder.model_validate(payload("reference_get_incoming_orders")[0])
    ref = pos_order_ref(accepted)
    assert (ref.pos_order_id, ref.state, ref.pos_check_id) == ("1", PosOrderState.ACCEPTED, "1949")
    reservation = PosterIncomingOrder.model_validate(payload("reference_get_reservation"))
    assert pos_order_ref(reservation).state is PosOrderState.NEW
    assert json.loads(json.dumps(ref.detail)) == "Poster status 1"
