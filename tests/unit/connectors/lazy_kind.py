"""A connector package for the registry's tests of importing a kind on first use:
``CONNECTOR`` with one stored-event job that answers what it was given."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from orderbridge.connectors._entry import ConnectorEntry, fixed
from orderbridge.ports import Capabilities

EVENT = "inbox.lazy_kind"


async def _echo(payload: Mapping[str, Any], **_parts: Any) -> dict[str, Any]:
    return {"handled": dict(payload)}


def _accept(_settings: Mapping[str, Any], _credentials: Mapping[str, Any]) -> None:
    return None


CONNECTOR = ConnectorEntry(
    kind="lazy_kind",
    role="pos",
    title="Lazy",
    capabilities=fixed(Capabilities()),
    validate=_accept,
    events={EVENT: _echo},
    unguarded_events=frozenset({EVENT}),
)
