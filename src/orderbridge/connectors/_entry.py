"""What a connector declares for the registry: its kind, what it can do, how to build it,
and how its webhooks and stored events are handled.

Each connector package exposes one :class:`ConnectorEntry` as ``CONNECTOR``; the
registry in :mod:`orderbridge.connectors` lists them by kind, and everything that
dispatches on a connection's kind (the composition root building connectors, the
worker's job table, the generic webhook route ``/webhooks/pos/{connection}``, the
dashboard, the admin API validating a new connection) asks the registry, never
``kind == "poster"``. Nothing here imports a connector, so connectors can import this.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

import httpx
from pydantic import ValidationError

from orderbridge import safejson
from orderbridge.ports import (
    Capabilities,
    ConnectionRecord,
    PermanentError,
    PosSystem,
    UnitOfWork,
)
from orderbridge.services.connection_setup import ConnectionSetup

Role = Literal["pos", "channel"]
UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class BuildContext:
    """What the composition root gives a connector factory besides the connection."""

    # Where the connector's HTTP goes; None: the network (tests pass ASGI transports).
    transport: httpx.AsyncBaseTransport | None = None
    # How long one call may take when the connection does not say.
    timeout_seconds: float = 10.0
    # Whether loopback and private addresses may be called (local development, demos).
    allow_private_urls: bool = False


class WebhookRejected(PermanentError):
    """An inbound webhook that is not genuine or not readable: answer 4xx, store nothing.

    ``code`` is ``invalid_signature`` (the signature did not verify, or was missing),
    ``stale_webhook`` (its timestamp is outside the tolerance), ``invalid_webhook``
    (verified but not readable), ``invalid_value`` (verified, but an id no real event
    has: too long for the inbox, or holding a NUL) or ``no_webhook_secret`` (the
    connection cannot verify).
    """


KEY_LENGTH = 255
"""Room for an event's ``external_id`` and its job's ``key`` (``VARCHAR(255)`` columns)."""


@dataclass(frozen=True)
class InboundEvent:
    """A verified webhook, ready for the inbox: its dedup id, the job that handles it."""

    external_id: str
    payload: dict[str, Any]
    # The job that acts on it (None: stored already processed, for dedup and audit).
    job_kind: str | None
    job_key: str | None = None
    # Queue the job again when the same event comes twice (menu re-reads).
    again: bool = False

    def __post_init__(self) -> None:
        """Refuse ids the inbox cannot hold, whichever connector read them: the sender
        chose them, and an id past its column (or with a NUL, which PostgreSQL cannot
        store) would fail the insert with a 500 and be retried by the sender forever.
        The payload too: no NUL, no nesting deeper than ``safejson`` allows."""
        for name, value in (("external_id", self.external_id), ("job_key", self.job_key)):
            if value is not None and (len(value) > KEY_LENGTH or "\x00" in value):
                raise WebhookRejected("invalid_value", f"the event's {name} is not storable")
        try:
            safejson.check(self.payload)
        except safejson.Unacceptable as exc:
            raise WebhookRejected("invalid_webhook", str(exc)) from None


class WebhookReader(Protocol):
    """Verify (before anything is believed) and read one webhook of a connection."""

    def __call__(
        self,
        connection: ConnectionRecord,
        headers: Mapping[str, str],
        body: bytes,
        *,
        now: datetime,
    ) -> Sequence[InboundEvent]: ...


class EventHandler(Protocol):
    """Run one stored inbound event (an outbox job), with the hub's parts."""

    def __call__(
        self,
        payload: Mapping[str, Any],
        *,
        uow: UowFactory,
        pos_for: PosFactory,
        clock: Clock,
    ) -> Awaitable[dict[str, Any]]: ...


class OwnMenuReader(Protocol):
    """Read a channel's own menu from the channel (``own`` mode, docs/menu-mapping.md):
    a channel menu document, ``{"items": [...]}`` with the channel's own ids, of the
    channel's place ``place`` (the location's external id there)."""

    def __call__(
        self,
        connection: ConnectionRecord,
        context: BuildContext,
        *,
        place: str,
        currency: str,
    ) -> Awaitable[dict[str, Any]]: ...


def one_line(error: ValidationError) -> str:
    """A settings model's first complaint as ``field: reason`` (for one-line errors)."""
    first = error.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"]) or "settings"
    return f"{where}: {first['msg']}"


def fixed(capabilities: Capabilities) -> Callable[[Mapping[str, Any]], Capabilities]:
    """Capabilities that do not depend on a connection's settings."""

    def of(_settings: Mapping[str, Any]) -> Capabilities:
        return capabilities

    return of


@dataclass(frozen=True)
class ConnectorEntry:
    """One kind of connection, as the registry knows it."""

    kind: str
    role: Role
    title: str
    # What a connection of this kind can do, from its settings (a REST POS's manifest
    # decides; Poster's are fixed). Services read the built connector's own.
    capabilities: Callable[[Mapping[str, Any]], Capabilities]
    # Check a connection's settings and credentials without calling anything; raises
    # ValueError with a one-line reason.
    validate: Callable[[Mapping[str, Any], Mapping[str, Any]], None]
    # Build the POS connector of a connection (POS kinds only).
    build_pos: Callable[[ConnectionRecord, BuildContext], PosSystem] | None = None
    # ``/webhooks/pos/{connection}``: verify and read its webhooks (None: not served).
    webhooks: WebhookReader | None = None
    # Outbox job kinds this connector's stored events run as, and their handlers.
    events: Mapping[str, EventHandler] = field(default_factory=dict)
    # Of ``events``, the kinds that seldom call the remote system: the worker lets them
    # through while the connection's breaker is open (they mostly queue other jobs).
    unguarded_events: frozenset[str] = frozenset()
    # How an operator connects one (admin API, CLI, dashboard): the kind's checks of
    # what is typed and its questions to the system (``services.connection_setup``).
    # None: the settings check above, and (a POS) the places it lists.
    setup: Callable[[BuildContext], ConnectionSetup] | None = None
    # A channel whose own menu the hub can read from it (None: upload it instead).
    read_own_menu: OwnMenuReader | None = None
    # Where the connected system sends its webhooks, under the hub's base URL;
    # ``{connection}`` is the connection's id. None: a POS with a webhook reader uses
    # the generic ``/webhooks/pos/{connection}``; anything else receives none.
    webhook_path: str | None = None

    def webhook_path_of(self, connection_id: str) -> str | None:
        """The path this kind's webhooks arrive at for one connection, or None."""
        path = self.webhook_path
        if path is None and self.role == "pos" and self.webhooks is not None:
            path = "/webhooks/pos/{connection}"
        return None if path is None else path.replace("{connection}", connection_id)
