"""A REST POS's webhooks: verify the signature, then read the event's meaning. Nothing else.

The manifest's ``[webhooks.signature]`` says how the POS signs: an HMAC of ``signed``
(``{timestamp}.{body}``, the raw body …) with the connection's secret, carried in a
header that reads like ``format`` (``t={timestamp},v1={signature}``). It is checked,
in constant time, on the raw bytes before the body is parsed; a signed timestamp older
(or newer) than ``tolerance_seconds`` is refused as a replay. Only then is the body
read: its event type (a path, or a header) picks ``[webhooks.events."TYPE"]``, whose
``means`` and paths say what happened and to what. Event types the manifest does not
list are kept for audit and need no work.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from orderbridge.connectors._entry import InboundEvent, WebhookRejected
from orderbridge.connectors.rest_pos import templates
from orderbridge.connectors.rest_pos.manifest import Manifest, Signature
from orderbridge.connectors.rest_pos.paths import compile_path

REST_POS_EVENT = "inbox.rest_pos"
# Meanings that need no worker: recorded in the inbox, nothing to catch up on.
NO_WORK = frozenset({"ignore"})


def verify(
    signature: Signature,
    credentials: Mapping[str, str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime,
) -> None:
    """Raise :class:`WebhookRejected` unless ``body`` carries a valid, fresh signature.

    Header names are matched without regard to case, as HTTP has them."""
    headers = {k.lower(): v for k, v in headers.items()}
    secret = str(
        templates.render(signature.secret, {"credentials": credentials}, templates.Style())
    )
    if not secret:
        raise WebhookRejected("no_webhook_secret", "the connection has no webhook secret")
    sent = headers.get(signature.header.lower())
    if not sent:
        raise WebhookRejected("invalid_signature", f"no {signature.header} header")
    parts = _parse(signature.format, sent)
    if parts is None or not parts.get("signature"):
        raise WebhookRejected(
            "invalid_signature", f"{signature.header} is not in the expected form"
        )
    timestamp = parts.get("timestamp") or (
        headers.get(signature.timestamp_header.lower()) if signature.timestamp_header else None
    )
    if "{timestamp}" in signature.signed and not (timestamp and timestamp.isdigit()):
        raise WebhookRejected("invalid_signature", "the signed timestamp is missing")
    signed = signature.signed.replace("{timestamp}", timestamp or "").encode()
    signed = signed.replace(b"{body}", body)
    digest = hmac.new(secret.encode(), signed, signature.algorithm).digest()
    expected = digest.hex() if signature.encoding == "hex" else base64.b64encode(digest).decode()
    given = parts["signature"]
    candidates = [given] if signature.encoding == "base64" else [given.lower()]
    if not any(hmac.compare_digest(expected.encode(), c.encode()) for c in candidates):
        raise WebhookRejected("invalid_signature", "the signature does not match the secret")
    # Only a genuine signature's time is worth judging: an old one is a replay.
    age = abs(now.timestamp() - int(timestamp)) if timestamp and timestamp.isdigit() else 0.0
    if "{timestamp}" in signature.signed and age > signature.tolerance_seconds:
        raise WebhookRejected("stale_webhook", "the signature's timestamp is too old or new")


def _parse(fmt: str, header: str) -> dict[str, str] | None:
    """The placeholders of ``fmt`` read from ``header``: ``t={timestamp},v1={signature}``."""
    pattern = ""
    for piece in re.split(r"(\{signature\}|\{timestamp\})", fmt):
        if piece == "{signature}":
            pattern += r"(?P<signature>[A-Za-z0-9+/=_\-]+)"
        elif piece == "{timestamp}":
            pattern += r"(?P<timestamp>\d+)"
        else:
            pattern += re.escape(piece)
    match = re.fullmatch(pattern, header.strip())
    return match.groupdict() if match else None


def read(
    manifest: Manifest,
    connection_id: str,
    credentials: Mapping[str, str],
    headers: Mapping[str, str],
    body: bytes,
    *,
    now: datetime,
) -> list[InboundEvent]:
    """Verify and read one webhook into the inbox event that will act on it."""
    hooks = manifest.webhooks
    if hooks is None:
        raise WebhookRejected("no_webhook_secret", f"the {manifest.name} manifest has no webhooks")
    verify(hooks.signature, credentials, headers, body, now=now)
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise WebhookRejected("invalid_webhook", "the body is not JSON") from None
    lowered = {k.lower(): v for k, v in headers.items()}
    kind = lowered.get(hooks.type_header.lower()) if hooks.type_header else None
    if hooks.type:
        kind = compile_path(hooks.type).first(document, kind)
    if kind is None:
        raise WebhookRejected("invalid_webhook", "the body names no event type")
    event_id = compile_path(hooks.id).first(document) if hooks.id else None
    if event_id is None:
        event_id = hashlib.sha256(body).hexdigest()
    event = hooks.events.get(str(kind))
    payload: dict[str, Any] = {"connection_id": connection_id, "type": str(kind)}
    means = event.means if event is not None else "ignore"
    payload["means"] = means
    if event is not None:
        for key in ("pos_order_id", "item_id", "location", "online", "sold_out"):
            path = getattr(event, key)
            if path is not None:
                value = compile_path(path).first(document)
                payload[key] = value if isinstance(value, bool) or value is None else str(value)
    work = means not in NO_WORK
    if work and event is not None:
        missing = [k for k in _needed(means) if payload.get(k) is None]
        if missing:
            raise WebhookRejected("invalid_webhook", f"{kind}: the body has no {missing[0]}")
    subject = payload.get("pos_order_id") or payload.get("item_id") or payload.get("location")
    return [
        InboundEvent(
            external_id=f"{connection_id}:{event_id}",
            payload=payload,
            job_kind=REST_POS_EVENT if work else None,
            job_key=f"rest_pos:{connection_id}:{means}:{subject or ''}",
            # Without an event id, two changes of one item may read alike: re-read anyway.
            again=hooks.id is None and means in ("item_changed", "menu_changed"),
        )
    ]


def _needed(means: str) -> tuple[str, ...]:
    return {
        "order_status_changed": ("pos_order_id",),
        "reservation_status_changed": ("pos_order_id",),
        "item_changed": ("item_id",),
        "item_removed": ("item_id",),
        "availability_changed": ("online",),
    }.get(means, ())
