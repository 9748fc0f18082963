"""Verifying Wix's webhook JWTs against the raw body, and unwrapping them."""

from __future__ import annotations

import time

import jwt
import pytest

from orderbridge.connectors.wix.webhooks import (
    CLOCK_LEEWAY_SECONDS,
    InvalidWixOrder,
    OrderArrived,
    OrderCanceledAtWix,
    WebhookRejected,
    classify,
    parse_webhook,
)
from orderbridge.ports import PermanentError
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


def _token(sandbox_key: str, claims: dict[str, object]) -> str:
    return jwt.encode(claims, sandbox_key, algorithm="RS256")


def test_a_token_without_exp_is_rejected_and_one_with_exp_verifies() -> None:
    """Without ``exp`` a captured webhook could be replayed forever (#15)."""
    sandbox = new_sandbox()
    good = signed(sandbox, "approved", ORDER)
    data = jwt.decode(good, options={"verify_signature": False})["data"]
    key = sandbox.world.private_key_pem
    now = int(time.time())
    with pytest.raises(WebhookRejected) as rejected:
        parse_webhook(
            _token(key, {"data": data, "iat": now}), public_key_pem=sandbox.public_key_pem
        )
    assert rejected.value.code == "invalid_signature" and "exp" in rejected.value.reason
    expired = _token(key, {"data": data, "exp": now - CLOCK_LEEWAY_SECONDS - 60})
    with pytest.raises(WebhookRejected):
        parse_webhook(expired, public_key_pem=sandbox.public_key_pem)
    within_leeway = _token(key, {"data": data, "exp": now - 30})
    assert parse_webhook(within_leeway, public_key_pem=sandbox.public_key_pem).event.slug


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"lineItems": [{"id": "l1", "quantity": -5}]}, "lineItems.0.quantity"),
        ({"lineItems": [{"id": "l1", "quantity": 10**12}]}, "lineItems.0.quantity"),
        ({"lineItems": "nope"}, "lineItems"),
        ({"priceSummary": {"total": {"amount": 12}}}, "priceSummary.total.amount"),
    ],
)
def test_an_order_not_shaped_as_wix_documents_is_permanent_at_once(
    change: dict[str, object], where: str
) -> None:
    """A signed order with quantity -5, 10^12 or ``lineItems: "nope"`` is no Wix order:
    no retry fixes it, so it is ``invalid_order`` with the field named (#15)."""
    sandbox = new_sandbox()
    hook = parse_webhook(
        signed(sandbox, "approved", {**ORDER, **change}), public_key_pem=sandbox.public_key_pem
    )
    with pytest.raises(InvalidWixOrder) as refused:
        classify(hook.event)
    assert isinstance(refused.value, PermanentError)
    assert refused.value.code == "invalid_order" and where in refused.value.reason
    assert "1000000000000" not in refused.value.reason  # fields and rules, not values
