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

import asyncio
import contextlib
import hashlib
import itertools
import json
import time
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from orderbridge.sandboxes.poster.context import WebhookEvent
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.state import Application

MAX_ATTEMPTS = 15
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
DELIVERY_TIMEOUT_SECONDS = 10.0
REORDER_WINDOW_SECONDS = 0.3
LOG_LIMIT = 10_000


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


class WebhookDispatcher:
    """Queues events, signs them per subscribed application and delivers them."""

    def __init__(
        self,
        sandbox: PosterSandbox,
        *,
        retry_scale: float = 1.0,
        senders: int = 4,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.sandbox = sandbox
        self.transport = transport
        self.retry_scale = retry_scale
        self.senders = senders
        self.log: deque[LogEntry] = deque(maxlen=LOG_LIMIT)
        self._ids = itertools.count(1)
        self._queue: asyncio.Queue[Delivery] | None = None
        self._held: list[Delivery] = []
        self._in_flight = 0
        self._scheduled = 0
        self._client: httpx.AsyncClient | None = None
        self._tasks: list[asyncio.Task[None]] = []

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
            if faults.drop_webhook():
                self._record(delivery, "dropped")
                continue
            self._enqueue(delivery)
            if faults.duplicate_webhook():
                self._enqueue(
                    Delivery(
                        next(self._ids),
                        delivery.application_id,
                        delivery.url,
                        dict(delivery.body),
                        duplicate=True,
                    )
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

    def _enqueue(self, delivery: Delivery) -> None:
        if self._queue is None:
            # Not running (no event loop serving): nothing can be sent; say so in the log.
            self._record(delivery, "error", error="dispatcher not running")
            return
        if self.sandbox.faults.config.webhook_reorder:
            self._held.append(delivery)
            if len(self._held) == 1:
                asyncio.get_running_loop().call_later(REORDER_WINDOW_SECONDS, self._release_held)
            return
        self._queue.put_nowait(delivery)

    def _release_held(self) -> None:
        held, self._held = self._held, []
        for delivery in reversed(held):  # newest first: the receiver sees them reordered
            if self._queue is not None:
                self._queue.put_nowait(delivery)

    # Running -----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def running(self) -> AsyncIterator[None]:
        """Deliver while the context is open (the app's lifespan)."""
        self._queue = asyncio.Queue()
        self._client = httpx.AsyncClient(
            timeout=DELIVERY_TIMEOUT_SECONDS, follow_redirects=False, transport=self.transport
        )
        self._tasks = [asyncio.create_task(self._sender()) for _ in range(self.senders)]
        try:
            yield
        finally:
            for task in self._tasks:
                task.cancel()
            for task in self._tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await self._client.aclose()
            self._queue = None

    async def idle(self, limit_seconds: float = 10.0) -> None:
        """Wait until nothing is queued, held, in flight or waiting for a retry."""
        deadline = time.monotonic() + limit_seconds
        while self._busy():
            if time.monotonic() > deadline:
                raise TimeoutError("webhook deliveries still pending")
            await asyncio.sleep(0.01)

    def _busy(self) -> bool:
        queued = self._queue.qsize() if self._queue is not None else 0
        return bool(queued or self._held or self._in_flight or self._scheduled)

    async def _sender(self) -> None:
        assert self._queue is not None
        while True:
            delivery = await self._queue.get()
            self._in_flight += 1
            try:
                await self._attempt(delivery)
            finally:
                self._in_flight -= 1

    async def _attempt(self, delivery: Delivery) -> None:
        assert self._client is not None
        delivery.attempt += 1
        status: int | None = None
        try:
            response = await self._client.post(delivery.url, json=delivery.body)
            status = response.status_code
            accepted = _is_accept(response)
            outcome, error = ("accepted", None) if accepted else ("rejected", None)
        except httpx.HTTPError as exc:
            outcome, error = "error", f"{type(exc).__name__}: {exc}"
        self._record(delivery, outcome, status_code=status, error=error)
        if outcome != "accepted" and delivery.attempt < MAX_ATTEMPTS:
            delay = RETRY_DELAYS[delivery.attempt - 1] * self.retry_scale
            self._scheduled += 1
            asyncio.get_running_loop().call_later(delay, self._requeue, delivery)

    def _requeue(self, delivery: Delivery) -> None:
        self._scheduled -= 1
        if self._queue is not None:
            self._queue.put_nowait(delivery)

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
        rows = [e for e in self.log if obj is None or e.object == obj]
        return [asdict(e) for e in rows[-limit:]]


def _is_accept(response: httpx.Response) -> bool:
    try:
        payload = response.json()
    except (ValueError, json.JSONDecodeError):
        return False
    return isinstance(payload, dict) and payload.get("status") == "accept"
