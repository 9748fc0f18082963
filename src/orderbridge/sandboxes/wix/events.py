"""Wix webhook events: the event body, its envelope, and the RS256 JWT that carries it,
signed with the sandbox's key pair (Wix signs with the app's key and shows the public
key, one per app, in the app dashboard; there is no JWKS endpoint).

A webhook's POST body is a JWT signed with the app's key. Decoded, it nests JSON
strings: the claims hold ``data`` (a string) → ``{"eventType", "instanceId", "data",
"identity"}`` whose ``data`` (a string again) is the event ``{"id", "entityFqdn",
"slug", "entityId", "eventTime", "triggeredByAnonymizeRequest", "entityEventSequence",
"createdEvent" | "actionEvent" | "updatedEvent"}`` (``guides/DomainEvents.md`` and the
event examples of ``orders.service.json`` in wix-incubator/wix-rest-docs). Order
Created carries the order in ``createdEvent.entity``, Order Updated in
``updatedEvent.currentEntity``, the actions (approved, canceled,
payment_status_updated, fulfilled) in ``actionEvent.body.order`` next to their own
fields. ``originatedFrom`` is documented as present only when another action caused
the event, so the sandbox leaves it out.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from orderbridge.sandboxes.wix.formats import wix_time

KEY_BITS = 2048
ORDER_FQDN = "wix.ecom.v1.order"
# How long a webhook JWT stays valid. Wix's tokens carry ``iat``/``exp``; the span it
# uses is not published (*unconfirmed*). Each delivery attempt is signed anew
# (``delivery.py``), so an hour only has to cover the network.
TOKEN_LIFETIME = timedelta(hours=1)


def generate_private_key_pem() -> str:
    """A new RSA private key as PKCS#8 PEM (what the state file keeps)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def public_key_pem(private_pem: str) -> str:
    """The public half as SubjectPublicKeyInfo PEM, what ``jwt.decode`` accepts."""
    key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


@dataclass(frozen=True)
class WixEvent:
    """One event for the app's webhook URL."""

    event_type: str  # e.g. wix.ecom.v1.order_created
    body: dict[str, Any]  # the innermost event object

    @property
    def id(self) -> str:
        return str(self.body["id"])


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


EVENT_TYPES = {
    "created": "wix.ecom.v1.order_created",
    "updated": "wix.ecom.v1.order_updated",
    "approved": "wix.ecom.v1.order_approved",
    "canceled": "wix.ecom.v1.order_canceled",
    "payment_status_updated": "wix.ecom.v1.order_payment_status_updated",
    "fulfilled": "wix.ecom.v1.order_fulfilled",
}
"""Slug → the ``eventType`` of its envelope."""


def order_event(
    slug: str,
    order: dict[str, Any],
    now: datetime,
    *,
    sequence: int = 1,
    extra: dict[str, Any] | None = None,
) -> WixEvent:
    """An order event: ``created``, ``updated``, or an action (``approved``,
    ``canceled``, ``payment_status_updated``, ``fulfilled``) whose ``extra`` fields sit
    next to the order in ``actionEvent.body``. A copy of the order is taken."""
    snapshot = json.loads(json.dumps(order))
    body: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "entityFqdn": ORDER_FQDN,
        "slug": slug,
        "entityId": order["id"],
    }
    if slug == "created":
        body["createdEvent"] = {"entity": snapshot}
    elif slug == "updated":
        body["updatedEvent"] = {"currentEntity": snapshot}
    else:
        body["actionEvent"] = {"body": {"order": snapshot, **(extra or {})}}
    body["eventTime"] = wix_time(now)
    body["triggeredByAnonymizeRequest"] = False
    body["entityEventSequence"] = str(sequence)
    return WixEvent(EVENT_TYPES.get(slug, f"{ORDER_FQDN}_{slug}"), body)


def envelope(event: WixEvent, *, instance_id: str, app_id: str) -> dict[str, Any]:
    """The object the JWT's ``data`` claim holds (as a string)."""
    return {
        "eventType": event.event_type,
        "instanceId": instance_id,
        "data": _dumps(event.body),
        "identity": _dumps({"identityType": "APP", "appId": app_id}),
    }


def sign(event: WixEvent, *, instance_id: str, app_id: str, key_pem: str, now: datetime) -> str:
    """The webhook body: an RS256 JWT whose ``data`` claim is the envelope as a string."""
    claims = {
        "data": _dumps(envelope(event, instance_id=instance_id, app_id=app_id)),
        "iat": int(now.timestamp()),
        "exp": int((now + TOKEN_LIFETIME).timestamp()),
    }
    return jwt.encode(claims, key_pem, algorithm="RS256")


def decode(token: str, public_pem: str, *, verify_exp: bool = True) -> dict[str, Any]:
    """Verify a webhook JWT and unwrap it to ``{eventType, instanceId, event}``.

    What a receiver does; the sandbox uses it for its event log (without the expiry
    check: a sandbox on a fixed test clock signs tokens that are already old).
    """
    claims = jwt.decode(token, public_pem, algorithms=["RS256"], options={"verify_exp": verify_exp})
    outer = json.loads(claims["data"])
    return {
        "eventType": outer["eventType"],
        "instanceId": outer["instanceId"],
        "event": json.loads(outer["data"]),
    }
