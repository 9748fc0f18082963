"""Every hub test runs on SQLite and on PostgreSQL (``db_url``), with a fresh world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.support.world import World, build_world


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_world(db_url)
    yield built
    built.close()
