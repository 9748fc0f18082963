"""Databases for the reliability tests: a fresh one per test, SQLite and PostgreSQL.

Every test runs twice. SQLite is a new file in the test's ``tmp_path``; PostgreSQL is a
new database, created and migrated for the test and dropped (``WITH (FORCE)``) after
it, on the cluster named by ``ORDERBRIDGE_TEST_POSTGRES_URL`` (CI) or on a throwaway
cluster this session starts and stops, as ``tests/integration/conftest.py`` does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from orderbridge.storage.migrate import upgrade
from tests.integration.conftest import fresh_database, postgres_server


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL server to create test databases on."""
    with postgres_server() as (admin_url, _):
        yield admin_url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database of this test alone."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'orderbridge.db'}"
        upgrade(url)
        yield url
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    with fresh_database(admin_url, "orderbridge_rel") as url:
        yield url
