"""The Poster POS connector (https://joinposter.com), in the connector anatomy.

``settings`` (the connection's configuration), ``client`` (one typed method per Poster
call), ``schemas`` (Poster's wire format), ``errors`` (Poster's error codes sorted into
transient and permanent), ``mapping`` (menu and places) and ``mapping_orders`` (orders,
reservations, states), ``connector`` (the ``PosSystem`` port), ``webhooks`` (verify,
parse, classify), ``events`` (stored webhooks → the hub's commands) and ``oauth``
(marketplace installs). :data:`CONNECTOR` is what the registry lists.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from orderbridge.connectors._entry import BuildContext, ConnectorEntry, fixed, one_line
from orderbridge.connectors.poster.connector import CAPABILITIES, PosterConnector
from orderbridge.connectors.poster.events import POSTER_EVENT, handle_poster_event, read_webhook
from orderbridge.connectors.poster.settings import PosterSettings
from orderbridge.connectors.poster.setup import PosterSetup
from orderbridge.ports import ConnectionRecord, PermanentError, PosSystem


def _settings(
    settings: Mapping[str, Any], credentials: Mapping[str, Any], timeout: float | None = None
) -> PosterSettings:
    defaults = {} if timeout is None else {"timeout_seconds": timeout}
    try:
        return PosterSettings.model_validate({**defaults, **settings, **credentials})
    except ValidationError as exc:
        raise ValueError(one_line(exc)) from None


def validate(settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> None:
    """Check a Poster connection's settings and credentials (ValueError: why not)."""
    _settings(settings, credentials)


def build(connection: ConnectionRecord, context: BuildContext) -> PosSystem:
    """The connector of one Poster connection."""
    try:
        settings = _settings(
            connection.settings, connection.credentials, timeout=context.timeout_seconds
        )
    except ValueError as exc:
        raise PermanentError("invalid_settings", f"Poster connection: {exc}") from None
    return PosterConnector.from_settings(settings, transport=context.transport)


def setup(context: BuildContext) -> PosterSetup:
    """How an operator connects a Poster account with a token."""
    return PosterSetup(timeout_seconds=context.timeout_seconds, transport=context.transport)


CONNECTOR = ConnectorEntry(
    kind="poster",
    role="pos",
    title="Poster",
    capabilities=fixed(CAPABILITIES),
    validate=validate,
    build_pos=build,
    webhooks=read_webhook,
    events={POSTER_EVENT: handle_poster_event},
    # A stored Poster webhook calls Poster only for menu changes (one product).
    unguarded_events=frozenset({POSTER_EVENT}),
    setup=setup,
    # One URL for every account: Poster's application settings hold a single webhook
    # URL, and each webhook names its account (/webhooks/pos/{connection} works too).
    webhook_path="/webhooks/poster",
)

__all__ = ["CAPABILITIES", "CONNECTOR", "PosterConnector", "PosterSettings"]
