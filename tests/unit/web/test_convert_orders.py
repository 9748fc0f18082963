"""Order bodies become domain drafts, and domain orders become the storefront's view."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orderbridge.domain.drafts import OrderDraft
from orderbridge.domain.errors import InvalidValueError, NaiveDatetimeError
from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.domain.money import Money
from orderbridge.domain.order_details import FulfilmentType, PaymentStatus
from orderbridge.domain.orders import Order, OrderKey, OrderStatus
from orderbridge.domain.validation import price_lines, validate_order
from orderbridge.web.convert import order_in_to_draft, order_to_out
from orderbridge.web.schemas import FulfillmentIn, OrderIn
from tests.unit.domain.cafe import NOW, cafe_menu, kyiv_location, order, paid
from tests.unit.web.bodies import order_body


def draft_of(default_region: str = "UA", **overrides: Any) -> OrderDraft:
    body = OrderIn.model_validate(order_body(**overrides))
    return order_in_to_draft(
        body, channel="storefront", currency="UAH", default_region=default_region
    )


def received(body: dict[str, Any]) -> Order:
    """What the order service does with a valid body: validate, price, receive."""
    draft = order_in_to_draft(OrderIn.model_validate(body), channel="storefront", currency="UAH")
    menu = cafe_menu()
    assert validate_order(draft, menu=menu, status=kyiv_location().status_at(NOW), now=NOW) == []
    return Order.receive(
        id="ord-1",
        key=draft.key,
        location_id=draft.location_id,
        lines=price_lines(draft, menu),
        customer=draft.customer,
        fulfilment=draft.fulfilment,
        at=NOW,
        payment=draft.payment,
        note=draft.note,
    )


def test_the_example_body_becomes_a_draft_the_menu_accepts() -> None:
    draft = draft_of()
    assert draft.key == OrderKey("storefront", "web-1001")
    assert [(line.item_id, line.variant_id, line.quantity) for line in draft.items] == [
        ("latte", "latte-l", 1),
        ("croissant", None, 2),
    ]
    assert draft.items[0].modifiers[0].modifier_id == "vanilla"
    assert draft.customer.phone == "+380671234567"
    assert draft.fulfilment.type is FulfilmentType.PICKUP
    assert draft.fulfilment.time == datetime(2026, 11, 22, 10, 20, tzinfo=UTC)
    assert draft.payment is not None and draft.payment.amount == Money(20500, "UAH")
    assert draft.payment.status is PaymentStatus.PAID


def test_client_prices_become_money_in_the_locations_currency() -> None:
    line = {
        "item_id": "latte",
        "variant_id": "latte-s",
        "quantity": 1,
        "price": 6500,
        "modifiers": [{"modifier_id": "caramel", "price": 1500}],
    }
    draft = draft_of(items=[line])
    assert draft.items[0].unit_price == Money(6500, "UAH")
    assert draft.items[0].modifiers[0].unit_price == Money(1500, "UAH")
    assert draft_of().items[0].unit_price is None


def test_national_phones_are_read_in_the_given_region() -> None:
    assert draft_of(customer={"phone": "067 123 45 67"}).customer.phone == "+380671234567"
    polish = draft_of("PL", customer={"phone": "512 345 678"})
    assert polish.customer.phone == "+48512345678"


def test_a_phone_invalid_in_the_region_is_a_domain_error_at_customer_phone() -> None:
    with pytest.raises(InvalidValueError) as caught:
        draft_of(customer={"phone": "067 123"})
    assert (caught.value.code, caught.value.field) == ("invalid_phone", "customer.phone")


@pytest.mark.parametrize(
    ("fulfillment", "code", "field"),
    [
        ({"type": "delivery"}, "address_required", "fulfillment.address"),
        ({"type": "dine_in"}, "table_required", "fulfillment.table"),
    ],
)
def test_fulfilment_rules_are_the_domains(
    fulfillment: dict[str, Any], code: str, field: str
) -> None:
    with pytest.raises(InvalidValueError) as caught:
        draft_of(fulfillment=fulfillment)
    assert (caught.value.code, caught.value.field) == (code, field)


def test_a_naive_time_that_skipped_validation_is_still_refused() -> None:
    body = OrderIn.model_validate(order_body())
    naive = FulfillmentIn.model_construct(type=FulfilmentType.PICKUP, time=datetime(2026, 11, 22))
    with pytest.raises(NaiveDatetimeError) as caught:
        order_in_to_draft(
            body.model_copy(update={"fulfillment": naive}), channel="web", currency="UAH"
        )
    assert caught.value.field == "fulfillment.time"


def test_a_delivery_address_keeps_its_parts_and_the_comment_goes_to_line2() -> None:
    address = {
        "line1": "Khreshchatyk 1",
        "line2": "apt 5",
        "city": "Kyiv",
        "postcode": "01001",
        "lat": 50.45,
        "lng": 30.52,
        "comment": "ring twice",
    }
    draft = draft_of(fulfillment={"type": "delivery", "address": address})
    stored = draft.fulfilment.address
    assert stored is not None
    assert (stored.line1, stored.city, stored.postcode) == ("Khreshchatyk 1", "Kyiv", "01001")
    assert stored.line2 == "apt 5; ring twice"
    assert (stored.lat, stored.lng) == (50.45, 30.52)


def test_a_received_order_reads_back_as_it_was_sent() -> None:
    body = order_body()
    out = order_to_out(received(body))
    assert out.status is OrderStatus.RECEIVED
    assert (out.location_id, out.channel, out.channel_order_id) == (
        body["location_id"],
        "storefront",
        "web-1001",
    )
    assert [(i.item_id, i.variant_id, i.quantity) for i in out.items] == [
        ("latte", "latte-l", 1),
        ("croissant", None, 2),
    ]
    assert out.items[0].modifiers[0].modifier_id == "vanilla"
    assert out.customer.model_dump() == {
        "name": "Олена",
        "phone": "+380671234567",
        "email": "olena@example.com",
    }
    assert out.fulfillment.time == datetime(2026, 11, 22, 10, 20, tzinfo=UTC)
    assert out.payment is not None and out.payment.model_dump(mode="json") == body["payment"]


def test_lines_carry_menu_names_unit_prices_and_totals() -> None:
    out = order_to_out(received(order_body()))
    latte, croissants = out.items
    assert (latte.name, latte.unit_price, latte.total) == ("Латте, 0.5 л", 8000, 9500)
    assert latte.modifiers[0].model_dump() == {
        "modifier_id": "vanilla",
        "group_id": "syrup",
        "name": "Ваніль",
        "quantity": 1,
        "unit_price": 1500,
    }
    assert (croissants.name, croissants.unit_price, croissants.total) == ("Круасан", 5500, 11000)
    assert out.totals.model_dump() == {
        "subtotal": 20500,
        "discounts": 0,
        "charges": 0,
        "total": 20500,
        "paid": 20500,
        "due": 0,
        "currency": "UAH",
    }


def test_an_unpaid_order_is_all_due() -> None:
    totals = order_to_out(order()).totals
    assert (totals.total, totals.paid, totals.due) == (24500, 0, 24500)
    part = order_to_out(order(payment=paid(4500))).totals
    assert (part.paid, part.due) == (4500, 20000)


def test_the_timeline_and_updated_at_follow_the_orders_history() -> None:
    placed = received(order_body())
    later = NOW + timedelta(minutes=3)
    placed.submit(NOW + timedelta(minutes=1), pos="poster", pos_order_id="77")
    placed.accept(later)
    out = order_to_out(placed)
    assert [(e.event, e.status) for e in out.timeline] == [
        ("order.received", "received"),
        ("order.submitted", "submitted"),
        ("order.accepted", "accepted"),
    ]
    assert out.created_at == NOW and out.updated_at == later
    assert order_to_out(placed, updated_at=later + timedelta(hours=1)).updated_at > later


def test_updated_at_of_an_order_without_history_is_its_creation() -> None:
    assert order_to_out(order()).updated_at == NOW


def test_the_json_has_designs_order_fields() -> None:
    data = order_to_out(received(order_body())).model_dump(mode="json")
    assert {"id", "status", "created_at", "location_id", "channel_order_id"} <= data.keys()
    assert {"items", "totals", "timeline", "customer", "fulfillment", "payment"} <= data.keys()
    assert set(data["timeline"][0]) == {"at", "status", "event", "detail"}
    assert data["created_at"] == "2026-11-22T10:00:00Z"
    assert data["status"] == "received"


def test_a_timeline_entry_keeps_its_detail() -> None:
    stored = Order(
        id="ord-2",
        key=OrderKey("web", "2"),
        location_id="x",
        lines=order().lines,
        customer=order().customer,
        fulfilment=order().fulfilment,
        created_at=NOW,
        timeline=[TimelineEntry(NOW, "received", "pos.retry", "timeout, attempt 2")],
    )
    assert order_to_out(stored).timeline[0].detail == "timeout, attempt 2"
