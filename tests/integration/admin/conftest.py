"""The admin API and the set-up commands, on SQLite and PostgreSQL both."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
import structlog
from fastapi.testclient import TestClient

from tests.integration.admin.setup_support import Setup, build_setup
from tests.integration.support.api import bearer
from tests.integration.support.world import World, build_world


@pytest.fixture(autouse=True)
def logging_restored() -> Iterator[None]:
    """Commands run in-process set up logging on the streams of the moment (a
    CliRunner's, capsys's), which are closed after the test: put logging back."""
    config = structlog.get_config()
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    structlog.configure(**config)
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_world(db_url)
    yield built
    built.close()


@pytest.fixture
def client(world: World) -> TestClient:
    """The café's website: its storefront key on every request."""
    return TestClient(world.hub.app(), headers=bearer(world.api_key))


@pytest.fixture
def admin_client(world: World) -> TestClient:
    """The café's operator: its admin key on every request."""
    return TestClient(world.hub.app(), headers=bearer(world.admin_key))


@pytest.fixture
def setup(db_url: str) -> Iterator[Setup]:
    """An empty tenant, with the Poster and Wix sandboxes to connect."""
    built = build_setup(db_url)
    yield built
    built.close()
