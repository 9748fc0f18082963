"""What the connector registry lists for the Wix Restaurants channel (``connectors/__init__``
imports it when a Wix connection is first looked up, not with the hub)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from orderbridge.connectors._entry import ConnectorEntry, fixed, one_line
from orderbridge.connectors.own_menus import read_wix_own_menu
from orderbridge.connectors.wix.connector import CAPABILITIES
from orderbridge.connectors.wix.settings import WixSettings
from orderbridge.connectors.wix.setup import WixSetup


def _validate(settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> None:
    try:
        WixSettings.model_validate({**settings, **credentials})
    except ValidationError as exc:
        raise ValueError(one_line(exc)) from None


CONNECTOR = ConnectorEntry(
    kind="wix",
    role="channel",
    title="Wix Restaurants",
    capabilities=fixed(CAPABILITIES),
    validate=_validate,
    setup=lambda context: WixSetup(transport=context.transport),
    read_own_menu=read_wix_own_menu,
    webhook_path="/webhooks/wix/{connection}",
)
