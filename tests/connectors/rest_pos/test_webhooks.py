"""A REST POS's webhooks: the signature is checked on the raw bytes before anything is
read; then the event type picks its meaning and the ids are read where the manifest says."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta

import pytest

from orderbridge.connectors import WebhookRejected
from orderbridge.connectors.rest_pos.loading import load_text, shipped_text
from orderbridge.connectors.rest_pos.webhooks import REST_POS_EVENT, read
from tests.connectors.rest_pos.test_manifest import KIOSKO

SANDBOX = load_text(shipped_text("sandbox"))
SECRETS = {"api_key": "k", "webhook_secret": "whsec_test"}
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def countertop(
    event: dict[str, object], *, key: str = "whsec_test", at: datetime = NOW
) -> tuple[dict[str, str], bytes]:
    """Signed as Countertop signs: t=<unix>,v1=<hex hmac of "t.body">."""
    body = json.dumps(event).encode()
    stamp = int(at.timestamp())
    digest = hmac.new(key.encode(), f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {"Countertop-Signature": f"t={stamp},v1={digest}"}, body


def event(kind: str, **data: object) -> dict[str, object]:
    return {"id": "evt_1", "type": kind, "created": 0, "storeId": "st_podil", "data": data}


def test_a_status_change_is_read_as_an_order_hint() -> None:
    headers, body = countertop(event("ticket.status_changed", ticketId="tk_7", status="accepted"))
    [found] = read(SANDBOX, "con_1", SECRETS, headers, body, now=NOW)
    assert found.job_kind == REST_POS_EVENT and found.external_id == "con_1:evt_1"
    assert found.payload == {
        "connection_id": "con_1",
        "type": "ticket.status_changed",
        "means": "order_status_changed",
        "pos_order_id": "tk_7",
    }


def test_availability_keeps_its_flag_and_place() -> None:
    headers, body = countertop(event("store.availability_changed", online=False))
    [found] = read(SANDBOX, "con_1", SECRETS, headers, body, now=NOW)
    assert found.payload["online"] is False and found.payload["location"] == "st_podil"


def test_unknown_types_are_kept_without_work() -> None:
    headers, body = countertop(event("ticket.created", ticketId="tk_1"))
    [found] = read(SANDBOX, "con_1", SECRETS, headers, body, now=NOW)
    assert found.job_kind is None and found.payload["means"] == "ignore"


def test_an_hours_change_is_work_for_the_place_it_names() -> None:
    headers, body = countertop(event("store.hours_changed", intervals=7))
    [found] = read(SANDBOX, "con_1", SECRETS, headers, body, now=NOW)
    assert found.job_kind == REST_POS_EVENT
    assert found.payload["means"] == "schedule_changed"
    assert found.payload["location"] == "st_podil"


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        ({}, "invalid_signature"),
        ({"Countertop-Signature": "v1=abc"}, "invalid_signature"),
        ({"Countertop-Signature": f"t={int(NOW.timestamp())},v1=00ff"}, "invalid_signature"),
    ],
)
def test_a_missing_or_wrong_signature_is_refused(headers: dict[str, str], code: str) -> None:
    _, body = countertop(event("ticket.status_changed", ticketId="tk_7"))
    with pytest.raises(WebhookRejected) as caught:
        read(SANDBOX, "con_1", SECRETS, headers, body, now=NOW)
    assert caught.value.code == code


def test_another_secret_or_a_changed_body_is_refused() -> None:
    headers, body = countertop(event("ticket.status_changed", ticketId="tk_7"), key="other")
    with pytest.raises(WebhookRejected, match="does not match"):
        read(SANDBOX, "con_1", SECRETS, headers, body, now=NOW)
    headers, body = countertop(event("ticket.status_changed", ticketId="tk_7"))
    with pytest.raises(WebhookRejected, match="does not match"):
        read(SANDBOX, "con_1", SECRETS, headers, body.replace(b"tk_7", b"tk_8"), now=NOW)


def test_a_replayed_signature_is_stale() -> None:
    headers, body = countertop(
        event("ticket.status_changed", ticketId="tk_7"), at=NOW - timedelta(minutes=6)
    )
    with pytest.raises(WebhookRejected) as caught:
        read(SANDBOX, "con_1", SECRETS, headers, body, now=NOW)
    assert caught.value.code == "stale_webhook"


def test_a_verified_body_without_the_ids_its_meaning_needs_is_refused() -> None:
    headers, body = countertop(event("ticket.status_changed", status="accepted"))
    with pytest.raises(WebhookRejected) as caught:
        read(SANDBOX, "con_1", SECRETS, headers, body, now=NOW)
    assert caught.value.code == "invalid_webhook" and "pos_order_id" in caught.value.reason


def test_a_bare_base64_body_hmac_verifies_and_dedups_by_body() -> None:
    """Kiosko signs only the body and sends no event id: the body's hash is the id."""
    manifest = load_text(KIOSKO)
    body = json.dumps({"event": "order.updated", "order": {"id": "42"}}).encode()
    signature = base64.b64encode(hmac.new(b"w", body, hashlib.sha256).digest()).decode()
    secrets = {"signing_secret": "s", "webhook_secret": "w"}
    [found] = read(manifest, "con_k", secrets, {"x-kiosko-hmac": signature}, body, now=NOW)
    assert found.payload["pos_order_id"] == "42"
    assert found.external_id == "con_k:" + hashlib.sha256(body).hexdigest()
