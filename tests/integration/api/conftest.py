"""The HTTP app in-process on SQLite: a seeded world and a client holding the café's key."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.integration.support.world import World, build_world


@pytest.fixture
def sqlite_url(sqlite_template: Path, tmp_path: Path) -> str:
    path = tmp_path / "api.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def world(sqlite_url: str) -> Iterator[World]:
    built = build_world(sqlite_url)
    yield built
    built.close()


@pytest.fixture
def client(world: World) -> TestClient:
    """The café's storefront, with its API key on every request."""
    return TestClient(world.hub.app(), headers={"Authorization": f"Bearer {world.api_key}"})


@pytest.fixture
def admin_client(world: World) -> TestClient:
    """The café's operator, with its admin key on every request."""
    return TestClient(world.hub.app(), headers={"Authorization": f"Bearer {world.admin_key}"})
