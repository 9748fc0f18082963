"""The generic REST POS connector: any POS's own API and webhooks, described by a manifest.

Sinqro's "passive" model: the hub adapts to the API a POS already has. A manifest (TOML,
validated against the published ``manifest.schema.json``) says where the POS's calls
are, how to authenticate, how the hub's order becomes the POS's request body, where the
answers keep ids and statuses, what its error bodies mean, and how its webhooks are
signed and what each event means — no code. docs/rest-pos.md is the reference;
``manifests/sandbox.toml`` the worked example (``orderbridge sandbox rest-pos``).

Modules, in the connector anatomy: ``manifest`` (the definition) with ``loading`` and
``checks`` (reading one, file:line errors), ``paths`` and ``templates`` (its two small
languages), ``canonical`` (the names templates may use), ``settings``, ``client``,
``mapping``, ``connector`` (the ``PosSystem`` port), ``webhooks`` and ``events``.
:data:`CONNECTOR` is what the registry lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from orderbridge.connectors._entry import (
    BuildContext,
    ConnectorEntry,
    InboundEvent,
    WebhookRejected,
    one_line,
)
from orderbridge.connectors.rest_pos import webhooks
from orderbridge.connectors.rest_pos.client import RestPosClient
from orderbridge.connectors.rest_pos.connector import RestPosConnector, capabilities
from orderbridge.connectors.rest_pos.events import handle_rest_pos_event
from orderbridge.connectors.rest_pos.loading import ManifestError
from orderbridge.connectors.rest_pos.settings import RestPosSettings, credentials_for
from orderbridge.ports import Capabilities, ConnectionRecord, PermanentError, PosSystem

KIND = "rest_pos"


def _settings(settings: Mapping[str, Any]) -> RestPosSettings:
    try:
        return RestPosSettings.model_validate(dict(settings))
    except ValidationError as exc:
        raise ValueError(one_line(exc)) from None


def validate(settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> None:
    """Check a REST POS connection offline: its manifest, base URL and credentials."""
    parsed = _settings(settings)
    manifest = parsed.load()
    parsed.url(manifest, allow_private=True)
    credentials_for(manifest, credentials)


def capabilities_of(settings: Mapping[str, Any]) -> Capabilities:
    """What a connection with ``settings`` can do (its manifest's declared services)."""
    return capabilities(_settings(settings).load())


def build(connection: ConnectionRecord, context: BuildContext) -> PosSystem:
    """The connector of one REST POS connection."""
    try:
        parsed = _settings(connection.settings)
        manifest = parsed.load()
        url = parsed.url(manifest, allow_private=context.allow_private_urls)
        secrets = credentials_for(manifest, connection.credentials)
    except (ValueError, ManifestError) as exc:
        raise PermanentError("invalid_settings", f"REST POS connection: {exc}") from None
    client = RestPosClient.build(
        manifest,
        base_url=url,
        credentials=secrets,
        transport=context.transport,
        timeout=parsed.timeout_seconds,
    )
    return RestPosConnector(client)


def read_webhook(
    connection: ConnectionRecord, headers: Mapping[str, str], body: bytes, *, now: datetime
) -> list[InboundEvent]:
    """``/webhooks/pos/{connection}`` for a REST POS: verified as its manifest says."""
    try:
        manifest = _settings(connection.settings).load()
        secrets = {k: str(v) for k, v in connection.credentials.items() if isinstance(v, str)}
    except (ValueError, ManifestError):
        raise WebhookRejected(
            "no_webhook_secret", "the connection's manifest cannot be read"
        ) from None
    return webhooks.read(manifest, connection.id, secrets, headers, body, now=now)


CONNECTOR = ConnectorEntry(
    kind=KIND,
    role="pos",
    title="REST POS (manifest)",
    capabilities=capabilities_of,
    validate=validate,
    build_pos=build,
    webhooks=read_webhook,
    events={webhooks.REST_POS_EVENT: handle_rest_pos_event},
    # A stored webhook mostly queues other jobs; only an item or hours change calls
    # the POS (one read; a failure retries like any job).
    unguarded_events=frozenset({webhooks.REST_POS_EVENT}),
)

__all__ = ["CONNECTOR", "KIND", "RestPosConnector", "RestPosSettings", "capabilities"]
