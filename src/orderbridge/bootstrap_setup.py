"""Which kinds of connection can be set up, and with what: part of the composition root.

Each connector kind that can be connected by an operator (admin API, CLI, dashboard)
gives a ``ConnectionSetup`` (``services.connection_setup``); this maps kinds to them,
built with the deployment's settings (SSRF guard, timeouts) and test transports.
"""

from __future__ import annotations

import httpx

from orderbridge.config import Settings
from orderbridge.connectors.poster.setup import PosterSetup
from orderbridge.connectors.wix.setup import WixSetup
from orderbridge.services.connection_setup import ConnectionSetup


def connection_setups(
    settings: Settings,
    *,
    pos_transport: httpx.AsyncBaseTransport | None = None,
    channel_transport: httpx.AsyncBaseTransport | None = None,
) -> dict[str, ConnectionSetup]:
    """Connection kind → its setup."""
    return {
        "poster": PosterSetup(
            allow_private_urls=settings.allow_private_urls,
            timeout_seconds=settings.poster_timeout_seconds,
            transport=pos_transport,
        ),
        "wix": WixSetup(
            allow_private_urls=settings.allow_private_urls, transport=channel_transport
        ),
    }
