"""Webhook delivery, as Poster does it: a JSON POST per change, signed with md5.

The body is the reference's: ``account``, ``account_number``, ``object``, ``object_id``,
``action``, ``time``, ``verify`` and, for some entities, ``data`` (a JSON string). The
signature is ``md5("account;object;object_id;action[;data];time;application_secret")``.
A delivery counts only when the receiver answers ``{"status": "accept"}``; otherwise it
is retried, 15 attempts in all, on ``RETRY_DELAYS`` (Poster does not publish its
schedule; this one spreads the attempts over about a day). ``retry_scale`` compresses
the schedule for tests (0.001 turns a day into under 90 seconds).
"""

from __future__ import annotations

import functools
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any

import httpx

from orderbridge.sandboxes.dispatch import DeliveryQueue
from orderbridge.sandboxes.poster.context import WebhookEvent
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.state import Application

# Seconds to wait before attempt 2, 3, … 15.
RETRY_DELAYS: tuple[float, ...] = (
    10,
    30,
    60,
    120,
    300,
    600,
    900,
    1800,
    3600,
    3600,
    7200,
    7200,
    14400,
    43200,
)
MAX_ATTEMPTS = 1 + len(RETRY_DELAYS)
DELIVERY_TIMEOUT_SECONDS = 10.0


def sign(body: dict[str, Any], secret: str) -> str:
    """Poster's ``verify``: md5 of the fields joined by ``;``, ``data`` only if present."""
    parts = [str(body["account"]), str(body["object"]), str(body["object_id"]), str(body["action"])]
    if body.get("data") is not None:
        parts.append(str(body["data"]))
    parts += [str(body["time"]), secret]
    return hashlib.md5(";".join(parts).encode("utf-8")).hexdigest()


def build_body(event: WebhookEvent, secret: str, now: float) -> dict[str, Any]:
    """The POST body for one event, signed for one application."""
    body: dict[str, Any] = {
        "account": event.account,
        "account_number": event.account_number,
        "object": event.object,
        "object_id": event.object_id,
        "action": event.action,
        "time": str(int(now)),
    }
    if event.data is not None:
        body["data"] = event.data
    body["verify"] = sign(body, secret)
    return body


@dataclass
class Delivery:
    id: int
    application_id: int
    url: str
    body: dict[str, Any]
    attempt: int = 0
    duplicate: bool = False


@dataclass
class LogEntry:
    """One attempt (or a drop) as ``GET /_sandbox/webhooks`` shows it."""

    delivery_id: int
    application_id: int
    url: str
    object: str
    object_id: int
    action: str
    attempt: int
    outcome: str  # accepted | rejected | error | dropped
    status_code: int | None = None
    error: str | None = None
    at: float = field(default_factory=time.time)
    duplicate: bool = False
    body: dict[str, Any] = field(default_factory=dict)


class WebhookDispatcher(DeliveryQueue[Delivery, LogEntry]):
    """Queues events, signs them per subscribed application and delivers them."""

    client_timeout = DELIVERY_TIMEOUT_SECONDS
    retry_delays = RETRY_DELAYS
    taken_outcome = "accepted"

    def __init__(
        self,
        sandbox: PosterSandbox,
        *,
        retry_scale: float = 1.0,
        senders: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        super().__init__(senders=senders, transport=transport, retry_scale=retry_scale)
        self.sandbox = sandbox

    # EventSink ---------------------------------------------------------------------

    def publish(self, event: WebhookEvent) -> None:
        """Fan one event out to every application that should hear of it."""
        account = self.sandbox.world.accounts.get(event.account)
        if account is None:
            return
        faults = self.sandbox.faults
        for app in self._subscribers(event):
            if app.application_id not in account.installations and event.object != "application":
                continue
            delivery = Delivery(
                next(self._ids),
                app.application_id,
                app.webhook_url,
                build_body(event, app.application_secret, self.sandbox.clock().timestamp()),
            )
            self._offer(
                delivery,
                drop=faults.drop_webhook(),
                duplicate=functools.partial(self._duplicate, delivery),
            )

    def _duplicate(self, delivery: Delivery) -> Delivery | None:
        """A second copy of ``delivery``, if the duplicate fault strikes."""
        if not self.sandbox.faults.duplicate_webhook():
            return None
        return Delivery(
            next(self._ids),
            delivery.application_id,
            delivery.url,
            dict(delivery.body),
            duplicate=True,
        )

    def _subscribers(self, event: WebhookEvent) -> list[Application]:
        apps = list(self.sandbox.world.applications.values())
        if event.application_id is not None:
            apps = [a for a in apps if a.application_id == event.application_id]
        return [
            a
            for a in apps
            if a.webhook_url and (not a.webhook_entities or event.object in a.webhook_entities)
        ]

    def _reordering(self) -> bool:
        return self.sandbox.faults.config.webhook_reorder

    async def _post(self, client: httpx.AsyncClient, delivery: Delivery) -> httpx.Response:
        return await client.post(delivery.url, json=delivery.body)

    def _accepted(self, response: httpx.Response) -> bool:
        """Poster's receiver takes a webhook only by answering ``{"status": "accept"}``."""
        try:
            payload = response.json()
        except (ValueError, json.JSONDecodeError):
            return False
        return isinstance(payload, dict) and payload.get("status") == "accept"

    def _record(
        self,
        delivery: Delivery,
        outcome: str,
        *,
        status_code: int | None = None,
        error: str | None = None,
    ) -> None:
        body = delivery.body
        self.log.append(
            LogEntry(
                delivery_id=delivery.id,
                application_id=delivery.application_id,
                url=delivery.url,
                object=str(body["object"]),
                object_id=int(body["object_id"]),
                action=str(body["action"]),
                attempt=delivery.attempt,
                outcome=outcome,
                status_code=status_code,
                error=error,
                duplicate=delivery.duplicate,
                body=body,
            )
        )

    def entries(self, *, obj: str | None = None, limit: int = 1000) -> list[dict[str, Any]]:
        """The delivery log, newest last, optionally of one entity."""
        return self._entries(lambda e: obj is None or e.object == obj, limit)
