"""The connector registry: the one way from a connection's kind to the code that serves it.

``CONNECTORS`` lists every kind of connection the hub has, by name, each with the
:class:`~orderbridge.connectors._entry.ConnectorEntry` its package declares: its role
(a POS, or an ordering channel), its capabilities, how to check its settings, how to
build its connector, how its webhooks are read at ``/webhooks/pos/{connection}`` and
which outbox jobs run its stored events. The composition root, the worker's job
table, the webhook ingress, the dashboard and the admin API all look kinds up here;
nothing registers itself on import, and no other module tests ``kind == "poster"``.

**Imported by kind.** A kind's package is imported the first time that kind is
looked up (``CONNECTORS[kind]``, :func:`entry`), not with the hub: a
deployment whose restaurants all use Poster never loads the REST POS or Wix code
(their modules and pydantic models: ~3 MiB of an idle ``serve``; docs/benchmarks.md,
"Idle RSS … (round 7, rss3)"). Listing every entry (``CONNECTORS.items()``: the
dashboard, the set-up checks) imports them all. The worker's job table needs each
kind's stored-event job names before any event arrives, so :data:`_KINDS` declares
them beside the package (a test compares them with the entries); a kind's handler
imports its package on the first such job.

Adding a POS is one folder under ``connectors/`` and one line in :data:`_KINDS` (see
docs/architecture.md, "Adding a POS"). The storefront webhooks are not a connection
kind: endpoints are configured on their own (``/api/v1/admin/webhook-endpoints``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from orderbridge.connectors._entry import (
    BuildContext,
    Clock,
    ConnectorEntry,
    EventHandler,
    InboundEvent,
    OwnMenuReader,
    PosFactory,
    Role,
    UowFactory,
    WebhookRejected,
)
from orderbridge.connectors._lazy import OnFirstLookup
from orderbridge.ports import Capabilities, ConnectionRecord, PermanentError, PosSystem


@dataclass(frozen=True)
class _Kind:
    """Where a kind's entry is (a module with ``CONNECTOR``), its role, and the job
    kinds of its stored events — all of them (``events``) and those its breaker lets
    through."""

    module: str
    role: Role
    events: frozenset[str] = frozenset()
    unguarded_events: frozenset[str] = frozenset()


_KINDS: Mapping[str, _Kind] = {
    "poster": _Kind(
        "orderbridge.connectors.poster",
        "pos",
        events=frozenset({"inbox.poster"}),
        unguarded_events=frozenset({"inbox.poster"}),
    ),
    "rest_pos": _Kind(
        "orderbridge.connectors.rest_pos",
        "pos",
        events=frozenset({"inbox.rest_pos"}),
        unguarded_events=frozenset({"inbox.rest_pos"}),
    ),
    "wix": _Kind("orderbridge.connectors.wix.entry", "channel"),
}


def _import_entry(kind: str) -> ConnectorEntry:
    entry: ConnectorEntry = importlib.import_module(_KINDS[kind].module).CONNECTOR
    return entry


CONNECTORS: OnFirstLookup[ConnectorEntry] = OnFirstLookup(_KINDS.keys(), _import_entry)
"""``kind → ConnectorEntry``, each kind's package imported on its first lookup."""


class UnknownKind(PermanentError):
    """No connector serves this kind of connection (or not in this role)."""

    def __init__(self, kind: str, role: str | None = None) -> None:
        what = f"{role} connector" if role else "connector"
        super().__init__("unknown_connector", f"no {what} for kind {kind!r}")
        self.kind = kind


def entry(kind: str, *, role: str | None = None) -> ConnectorEntry:
    """The registry's entry for ``kind`` (in ``role``, when given), or :class:`UnknownKind`."""
    found = CONNECTORS.get(kind)
    if found is None or (role is not None and found.role != role):
        raise UnknownKind(kind, role)
    return found


def kinds(role: str | None = None) -> list[str]:
    """The kinds the registry knows, in ``role`` when given, sorted."""
    return sorted(k for k, where in _KINDS.items() if role is None or where.role == role)


def package_of(kind: str) -> str | None:
    """The module ``kind``'s first lookup imports (None: no such kind): what the
    warm-up imports early for the kinds a deployment has (warmup.py)."""
    where = _KINDS.get(kind)
    return None if where is None else where.module


def capabilities(kind: str, settings: Mapping[str, Any]) -> Capabilities:
    """What a connection of ``kind`` with ``settings`` can do."""
    return entry(kind).capabilities(settings)


def validate(kind: str, settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> None:
    """Check a new connection's settings offline: ``UnknownKind`` or ValueError (why)."""
    entry(kind).validate(settings, credentials)


def build_pos(connection: ConnectionRecord, context: BuildContext) -> PosSystem:
    """The POS connector of ``connection`` (``UnknownKind`` unless a POS kind)."""
    build = entry(connection.kind, role="pos").build_pos
    if build is None:
        raise UnknownKind(connection.kind, "pos")
    return build(connection, context)


def event_handlers() -> dict[str, EventHandler]:
    """Outbox job kind → handler of every connector's stored events (a kind not yet
    imported gets a handler that imports it on its first job)."""
    return {
        job: CONNECTORS[kind].events[job]
        if CONNECTORS.made(kind)
        else _on_first_job(CONNECTORS, kind, job)
        for kind, where in _KINDS.items()
        for job in sorted(where.events)
    }


def _on_first_job(registry: Mapping[str, ConnectorEntry], kind: str, job: str) -> EventHandler:
    """The handler of ``kind``'s ``job`` in ``registry``, imported when the first such
    job runs."""

    async def handle(
        payload: Mapping[str, Any], *, uow: UowFactory, pos_for: PosFactory, clock: Clock
    ) -> dict[str, Any]:
        handler = registry[kind].events[job]
        return await handler(payload, uow=uow, pos_for=pos_for, clock=clock)

    return handle


def unguarded_events() -> frozenset[str]:
    """Job kinds the worker lets through while their connection's breaker is open."""
    return frozenset().union(*(where.unguarded_events for where in _KINDS.values()))


__all__ = [
    "CONNECTORS",
    "BuildContext",
    "ConnectorEntry",
    "EventHandler",
    "InboundEvent",
    "OwnMenuReader",
    "UnknownKind",
    "WebhookRejected",
    "build_pos",
    "capabilities",
    "entry",
    "event_handlers",
    "kinds",
    "package_of",
    "unguarded_events",
    "validate",
]
