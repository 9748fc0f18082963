"""Databases for the reliability tests: a fresh one per test, SQLite and PostgreSQL.

Every test runs twice. SQLite is a new file in the test's ``tmp_path``; PostgreSQL is a
new database, created and migrated for the test and dropped (``WITH (FORCE)``) after
it, on the cluster named by ``ORDERBRIDGE_TEST_POSTGRES_URL`` (CI) or on a throwaway
cluster this session starts and stops, as ``tests/integration/conftest.py`` does.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from orderbridge.storage.db import make_engine
from orderbridge.storage.migrate import upgrade
from tests.integration.conftest import POSTGRES_ENV, _start_cluster, _stop_cluster


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A PostgreSQL server to create test databases on."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if admin_url:
        yield admin_url
        return
    url, folder, run, pg_bin = _start_cluster()
    try:
        yield url
    finally:
        _stop_cluster(folder, run, pg_bin)


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A freshly migrated database of this test alone."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'orderbridge.db'}"
        upgrade(url)
        yield url
        return
    admin_url: str = request.getfixturevalue("postgres_admin_url")
    name = f"orderbridge_rel_{uuid.uuid4().hex[:10]}"
    admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        upgrade(url)
        yield url
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
