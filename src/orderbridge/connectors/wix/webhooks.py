"""Wix's webhooks: verify, parse, turn into commands. No other side effects.

Wix POSTs a bare RS256 JWT signed with the app's key. :func:`parse_webhook` verifies
the raw body with the connection's public key (PyJWT; ``RS256`` only, so a token that
names ``none`` or an HMAC algorithm is refused) before anything in it is believed, then
unwraps the nested JSON strings::

    claims {"data": "<str>"} → {"eventType", "instanceId", "data": "<str>"} → event

The event's ``id`` is the inbox's deduplication key: Wix resends a failed delivery up
to 12 times over two days, out of order, with the same event id. :func:`classify`
names what the hub does with an event; order events carry the whole order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from orderbridge import safejson
from orderbridge.connectors.wix.schemas import WixEvent, WixOrder
from orderbridge.ports import PermanentError

ORDER_FQDN = "wix.ecom.v1.order"
# Order Created and Order Approved both mean "a new order": whichever comes first makes
# the hub order, the other finds it (Wix sends both, in any order, and resends them).
NEW_ORDER_SLUGS = frozenset({"created", "approved"})
CANCELED_SLUG = "canceled"
# Leeway for the JWT's ``exp``/``iat`` between Wix's clock and ours. A token must carry
# ``exp``: one without it would stay replayable forever.
CLOCK_LEEWAY_SECONDS = 300


class WebhookRejected(PermanentError):
    """The body is not a genuine Wix webhook for this connection; answer 401, store nothing."""


class InvalidWixOrder(PermanentError):
    """A genuine (signed) event whose order is not shaped as Wix documents it: a
    quantity outside 1..100000, ``lineItems`` that is not a list … No retry fixes it."""

    def __init__(self, reason: str):
        super().__init__("invalid_order", reason)


@dataclass(frozen=True)
class WixWebhook:
    """A verified, unwrapped Wix webhook."""

    event_type: str
    instance_id: str
    event: WixEvent

    @property
    def event_id(self) -> str:
        return self.event.id


def parse_webhook(body: bytes | str, *, public_key_pem: str) -> WixWebhook:
    """Verify ``body`` (the raw JWT) and unwrap it, or raise :class:`WebhookRejected`."""
    # PyJWT (and cryptography's RSA and X.509 under it, ~5 MiB) is imported by the
    # first Wix webhook, not by every hub process (docs/benchmarks.md, "Idle RSS").
    import jwt

    token = body.decode("ascii", "replace") if isinstance(body, bytes) else body
    try:
        claims = jwt.decode(
            token.strip(),
            public_key_pem,
            algorithms=["RS256"],
            leeway=CLOCK_LEEWAY_SECONDS,
            options={"require": ["data", "exp"]},
        )
    except jwt.InvalidTokenError as exc:
        raise WebhookRejected("invalid_signature", f"the JWT does not verify: {exc}") from exc
    except RecursionError:  # PyJWT reads the header's JSON before it checks anything
        raise WebhookRejected("invalid_signature", "the JWT's header is not JSON") from None
    except ValueError as exc:  # a key that is not a PEM public key
        raise WebhookRejected("invalid_key", "the connection's public key is unusable") from exc
    try:
        outer = _json_object(claims["data"])
        event = WixEvent.model_validate(_json_object(outer.get("data")))
    except (ValueError, ValidationError) as exc:
        raise WebhookRejected("invalid_webhook", "the JWT's data is not a Wix event") from exc
    return WixWebhook(
        event_type=str(outer.get("eventType", "")),
        instance_id=str(outer.get("instanceId", "")),
        event=event,
    )


def _json_object(value: Any) -> dict[str, Any]:
    decoded = safejson.loads(value) if isinstance(value, str | bytes) else value
    if not isinstance(decoded, dict):
        raise ValueError("not a JSON object")
    return decoded


# Commands ---------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderArrived:
    """A new Wix order (Created or Approved): make it a hub order unless it exists."""

    order: WixOrder


@dataclass(frozen=True)
class OrderCanceledAtWix:
    """The order was canceled at Wix (by the site owner, or by the hub's own call)."""

    wix_order_id: str


WixCommand = OrderArrived | OrderCanceledAtWix


def classify(event: WixEvent) -> WixCommand | None:
    """What a verified event asks for; None for events the hub does not act on."""
    if event.entityFqdn != ORDER_FQDN:
        return None
    if event.slug in NEW_ORDER_SLUGS:
        document = event.order_document()
        if document is None:
            return None
        return OrderArrived(parse_order(document))
    if event.slug == CANCELED_SLUG:
        return OrderCanceledAtWix(event.entityId)
    return None


def parse_order(document: Any) -> WixOrder:
    """The order of an event, or :class:`InvalidWixOrder` naming what is wrong.

    The reason lists field paths and pydantic's messages only, never the values (a
    phone or an email must not reach a log or a dead letter).
    """
    try:
        return WixOrder.model_validate(document)
    except ValidationError as exc:
        problems = [
            f"{'.'.join(str(part) for part in error['loc']) or 'order'}: {error['msg']}"
            for error in exc.errors(include_url=False, include_input=False)[:5]
        ]
        raise InvalidWixOrder("; ".join(problems)) from None
