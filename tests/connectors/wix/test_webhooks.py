"""Verifying Wix's webhook JWTs against the raw body, and unwrapping them."""

from __future__ import annotations

import jwt
import pytest

from orderbridge.connectors.wix.webhooks import (
    OrderArrived,
    OrderCanceledAtWix,
    WebhookRejected,
    classify,
    parse_webhook,
)
from orderbridge.sandboxes.wix.events import generate_private_key_pem
from tests.connectors.wix.support import new_sandbox, signed

ORDER = {"id": "a1b2", "lineItems": [], "status": "APPROVED"}


def test_a_genuine_event_verifies_and_unwraps() -> None:
    sandbox = new_sandbox()
    hook = parse_webhook(
        signed(sandbox, "approved", ORDER).encode(), public_key_pem=sandbox.public_key_pem
    )
    assert hook.event.slug == "approved" and hook.event.entityId == "a1b2"
    assert hook.instance_id == sandbox.world.site.instance_id
    command = classify(hook.event)
    assert isinstance(command, OrderArrived) and command.order.id == "a1b2"


def test_order_created_carries_the_order_in_created_event() -> None:
    sandbox = new_sandbox()
    hook = parse_webhook(signed(sandbox, "created", ORDER), public_key_pem=sandbox.public_key_pem)
    assert isinstance(classify(hook.event), OrderArrived)


def test_a_canceled_event_names_the_order() -> None:
    sandbox = new_sandbox()
    hook = parse_webhook(signed(sandbox, "canceled", ORDER), public_key_pem=sandbox.public_key_pem)
    assert classify(hook.event) == OrderCanceledAtWix("a1b2")


def test_a_body_signed_with_another_key_is_rejected() -> None:
    sandbox = new_sandbox()
    forged = signed(sandbox, "approved", ORDER, key=generate_private_key_pem())
    with pytest.raises(WebhookRejected) as rejected:
        parse_webhook(forged, public_key_pem=sandbox.public_key_pem)
    assert rejected.value.code == "invalid_signature"


def test_a_tampered_body_is_rejected() -> None:
    sandbox = new_sandbox()
    head, payload, signature = signed(sandbox, "approved", ORDER).split(".")
    tampered = f"{head}.{payload[:-4]}AAAA.{signature}"
    with pytest.raises(WebhookRejected):
        parse_webhook(tampered, public_key_pem=sandbox.public_key_pem)


def test_an_unsigned_or_hmac_token_is_rejected() -> None:
    sandbox = new_sandbox()
    unsigned = jwt.encode({"data": "{}"}, None, algorithm="none")
    hmac = jwt.encode({"data": "{}"}, "secret-secret-secret-secret-secret", algorithm="HS256")
    for token in (unsigned, hmac, "not a jwt"):
        with pytest.raises(WebhookRejected):
            parse_webhook(token, public_key_pem=sandbox.public_key_pem)
