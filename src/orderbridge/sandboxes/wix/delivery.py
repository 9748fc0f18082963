"""Webhook delivery with Wix's resend policy.

A delivery succeeds only if the receiver answers HTTP 200 within 1,250 ms. Otherwise
Wix resends it up to 12 more times, about 1 min, 10 min, 1 h, 2 h ×3, 4 h ×3, 8 h ×2
and 12 h after the previous attempt; ``resend_scale`` compresses that for tests
(0.0001 turns the two days into about 17 s). Each delay is jittered ±20 % so the
resends of different events interleave and arrive out of order, as Wix's can. Every
attempt (and every drop) is a row of the delivery log (``GET /_sandbox/events``).
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from orderbridge.sandboxes.dispatch import LOG_LIMIT, DeliveryQueue
from orderbridge.sandboxes.wix.events import WixEvent, decode, sign
from orderbridge.sandboxes.wix.sandbox import WixSandbox

RESPONSE_DEADLINE_SECONDS = 1.25
# Seconds before resend 1, 2, … 12.
RESEND_DELAYS: tuple[float, ...] = (
    60,
    600,
    3600,
    7200,
    7200,
    7200,
    14400,
    14400,
    14400,
    28800,
    28800,
    43200,
)
MAX_ATTEMPTS = 1 + len(RESEND_DELAYS)


@dataclass
class Delivery:
    id: int
    event: WixEvent
    url: str
    token: str
    attempt: int = 0
    duplicate: bool = False


@dataclass
class LogEntry:
    """One attempt, or a drop, as the delivery log shows it."""

    delivery_id: int
    event_id: str
    event_type: str
    entity_id: str
    url: str
    attempt: int
    outcome: str  # delivered | rejected | timeout | error | dropped | no_url
    status_code: int | None = None
    error: str | None = None
    at: float = field(default_factory=time.time)
    duplicate: bool = False


class EventDispatcher(DeliveryQueue[Delivery, LogEntry]):
    """Signs events and delivers them to the site's webhook URL while running."""

    idle_limit_seconds = 30.0
    retry_delays = RESEND_DELAYS

    def __init__(
        self,
        sandbox: WixSandbox,
        *,
        resend_scale: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
        senders: int = 4,
        deadline_seconds: float = RESPONSE_DEADLINE_SECONDS,
    ):
        super().__init__(senders=senders, transport=transport, retry_scale=resend_scale)
        self.sandbox = sandbox
        self.deadline_seconds = deadline_seconds
        self.published: list[dict[str, Any]] = []

    # Publishing --------------------------------------------------------------------

    def _sign(self, event: WixEvent) -> str:
        site = self.sandbox.world.site
        return sign(
            event,
            instance_id=site.instance_id,
            app_id=site.app_id,
            key_pem=self.sandbox.world.private_key_pem,
            now=self.sandbox.now(),
        )

    def publish(self, event: WixEvent) -> None:
        sandbox, site = self.sandbox, self.sandbox.world.site
        token = self._sign(event)
        self.published.append(
            {
                "jwt": token,
                **decode(token, sandbox.public_key_pem, verify_exp=False),
                "publishedAt": time.time(),
            }
        )
        delivery = Delivery(next(self._ids), event, site.webhook_url, token)
        if not site.webhook_url:
            self._record(delivery, "no_url", error="no webhook URL configured")
        else:
            self._offer(
                delivery,
                drop=sandbox.faults.drop_event(),
                duplicate=lambda: (
                    Delivery(next(self._ids), event, delivery.url, token, duplicate=True)
                    if sandbox.faults.duplicate_event()
                    else None
                ),
            )
        del self.published[:-LOG_LIMIT]

    def _reordering(self) -> bool:
        return self.sandbox.faults.config.event_reorder

    def _jitter(self) -> float:
        return self.sandbox.faults.jitter()

    async def _post(self, client: httpx.AsyncClient, delivery: Delivery) -> httpx.Response:
        # Each attempt is signed at its own time, so a resend two days later still
        # carries an unexpired JWT (whether Wix re-signs resends is *unconfirmed*).
        delivery.token = self._sign(delivery.event) if delivery.attempt > 1 else delivery.token
        try:
            # Wix posts the bare JWT; its content type is *unconfirmed* (text/plain here).
            return await asyncio.wait_for(
                client.post(
                    delivery.url,
                    content=delivery.token,
                    headers={"content-type": "text/plain; charset=utf-8"},
                ),
                self.deadline_seconds,
            )
        except TimeoutError:
            raise TimeoutError(f"no answer within {self.deadline_seconds} s") from None

    def _accepted(self, response: httpx.Response) -> bool:
        """Wix takes only an HTTP 200 (within the deadline) as delivered."""
        return response.status_code == 200

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
                event_id=delivery.event.id,
                event_type=delivery.event.event_type,
                entity_id=str(delivery.event.body.get("entityId", "")),
                url=delivery.url,
                attempt=delivery.attempt,
                outcome=outcome,
                status_code=status_code,
                error=error,
                duplicate=delivery.duplicate,
            )
        )

    def entries(self, *, event_id: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """The delivery log, oldest first, optionally of one event."""
        return self._entries(lambda e: event_id is None or e.event_id == event_id, limit)
