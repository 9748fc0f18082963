"""Fixtures: the seeded Poster sandbox in-process, and a connector talking to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from orderbridge.bootstrap import Hub
from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import demo_world
from tests.connectors.poster import install_support
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


@pytest.fixture
def oauth_sandbox() -> PosterSandbox:
    """The seeded sandbox; application 76 sends the owner back to the test hub."""
    return install_support.oauth_sandbox()


@pytest.fixture
def poster(oauth_sandbox: PosterSandbox) -> httpx.AsyncBaseTransport:
    """``oauth_sandbox`` as an httpx transport (the hub's calls to Poster go here)."""
    return httpx.ASGITransport(app=create_app(oauth_sandbox))


@pytest.fixture
def hub(tmp_path: Path, poster: httpx.AsyncBaseTransport) -> Iterator[Hub]:
    """A hub on a fresh SQLite file with tenants ten_a and ten_b and their keys."""
    built = install_support.make_hub(tmp_path, poster)
    yield built
    built.engine.dispose()


@pytest.fixture
async def client(hub: Hub) -> AsyncIterator[httpx.AsyncClient]:
    """The hub's HTTP API, in-process."""
    app = httpx.ASGITransport(app=hub.app())
    async with httpx.AsyncClient(transport=app, base_url=install_support.HUB) as c:
        yield c
