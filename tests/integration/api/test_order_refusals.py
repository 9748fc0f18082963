"""``POST /api/v1/orders`` refused: each refusal answers its status, its machine-readable
code and the field at fault, and stores nothing (the accepted paths:
test_orders_api.py)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from orderbridge.storage import tables as t
from tests.integration.support.api import error_of, stored_rows
from tests.integration.support.world import (
    LOCATION,
    OTHER_LOCATION,
    World,
)
from tests.unit.domain import cafe
from tests.unit.web.bodies import order_body

ORDERS = "/api/v1/orders"


def _line(**fields: Any) -> dict[str, Any]:
    return {"quantity": 1, **fields}


def _pause(world: World) -> None:
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
        assert record is not None
        record.location.pause(world.clock(), reason="kitchen full")
        tx.save_location(record.location)
        tx.commit()


def _close_on_sundays(world: World) -> None:
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
        assert record is not None
        record.location.set_schedule(cafe.weekdays_9_to_18(), world.clock())
        tx.save_location(record.location)
        tx.commit()


def _strict(world: World) -> None:
    with world.hub.sessions() as session, session.begin():
        session.execute(
            update(t.Location).where(t.Location.id == LOCATION).values(price_policy="strict")
        )


def _no_change(world: World) -> None:
    return None


def _with(body: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """``body`` with the value at a dotted path (``fulfillment.time``) replaced."""
    copy = json.loads(json.dumps(body))
    *parents, last = path.split(".")
    target = copy
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return copy


REFUSALS: list[tuple[str, Callable[[World], None], dict[str, Any], tuple[int, str, str | None]]] = [
    (
        "unknown item",
        _no_change,
        order_body(items=[_line(item_id="espresso")]),
        (422, "unknown_item", "items[0].item_id"),
    ),
    (
        "unknown variant",
        _no_change,
        order_body(items=[_line(item_id="latte", variant_id="latte-xl")]),
        (422, "unknown_variant", "items[0].variant_id"),
    ),
    (
        "variant required",
        _no_change,
        order_body(items=[_line(item_id="latte")]),
        (422, "variant_required", "items[0].variant_id"),
    ),
    (
        "unknown modifier",
        _no_change,
        order_body(items=[_line(item_id="croissant", modifiers=[{"modifier_id": "jam"}])]),
        (422, "unknown_modifier", "items[0].modifiers[0].modifier_id"),
    ),
    (
        "modifier min",
        _no_change,
        order_body(items=[_line(item_id="burger")]),
        (422, "modifier_min", "items[0].modifiers"),
    ),
    (
        "modifier max",
        _no_change,
        order_body(
            items=[
                _line(
                    item_id="latte",
                    variant_id="latte-s",
                    modifiers=[
                        {"modifier_id": "vanilla", "quantity": 2},
                        {"modifier_id": "caramel"},
                    ],
                )
            ]
        ),
        (422, "modifier_max", "items[0].modifiers"),
    ),
    (
        "unavailable modifier",
        _no_change,
        order_body(
            items=[
                _line(
                    item_id="burger",
                    modifiers=[{"modifier_id": "medium"}, {"modifier_id": "bacon"}],
                )
            ]
        ),
        (422, "item_unavailable", "items[0].modifiers[1].modifier_id"),
    ),
    ("location paused", _pause, order_body(), (422, "location_paused", "location_id")),
    (
        "closed by schedule",
        _close_on_sundays,
        order_body(fulfillment={"type": "pickup"}),
        (422, "location_closed", "location_id"),
    ),
    (
        "a time outside the hours",
        _close_on_sundays,
        order_body(),
        (422, "invalid_time", "fulfillment.time"),
    ),
    (
        "quantity over 99",
        _no_change,
        order_body(items=[_line(item_id="croissant", quantity=100)]),
        (422, "value_out_of_range", "items[0].quantity"),
    ),
    (
        "quantity zero",
        _no_change,
        order_body(items=[_line(item_id="croissant", quantity=0)]),
        (422, "value_out_of_range", "items[0].quantity"),
    ),
    (
        "modifier quantity over 99",
        _no_change,
        order_body(
            items=[
                _line(
                    item_id="latte",
                    variant_id="latte-s",
                    modifiers=[{"modifier_id": "vanilla", "quantity": 100}],
                )
            ]
        ),
        (422, "value_out_of_range", "items[0].modifiers[0].quantity"),
    ),
    (
        "too many lines",
        _no_change,
        order_body(items=[_line(item_id="croissant")] * 201),
        (422, "value_out_of_range", "items"),
    ),
    (
        "no lines",
        _no_change,
        order_body(items=[]),
        (422, "value_out_of_range", "items"),
    ),
    (
        "line price differs, strict policy",
        _strict,
        order_body(items=[_line(item_id="croissant", price=5000)], payment=None),
        (422, "price_mismatch", "items[0].price"),
    ),
    (
        "modifier price differs, strict policy",
        _strict,
        order_body(
            items=[
                _line(
                    item_id="latte",
                    variant_id="latte-s",
                    modifiers=[{"modifier_id": "vanilla", "price": 1}],
                )
            ],
            payment=None,
        ),
        (422, "price_mismatch", "items[0].modifiers[0].price"),
    ),
    (
        "paid amount differs, strict policy",
        _strict,
        order_body(payment={"status": "paid", "amount": 19999, "currency": "UAH"}),
        (422, "price_mismatch", "payment.amount"),
    ),
    (
        "payment currency differs",
        _no_change,
        order_body(payment={"status": "paid", "amount": 20500, "currency": "EUR"}),
        (422, "currency_mismatch", "payment.currency"),
    ),
    (
        "unknown field",
        _no_change,
        order_body(coupon="FREE"),
        (422, "unknown_field", "coupon"),
    ),
    (
        "unknown field in a line",
        _no_change,
        order_body(items=[_line(item_id="croissant", quantiy=2)]),
        (422, "unknown_field", "items[0].quantiy"),
    ),
    (
        "missing customer",
        _no_change,
        {k: v for k, v in order_body().items() if k != "customer"},
        (422, "missing_field", "customer"),
    ),
    (
        "naive fulfilment time",
        _no_change,
        _with(order_body(), "fulfillment.time", "2026-11-22T18:30:00"),
        (422, "naive_datetime", "fulfillment.time"),
    ),
    (
        "invalid phone",
        _no_change,
        _with(order_body(), "customer.phone", "+380 12"),
        (422, "invalid_phone", "customer.phone"),
    ),
    (
        "invalid email",
        _no_change,
        _with(order_body(), "customer.email", "olena@"),
        (422, "invalid_email", "customer.email"),
    ),
    (
        "money as a string",
        _no_change,
        _with(order_body(), "payment.amount", "20500"),
        (422, "invalid_type", "payment.amount"),
    ),
    (
        "delivery without an address",
        _no_change,
        order_body(fulfillment={"type": "delivery"}),
        (422, "address_required", "fulfillment.address"),
    ),
    (
        "dine-in without a table",
        _no_change,
        order_body(fulfillment={"type": "dine_in"}),
        (422, "table_required", "fulfillment.table"),
    ),
    (
        "unknown fulfilment type",
        _no_change,
        order_body(fulfillment={"type": "drone"}),
        (422, "invalid_value", "fulfillment.type"),
    ),
    (
        "another tenant's location",
        _no_change,
        order_body(location_id=OTHER_LOCATION),
        (404, "unknown_location", "location_id"),
    ),
    (
        "unknown location",
        _no_change,
        order_body(location_id="nowhere"),
        (404, "unknown_location", "location_id"),
    ),
]


@pytest.mark.parametrize(
    ("prepare", "body", "expected"),
    [pytest.param(p, b, e, id=name) for name, p, b, e in REFUSALS],
)
def test_a_refused_order_answers_its_code_and_field_and_stores_nothing(
    client: TestClient,
    world: World,
    prepare: Callable[[World], None],
    body: dict[str, Any],
    expected: tuple[int, str, str | None],
) -> None:
    prepare(world)
    before = stored_rows(world)
    answer = client.post(ORDERS, json=body, headers={"Idempotency-Key": "k-1"})
    assert error_of(answer) == expected
    assert stored_rows(world) == before


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        pytest.param(
            b'{"location_id": ', "application/json", (400, "malformed_json", None), id="malformed"
        ),
        pytest.param(
            json.dumps(order_body()).encode(),
            "text/plain",
            (415, "unsupported_media_type", None),
            id="text",
        ),
        pytest.param(
            b"location_id=kyiv-podil",
            "application/x-www-form-urlencoded",
            (415, "unsupported_media_type", None),
            id="form",
        ),
        pytest.param(
            json.dumps(order_body(note="x" * 2_000_000)).encode(),
            "application/json",
            (413, "payload_too_large", None),
            id="too-large",
        ),
    ],
)
def test_a_body_that_is_not_an_order_is_refused_before_anything_is_stored(
    client: TestClient,
    world: World,
    content: bytes,
    content_type: str,
    expected: tuple[int, str, str | None],
) -> None:
    before = stored_rows(world)
    answer = client.post(ORDERS, content=content, headers={"content-type": content_type})
    assert error_of(answer) == expected
    assert stored_rows(world) == before
