"""Countertop's webhooks: a signed JSON POST per event, retried until answered 2xx.

The body is the event, ``{"id", "type", "created", "storeId", "data"}``. Each attempt
is signed afresh, Stripe's way: header ``Countertop-Signature: t=<unix seconds>,v1=<hex
HMAC-SHA256 of "<t>.<raw body>" with the endpoint's secret>``, plus
``Countertop-Event: <type>`` and ``Countertop-Delivery: <event id>``. Anything but a 2xx
(or no answer in 10 s) is retried, six attempts in all, after ``RETRY_DELAYS``
(``retry_scale`` compresses them for tests).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from orderbridge.sandboxes.dispatch import DeliveryQueue
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox

SIGNATURE_HEADER = "Countertop-Signature"
RETRY_DELAYS: tuple[float, ...] = (5, 30, 120, 600, 3600)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


def signature_header(body: bytes, secret: str, timestamp: int) -> str:
    """``t=…,v1=…`` for ``body`` signed at ``timestamp`` with ``secret``."""
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


@dataclass
class Delivery:
    id: int
    url: str
    event: dict[str, Any]
    attempt: int = 0
    duplicate: bool = False


@dataclass
class LogEntry:
    """One attempt (or a drop), as ``GET /_sandbox/webhooks`` shows it."""

    delivery_id: int
    event_id: str
    type: str
    url: str
    attempt: int
    outcome: str  # delivered | rejected | error | dropped
    status_code: int | None = None
    error: str | None = None
    duplicate: bool = False
    at: float = field(default_factory=time.time)
    event: dict[str, Any] = field(default_factory=dict)


class WebhookDispatcher(DeliveryQueue[Delivery, LogEntry]):
    """Queues the sandbox's events for its webhook endpoint and delivers them, signed."""

    client_timeout = 10.0
    retry_delays = RETRY_DELAYS

    def __init__(
        self,
        sandbox: CountertopSandbox,
        *,
        retry_scale: float = 1.0,
        senders: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        super().__init__(senders=senders, transport=transport, retry_scale=retry_scale)
        self.sandbox = sandbox

    def publish(self, event: dict[str, Any]) -> None:
        """Queue ``event`` for the endpoint (nothing when no URL is set)."""
        url = self.sandbox.world.webhook.url
        if not url:
            return
        delivery = Delivery(next(self._ids), url, event)
        faults = self.sandbox.faults
        self._offer(
            delivery,
            drop=faults.drop_webhook(),
            duplicate=lambda: (
                Delivery(next(self._ids), url, event, duplicate=True)
                if faults.duplicate_webhook()
                else None
            ),
        )

    def _reordering(self) -> bool:
        return self.sandbox.faults.config.webhook_reorder

    async def _post(self, client: httpx.AsyncClient, delivery: Delivery) -> httpx.Response:
        """One attempt, signed afresh at the time it is sent."""
        body = json.dumps(delivery.event, ensure_ascii=False, separators=(",", ":")).encode()
        stamp = int(self.sandbox.clock().timestamp())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Countertop-Webhooks/2.0",
            SIGNATURE_HEADER: signature_header(body, self.sandbox.world.webhook.secret, stamp),
            "Countertop-Event": str(delivery.event["type"]),
            "Countertop-Delivery": str(delivery.event["id"]),
        }
        return await client.post(delivery.url, content=body, headers=headers)

    def _accepted(self, response: httpx.Response) -> bool:
        return 200 <= response.status_code < 300

    def _record(
        self,
        delivery: Delivery,
        outcome: str,
        *,
        status_code: int | None = None,
        error: str | None = None,
    ) -> None:
        self.log.append(
            LogEntry(
                delivery_id=delivery.id,
                event_id=str(delivery.event["id"]),
                type=str(delivery.event["type"]),
                url=delivery.url,
                attempt=delivery.attempt,
                outcome=outcome,
                status_code=status_code,
                error=error,
                duplicate=delivery.duplicate,
                event=delivery.event,
            )
        )

    def entries(self, *, kind: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """The delivery log, newest last, optionally of one event type."""
        return self._entries(lambda e: kind is None or e.type == kind, limit)
