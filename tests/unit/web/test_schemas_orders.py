"""OrderIn accepts DESIGN.md's example and refuses every malformed variation of it."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from orderbridge.domain.order_details import FulfilmentType, PaymentStatus
from orderbridge.web.schemas import PHONE_REGION_CONTEXT, OrderIn
from tests.unit.web.bodies import order_body


def errors(data: dict[str, Any], context: dict[str, Any] | None = None) -> list[tuple[str, str]]:
    """``(type, dotted loc)`` of every error OrderIn reports for ``data`` sent as JSON."""
    with pytest.raises(ValidationError) as caught:
        OrderIn.model_validate_json(json.dumps(data), context=context)
    return [(e["type"], ".".join(map(str, e["loc"]))) for e in caught.value.errors()]


def test_designs_example_order_is_accepted_with_its_values() -> None:
    order = OrderIn.model_validate_json(json.dumps(order_body()))
    assert order.items[0].variant_id == "latte-l"
    assert order.items[0].modifiers[0].modifier_id == "vanilla"
    assert order.items[1].modifiers == []
    assert order.items[1].quantity == 2
    assert order.fulfillment.type is FulfilmentType.PICKUP
    assert order.fulfillment.time == datetime(2026, 11, 22, 10, 20, tzinfo=UTC)
    assert order.payment is not None and order.payment.status is PaymentStatus.PAID


def test_the_smallest_valid_order_needs_no_optional_parts() -> None:
    body = {
        "location_id": "x",
        "channel_order_id": "1",
        "items": [{"item_id": "croissant", "quantity": 1}],
        "customer": {},
        "fulfillment": {"type": "pickup"},
    }
    order = OrderIn.model_validate(body)
    assert order.payment is None and order.note == "" and order.fulfillment.time is None
    assert order.customer.phone is None and order.customer.email is None


def test_strings_are_trimmed() -> None:
    order = OrderIn.model_validate(order_body(location_id="  kyiv-podil \n", note="  hi "))
    assert order.location_id == "kyiv-podil" and order.note == "hi"


@pytest.mark.parametrize(
    "field", ["location_id", "channel_order_id", "items", "customer", "fulfillment"]
)
def test_a_missing_required_field_is_reported_at_its_path(field: str) -> None:
    body = order_body()
    del body[field]
    assert errors(body) == [("missing", field)]


def test_missing_fields_inside_lines_name_the_line() -> None:
    body = order_body(items=[{"item_id": "croissant", "quantity": 1}, {"quantity": 1}])
    assert errors(body) == [("missing", "items.1.item_id")]


@pytest.mark.parametrize(
    ("patch", "loc"),
    [
        ({"quantiy": 2}, "quantiy"),
        ({"items": [{"item_id": "croissant", "quantity": 1, "qty": 1}]}, "items.0.qty"),
        ({"customer": {"name": "A", "phone_number": "+380671234567"}}, "customer.phone_number"),
        ({"fulfillment": {"type": "pickup", "when": "now"}}, "fulfillment.when"),
        ({"fulfilment": {"type": "pickup"}}, "fulfilment"),
    ],
)
def test_typos_and_unknown_fields_are_refused(patch: dict[str, Any], loc: str) -> None:
    assert ("extra_forbidden", loc) in errors(order_body(**patch))


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"items": [{"item_id": "croissant", "quantity": "2"}]}, ("int_type", "items.0.quantity")),
        ({"items": [{"item_id": "croissant", "quantity": 2.0}]}, ("int_type", "items.0.quantity")),
        ({"items": [{"item_id": "croissant", "quantity": True}]}, ("int_type", "items.0.quantity")),
        ({"items": [{"item_id": 139, "quantity": 1}]}, ("string_type", "items.0.item_id")),
        ({"items": {"item_id": "croissant"}}, ("list_type", "items")),
        ({"customer": "Olena"}, ("model_type", "customer")),
        (
            {"payment": {"status": "paid", "amount": 205.0, "currency": "UAH"}},
            ("int_type", "payment.amount"),
        ),
        (
            {"payment": {"status": "paid", "amount": "20500", "currency": "UAH"}},
            ("int_type", "payment.amount"),
        ),
        (
            {"fulfillment": {"type": "pickup", "time": "soon"}},
            ("datetime_from_date_parsing", "fulfillment.time"),
        ),
        ({"note": None}, ("string_type", "note")),
    ],
)
def test_wrong_types_are_refused_not_coerced(
    patch: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert errors(order_body(**patch)) == [expected]


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"items": []}, ("too_short", "items")),
        ({"items": [{"item_id": "croissant", "quantity": 1}] * 201}, ("too_long", "items")),
        (
            {"items": [{"item_id": "croissant", "quantity": 0}]},
            ("greater_than_equal", "items.0.quantity"),
        ),
        (
            {"items": [{"item_id": "croissant", "quantity": 100}]},
            ("less_than_equal", "items.0.quantity"),
        ),
        (
            {"items": [{"item_id": "croissant", "quantity": 1, "price": -1}]},
            ("greater_than_equal", "items.0.price"),
        ),
        (
            {
                "items": [
                    {
                        "item_id": "latte",
                        "quantity": 1,
                        "modifiers": [{"modifier_id": "v", "quantity": 100}],
                    }
                ]
            },
            ("less_than_equal", "items.0.modifiers.0.quantity"),
        ),
        ({"items": [{"item_id": "", "quantity": 1}]}, ("string_too_short", "items.0.item_id")),
        (
            {"items": [{"item_id": "x" * 101, "quantity": 1}]},
            ("string_too_long", "items.0.item_id"),
        ),
        ({"location_id": "   "}, ("string_too_short", "location_id")),
        ({"note": "n" * 1001}, ("string_too_long", "note")),
        ({"customer": {"name": "N" * 201}}, ("string_too_long", "customer.name")),
        (
            {"payment": {"status": "paid", "amount": 10**9 + 1, "currency": "UAH"}},
            ("less_than_equal", "payment.amount"),
        ),
        (
            {
                "fulfillment": {
                    "type": "delivery",
                    "address": {"line1": "Khreshchatyk 1", "lat": 91},
                }
            },
            ("less_than_equal", "fulfillment.address.lat"),
        ),
        (
            {
                "fulfillment": {
                    "type": "delivery",
                    "address": {"line1": "Khreshchatyk 1", "lng": -181},
                }
            },
            ("greater_than_equal", "fulfillment.address.lng"),
        ),
    ],
)
def test_values_outside_the_bounds_are_refused(
    patch: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert errors(order_body(**patch)) == [expected]


def test_the_bounds_themselves_are_accepted() -> None:
    line = {"item_id": "x" * 100, "quantity": 99, "price": 10**9, "note": "n" * 1000}
    order = OrderIn.model_validate(order_body(items=[line] * 200, note="n" * 1000))
    assert len(order.items) == 200


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"fulfillment": {"type": "takeaway"}}, ("enum", "fulfillment.type")),
        (
            {"payment": {"status": "pending", "amount": 1, "currency": "UAH"}},
            ("enum", "payment.status"),
        ),
        (
            {"payment": {"status": "paid", "amount": 1, "currency": "uah"}},
            ("string_pattern_mismatch", "payment.currency"),
        ),
    ],
)
def test_closed_vocabularies_refuse_other_words(
    patch: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert errors(order_body(**patch)) == [expected]


def test_a_naive_fulfilment_time_is_refused() -> None:
    body = order_body(fulfillment={"type": "pickup", "time": "2026-11-22T18:30:00"})
    assert errors(body) == [("timezone_aware", "fulfillment.time")]


@pytest.mark.parametrize("number", [0, 1763815800, 1.5, True])
def test_a_fulfilment_time_as_a_number_is_refused_not_read_as_unix_time(number: object) -> None:
    """Found by schemathesis: ``"time": 0`` was accepted as 1970-01-01."""
    body = order_body(fulfillment={"type": "pickup", "time": number})
    assert errors(body) == [("datetime_type", "fulfillment.time")]


def test_an_international_phone_is_normalised_during_validation() -> None:
    order = OrderIn.model_validate(order_body())
    assert order.customer.phone == "+380671234567"


def test_a_national_phone_waits_for_its_region_unless_the_context_gives_one() -> None:
    body = order_body(customer={"phone": " 512 345 678 "})
    assert OrderIn.model_validate(body).customer.phone == "512 345 678"
    in_poland = OrderIn.model_validate(body, context={PHONE_REGION_CONTEXT: "PL"})
    assert in_poland.customer.phone == "+48512345678"


@pytest.mark.parametrize(
    ("phone", "context"),
    [
        ("+380 00 000 00 00", None),
        ("phone me", None),
        ("067 123", {PHONE_REGION_CONTEXT: "UA"}),
    ],
)
def test_an_invalid_phone_is_a_field_error(phone: str, context: dict[str, Any] | None) -> None:
    assert errors(order_body(customer={"phone": phone}), context) == [
        ("invalid_phone", "customer.phone")
    ]


@pytest.mark.parametrize("email", ["olena", "olena@example", "a b@example.com"])
def test_an_invalid_email_is_a_field_error(email: str) -> None:
    assert errors(order_body(customer={"email": email})) == [("invalid_email", "customer.email")]


def test_empty_contacts_mean_not_given() -> None:
    order = OrderIn.model_validate(order_body(customer={"name": "A", "phone": "", "email": " "}))
    assert order.customer.phone is None and order.customer.email is None


def test_several_problems_are_all_reported_in_input_order() -> None:
    body = order_body(
        items=[{"item_id": "croissant", "quantity": 0}],
        customer={"email": "nope"},
        extra=1,
    )
    assert errors(body) == [
        ("greater_than_equal", "items.0.quantity"),
        ("invalid_email", "customer.email"),
        ("extra_forbidden", "extra"),
    ]
