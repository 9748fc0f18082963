"""Our outbound webhook signatures, checked by the Standard Webhooks reference package
(``standardwebhooks`` on PyPI), so they cannot drift from the specification."""

from __future__ import annotations

import base64
import json
import time

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from orderbridge.connectors.storefront import signing
from orderbridge.connectors.storefront.delivery import body_of
from orderbridge.storage.admin import new_webhook_secret

MESSAGE = {"type": "order.received", "data": {"id": "ord_1", "note": "без цибулі"}}


def test_a_signed_message_verifies_with_the_reference_package() -> None:
    secret = new_webhook_secret()
    body = body_of(MESSAGE)
    now = int(time.time())
    headers = signing.headers([secret], "msg_1", now, body)
    assert Webhook(secret).verify(body, headers) == json.loads(body)


def test_during_a_rotation_either_secret_verifies() -> None:
    old, new = new_webhook_secret(), new_webhook_secret()
    body = body_of(MESSAGE)
    headers = signing.headers([new, old], "msg_2", int(time.time()), body)
    for secret in (old, new):
        assert Webhook(secret).verify(body, headers) == json.loads(body)


def test_a_changed_body_or_another_secret_does_not_verify() -> None:
    secret = new_webhook_secret()
    body = body_of(MESSAGE)
    headers = signing.headers([secret], "msg_3", int(time.time()), body)
    with pytest.raises(WebhookVerificationError):
        Webhook(secret).verify(body.replace(b"ord_1", b"ord_2"), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook(new_webhook_secret()).verify(body, headers)


def test_our_secrets_are_what_the_reference_package_expects() -> None:
    secret = new_webhook_secret()
    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
