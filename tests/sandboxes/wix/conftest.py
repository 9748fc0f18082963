"""Fixtures of the Wix sandbox tests."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from orderbridge.sandboxes.wix.app import create_app
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from tests.sandboxes.wix.support import NOW, fresh_world, publish_menu


@pytest.fixture
def wix() -> WixSandbox:
    """The seeded site on a fixed clock, with no webhook delivery running."""
    return WixSandbox(fresh_world(), clock=lambda: NOW)


@pytest.fixture
def client(wix: WixSandbox) -> TestClient:
    """The sandbox's HTTP API in-process (its lifespan not started: no deliveries)."""
    return TestClient(create_app(wix))


@pytest.fixture
def menu(client: TestClient) -> dict[str, str]:
    """Ids of a small published menu (see ``support.publish_menu``)."""
    return publish_menu(client)
