"""Fixtures: the seeded Poster sandbox in-process, and a connector talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import demo_world
from tests.connectors.poster.support import settings


@pytest.fixture
def sandbox() -> PosterSandbox:
    """The seeded café: api-demo with spots 1 and 2; webhooks go nowhere."""
    return PosterSandbox(demo_world())


@pytest.fixture
def transport(sandbox: PosterSandbox) -> httpx.AsyncBaseTransport:
    """The sandbox's ASGI app as an httpx transport."""
    return httpx.ASGITransport(app=create_app(sandbox))


@pytest.fixture
async def connector(transport: httpx.AsyncBaseTransport) -> AsyncIterator[PosterConnector]:
    """A connector for the demo account's personal token, on the sandbox."""
    connector = PosterConnector.from_settings(settings(), transport=transport)
    yield connector
    await connector.aclose()
