"""The connector registry: the one way from a connection's kind to the code that serves it.

``CONNECTORS`` lists every kind of connection the hub has, by name, each with the
:class:`~orderbridge.connectors._entry.ConnectorEntry` its package declares: its role
(a POS, or an ordering channel), its capabilities, how to check its settings, how to
build its connector, how its webhooks are read at ``/webhooks/pos/{connection}`` and
which outbox jobs run its stored events. The composition root, the worker's job
table, the webhook ingress, the dashboard and the admin API all look kinds up here;
nothing registers itself on import, and no other module tests ``kind == "poster"``.

Adding a POS is one folder under ``connectors/`` and one line below (see
docs/architecture.md, "Adding a POS"). The storefront webhooks are not a connection
kind: endpoints are configured on their own (``/api/v1/admin/webhook-endpoints``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from orderbridge.connectors import poster, rest_pos
from orderbridge.connectors._entry import (
    BuildContext,
    ConnectorEntry,
    EventHandler,
    InboundEvent,
    OwnMenuReader,
    WebhookRejected,
    fixed,
    one_line,
)
from orderbridge.connectors.own_menus import read_wix_own_menu
from orderbridge.connectors.wix.connector import CAPABILITIES as WIX_CAPABILITIES
from orderbridge.connectors.wix.settings import WixSettings
from orderbridge.connectors.wix.setup import WixSetup
from orderbridge.ports import Capabilities, ConnectionRecord, PermanentError, PosSystem


def _validate_wix(settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> None:
    try:
        WixSettings.model_validate({**settings, **credentials})
    except ValidationError as exc:
        raise ValueError(one_line(exc)) from None


CONNECTORS: Mapping[str, ConnectorEntry] = {
    "poster": poster.CONNECTOR,
    "rest_pos": rest_pos.CONNECTOR,
    "wix": ConnectorEntry(
        kind="wix",
        role="channel",
        title="Wix Restaurants",
        capabilities=fixed(WIX_CAPABILITIES),
        validate=_validate_wix,
        setup=lambda context: WixSetup(transport=context.transport),
        read_own_menu=read_wix_own_menu,
        webhook_path="/webhooks/wix/{connection}",
    ),
}


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
    return sorted(k for k, e in CONNECTORS.items() if role is None or e.role == role)


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
    """Outbox job kind → handler of every connector's stored events."""
    return {kind: handler for e in CONNECTORS.values() for kind, handler in e.events.items()}


def unguarded_events() -> frozenset[str]:
    """Job kinds the worker lets through while their connection's breaker is open."""
    return frozenset().union(*(e.unguarded_events for e in CONNECTORS.values()))


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
    "unguarded_events",
    "validate",
]
