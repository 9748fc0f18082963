"""Orders and timeline entries survive a JSON column unchanged; corrupt ones fail clearly."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orderbridge.domain.lifecycle import TimelineEntry
from orderbridge.domain.orders import Order, OrderStatus
from orderbridge.storage.codec import (
    order_from_json,
    order_to_json,
    timeline_entry_from_json,
    timeline_entry_to_json,
)

from .samples import NOW, delivery_order, dine_in_order, pickup_order


def snapshot(order: Order) -> tuple[object, ...]:
    """Everything an order holds, for comparing two of them (Order has no ``==``)."""
    return (
        order.id,
        order.key,
        order.location_id,
        order.lines,
        order.customer,
        order.fulfilment,
        order.payment,
        order.note,
        order.created_at,
        order.created_at.utcoffset(),
        order.status,
        order.timeline,
        order.external_refs,
        order.totals,
    )


def reload(order: Order) -> Order:
    """Store ``order`` as a repository would: a JSON document plus columns, then load it."""
    document = json.loads(json.dumps(order_to_json(order)))
    timeline = [json.loads(json.dumps(timeline_entry_to_json(e))) for e in order.timeline]
    return order_from_json(
        document,
        id=order.id,
        status=order.status,
        timeline=[timeline_entry_from_json(e) for e in timeline],
        external_refs=dict(order.external_refs),
    )


@pytest.mark.parametrize(
    "build",
    [delivery_order, pickup_order, dine_in_order],
    ids=["prepaid-delivery", "minimal-pickup", "dine-in-unpaid"],
)
def test_order_round_trips_with_every_field(build: Callable[[], Order]) -> None:
    order = build()
    assert snapshot(reload(order)) == snapshot(order)


def test_prepaid_delivery_keeps_address_time_and_nothing_due() -> None:
    decoded = reload(delivery_order())
    address = decoded.fulfilment.address
    assert address is not None
    assert (address.line2, address.lat, address.lng) == ("під'їзд 2, кв. 14", 50.4625, 30.5213)
    assert decoded.fulfilment.time == datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    assert decoded.totals.due.is_zero()
    assert decoded.lines[0].modifiers[1].group_id == "syrup"


def test_decoding_raises_no_events_and_adds_no_timeline_entries() -> None:
    order = delivery_order()
    decoded = reload(order)
    assert decoded.events == []
    assert decoded.timeline == order.timeline
    assert decoded.status is OrderStatus.ACCEPTED


def test_decoded_order_keeps_moving_through_its_lifecycle() -> None:
    decoded = reload(delivery_order())
    assert decoded.complete(NOW + timedelta(hours=1)).applied
    assert decoded.status is OrderStatus.COMPLETED


def test_document_holds_the_request_and_not_the_columns() -> None:
    document = order_to_json(delivery_order())
    assert set(document) == {
        "key",
        "location_id",
        "lines",
        "customer",
        "fulfilment",
        "payment",
        "note",
        "created_at",
        "discounts",
        "charges",
    }
    assert document["key"] == {"channel": "wix", "channel_order_id": "10042"}
    assert document["created_at"] == "2026-11-20T09:30:00+02:00"
    assert document["payment"] == {"status": "paid", "amount": {"amount": 31500, "currency": "UAH"}}
    assert document["fulfilment"]["type"] == "delivery"
    assert order_to_json(pickup_order())["payment"] is None


@pytest.mark.parametrize(
    "entry",
    [
        TimelineEntry(NOW, "accepted", "order.accepted", "Poster: статус 1"),
        TimelineEntry(NOW, "completed", "order.accepted.ignored", "final: completed → accepted"),
        TimelineEntry(datetime(2026, 1, 1, tzinfo=UTC), "received", "pos.retry"),
    ],
)
def test_timeline_entry_round_trips(entry: TimelineEntry) -> None:
    document = json.loads(json.dumps(timeline_entry_to_json(entry)))
    assert timeline_entry_from_json(document) == entry


def test_timeline_entry_without_detail_reads_as_empty() -> None:
    entry = timeline_entry_from_json(
        {"at": "2026-11-20T09:30:00+02:00", "status": "received", "event": "order.received"}
    )
    assert entry == TimelineEntry(NOW, "received", "order.received")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "x", "event": "y"}, r"^timeline_entry\.at: missing$"),
        ({"at": "вчора", "status": "x", "event": "y"}, r"timeline_entry\.at: not an ISO-8601"),
        ({"at": "2026-11-20T09:30:00", "status": "x", "event": "y"}, r"without a UTC offset"),
        ({"at": "2026-11-20T09:30:00Z", "status": 1, "event": "y"}, r"status: expected a string"),
        ("order.received", r"^timeline_entry: expected an object, got string$"),
    ],
)
def test_corrupt_timeline_entry_raises_value_error(data: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        timeline_entry_from_json(data)


CORRUPTIONS: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("no key", lambda d: d.pop("key"), r"^order\.key: missing$"),
    ("no lines", lambda d: d.pop("lines"), r"^order\.lines: missing$"),
    ("empty lines", lambda d: d.update(lines=[]), r"^order: an order needs at least one line$"),
    (
        "quantity as text",
        lambda d: d["lines"][0].update(quantity="2"),
        r"order\.lines\[0\]\.quantity: expected an integer, got string",
    ),
    (
        "quantity as boolean",
        lambda d: d["lines"][1].update(quantity=True),
        r"order\.lines\[1\]\.quantity: expected an integer, got boolean",
    ),
    (
        "zero quantity",
        lambda d: d["lines"][1].update(quantity=0),
        r"^order\.lines\[1\]: quantities must be at least 1$",
    ),
    (
        "modifier price without currency",
        lambda d: d["lines"][0]["modifiers"][0]["unit_price"].pop("currency"),
        r"lines\[0\]\.modifiers\[0\]\.unit_price\.currency: missing",
    ),
    (
        "delivery without address",
        lambda d: d["fulfilment"].update(address=None),
        r"^order\.fulfilment: a delivery needs an address$",
    ),
    (
        "unknown fulfilment type",
        lambda d: d["fulfilment"].update(type="drone"),
        r"fulfilment\.type: 'drone' is not one of pickup, delivery, dine_in",
    ),
    (
        "phone not in E.164",
        lambda d: d["customer"].update(phone="067 123 45 67"),
        r"^order\.customer: phone must be in E\.164 form",
    ),
    (
        "payment in another currency",
        lambda d: d["payment"]["amount"].update(currency="EUR"),
        r"^order: payment in EUR, order in UAH$",
    ),
    (
        "unknown payment status",
        lambda d: d["payment"].update(status="maybe"),
        r"payment\.status: 'maybe' is not one of paid, unpaid",
    ),
    (
        "naive created_at",
        lambda d: d.update(created_at="2026-11-20T09:30:00"),
        r"order\.created_at: datetime without a UTC offset",
    ),
    (
        "latitude as text",
        lambda d: d["fulfilment"]["address"].update(lat="50.46"),
        r"address\.lat: expected a number, got string",
    ),
]


@pytest.mark.parametrize(
    ("corrupt", "message"), [c[1:] for c in CORRUPTIONS], ids=[c[0] for c in CORRUPTIONS]
)
def test_corrupt_order_raises_value_error_naming_the_field(
    corrupt: Callable[[dict[str, Any]], None], message: str
) -> None:
    document = order_to_json(delivery_order())
    corrupt(document)
    with pytest.raises(ValueError, match=message):
        order_from_json(
            document, id="ord-7f3a", status=OrderStatus.RECEIVED, timeline=(), external_refs={}
        )
