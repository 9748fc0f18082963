"""Reservations, location status commands, webhook subscriptions and the error body."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from orderbridge.web.schemas import (
    ErrorBody,
    ErrorDetail,
    LocationStatusIn,
    ProblemOut,
    ReservationIn,
    WebhookEndpointCreatedOut,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookEvent,
)
from orderbridge.web.schemas.alerts import AlertDestinationIn
from tests.unit.web.bodies import reservation_body


def errors(model: type[BaseModel], data: dict[str, Any]) -> list[tuple[str, str]]:
    """``(type, dotted loc)`` of every error ``model`` reports for ``data`` sent as JSON."""
    with pytest.raises(ValidationError) as caught:
        model.model_validate_json(json.dumps(data))
    return [(e["type"], ".".join(map(str, e["loc"]))) for e in caught.value.errors()]


def test_a_reservation_body_is_accepted_with_a_default_duration() -> None:
    body = reservation_body()
    del body["duration_minutes"]
    reservation = ReservationIn.model_validate(body)
    assert reservation.duration_minutes == 120
    assert reservation.guests == 4 and reservation.table_id is None


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"guests": 0}, ("greater_than_equal", "guests")),
        ({"guests": 101}, ("less_than_equal", "guests")),
        ({"guests": "4"}, ("int_type", "guests")),
        ({"duration_minutes": 0}, ("greater_than_equal", "duration_minutes")),
        ({"duration_minutes": 24 * 60 + 1}, ("less_than_equal", "duration_minutes")),
        ({"time": "2026-11-22T19:30:00"}, ("timezone_aware", "time")),
        ({"table": "5"}, ("extra_forbidden", "table")),
        ({"customer": {"phone": "+12"}}, ("invalid_phone", "customer.phone")),
        ({"note": "n" * 1001}, ("string_too_long", "note")),
    ],
)
def test_reservation_edges_are_refused(patch: dict[str, Any], expected: tuple[str, str]) -> None:
    assert errors(ReservationIn, reservation_body(**patch)) == [expected]


@pytest.mark.parametrize("field", ["time", "guests", "customer", "channel_reservation_id"])
def test_reservation_required_fields(field: str) -> None:
    body = reservation_body()
    del body[field]
    assert errors(ReservationIn, body) == [("missing", field)]


def test_a_pause_takes_an_aware_until_and_a_reason() -> None:
    body = {"action": "pause", "until": "2026-11-22T19:00:00+02:00", "reason": "kitchen full"}
    command = LocationStatusIn.model_validate(body)
    assert command.until is not None and command.until.utcoffset() is not None
    assert LocationStatusIn.model_validate({"action": "pause"}).until is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"action": "stop"}, ("literal_error", "action")),
        ({"action": "pause", "until": "2026-11-22T19:00:00"}, ("timezone_aware", "until")),
        ({"action": "resume", "reason": "back"}, ("invalid_value", "")),
        ({"action": "pause", "untill": "2026-11-22T19:00:00Z"}, ("extra_forbidden", "untill")),
        ({}, ("missing", "action")),
    ],
)
def test_location_status_commands_are_checked(
    body: dict[str, Any], expected: tuple[str, str]
) -> None:
    assert errors(LocationStatusIn, body) == [expected]


def test_a_webhook_endpoint_merges_duplicate_events() -> None:
    endpoint = WebhookEndpointIn.model_validate(
        {
            "url": "https://shop.example.com/hooks",
            "events": ["order.accepted", "menu.updated", "order.accepted"],
        }
    )
    assert endpoint.events == [WebhookEvent.ORDER_ACCEPTED, WebhookEvent.MENU_UPDATED]
    assert endpoint.description == ""


@pytest.mark.parametrize("model", [WebhookEndpointIn, AlertDestinationIn])
def test_events_past_the_documented_max_items_are_refused_even_as_duplicates(
    model: type[BaseModel],
) -> None:
    """The OpenAPI document says ``maxItems``: duplicates merge only within it."""
    limit = model.model_json_schema()["properties"]["events"]["maxItems"]
    event = "order.failed"
    merged = model.model_validate({"url": "https://ops.example.com/in", "events": [event] * limit})
    assert [e.value for e in merged.events] == [event]  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as refused:
        model.model_validate({"url": "https://ops.example.com/in", "events": [event] * (limit + 1)})
    assert refused.value.errors()[0]["type"] == "too_long"


def test_the_event_set_is_the_documented_one() -> None:
    assert {e.value for e in WebhookEvent} == {
        *(f"order.{s}" for s in ("received", "submitted", "accepted", "declined")),
        *(f"order.{s}" for s in ("completed", "canceled", "failed")),
        "order.scheduled",
        "order.cancel_requested",
        "reservation.cancel_requested",
        *(f"reservation.{s}" for s in ("received", "submitted", "confirmed", "declined")),
        *(f"reservation.{s}" for s in ("completed", "canceled", "failed")),
        "menu.updated",
        "location.status_changed",
    }


@pytest.mark.parametrize(
    ("patch", "expected"),
    [
        ({"events": ["order.shipped"]}, ("enum", "events.0")),
        ({"events": []}, ("too_short", "events")),
        ({"events": "order.accepted"}, ("list_type", "events")),
        ({"url": "ftp://shop.example.com/hooks"}, ("invalid_url", "url")),
        ({"url": "shop.example.com/hooks"}, ("invalid_url", "url")),
        ({"url": "https://user:pw@shop.example.com/hooks"}, ("invalid_url", "url")),
        ({"url": "https://" + "a" * 2000 + ".com"}, ("string_too_long", "url")),
        ({"secret": "mine"}, ("extra_forbidden", "secret")),
    ],
)
def test_webhook_endpoint_edges_are_refused(
    patch: dict[str, Any], expected: tuple[str, str]
) -> None:
    body = {"url": "https://shop.example.com/hooks", "events": ["order.accepted"], **patch}
    assert errors(WebhookEndpointIn, body) == [expected]


def test_the_secret_is_part_of_the_created_answer_only() -> None:
    common = {
        "id": "whe_1",
        "url": "https://shop.example.com/hooks",
        "events": ["order.accepted"],
        "description": "",
        "created_at": "2026-11-22T10:00:00Z",
    }
    assert "secret" not in WebhookEndpointOut.model_validate(common).model_dump()
    created = WebhookEndpointCreatedOut.model_validate({**common, "secret": "whsec_abc"})
    assert created.model_dump(mode="json")["secret"] == "whsec_abc"
    assert "secret" in WebhookEndpointCreatedOut.model_json_schema()["required"]


def test_an_error_body_has_exactly_code_message_and_field() -> None:
    body = ErrorBody(error=ErrorDetail(code="not_found", message="nothing here", field=None))
    assert body.model_dump(mode="json") == {
        "error": {"code": "not_found", "message": "nothing here", "field": None}
    }


def test_an_error_body_lists_problems_when_there_are_some() -> None:
    problem = ProblemOut(code="unknown_item", message="no item", field="items[0].item_id")
    detail = ErrorDetail(code="unknown_item", message="no item", field="items[0].item_id")
    body = ErrorBody(error=detail.model_copy(update={"problems": [problem]}))
    assert body.model_dump(mode="json")["error"]["problems"] == [
        {"code": "unknown_item", "message": "no item", "field": "items[0].item_id"}
    ]


def test_every_public_schema_renders_as_json_schema() -> None:
    """FastAPI builds the OpenAPI document from these; a schema that cannot render breaks it."""
    from orderbridge.web import schemas

    for name in schemas.__all__:
        model = getattr(schemas, name)
        if isinstance(model, type) and issubclass(model, BaseModel):
            for mode in ("validation", "serialization"):
                assert model.model_json_schema(mode=mode)["type"] == "object", name
