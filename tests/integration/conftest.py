"""Real databases for integration tests: SQLite files and a PostgreSQL cluster.

``db_url`` runs a test twice, on SQLite and on PostgreSQL, each time on a freshly
migrated, empty database. PostgreSQL comes from ``ORDERBRIDGE_TEST_POSTGRES_URL`` when it
is set (CI); otherwise this file starts a throwaway cluster with Debian's binaries on a
free port of 127.0.0.1 and stops it at the end of the session. Either way the session
works in its own database, created at the start and dropped at the end, and the tests
are never skipped.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.storage.db import make_engine, session_factory
from orderbridge.storage.migrate import upgrade

POSTGRES_ENV = "ORDERBRIDGE_TEST_POSTGRES_URL"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_cluster() -> tuple[str, Path, list[str], str]:
    """initdb + pg_ctl start in a temp folder; returns (url, folder, run prefix, bin)."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    if not candidates:
        raise RuntimeError(f"no PostgreSQL binaries in /usr/lib/postgresql; set {POSTGRES_ENV}")
    pg_bin = candidates[-1]
    folder = Path(tempfile.mkdtemp(prefix="orderbridge-pg."))
    run: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root; Debian's package creates 'postgres'
        shutil.chown(folder, "postgres", "postgres")
        run = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    subprocess.run(
        [
            *run,
            f"{pg_bin}/initdb",
            "-D",
            str(data),
            "-U",
            "orderbridge",
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    for _ in range(3):  # another process may grab the free port between probe and bind
        port = _free_port()
        options = (
            f"-h 127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c max_connections=200"
        )
        started = subprocess.run(
            [
                *run,
                f"{pg_bin}/pg_ctl",
                "-D",
                str(data),
                "-l",
                str(folder / "log"),
                "-w",
                "-o",
                options,
                "start",
            ],
            capture_output=True,
        )
        if started.returncode == 0:
            return (
                f"postgresql+psycopg://orderbridge@127.0.0.1:{port}/postgres",
                folder,
                run,
                pg_bin,
            )
    raise RuntimeError(f"PostgreSQL did not start: {(folder / 'log').read_text()[-2000:]}")


def _stop_cluster(folder: Path, run: list[str], pg_bin: str) -> None:
    subprocess.run(
        [*run, f"{pg_bin}/pg_ctl", "-D", str(folder / "data"), "-m", "immediate", "stop"],
        capture_output=True,
    )
    shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(admin_url: str, prefix: str) -> Iterator[str]:
    """A new database on the server of ``admin_url``, migrated; dropped (``WITH
    (FORCE)``) at the end."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
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


@contextlib.contextmanager
def postgres_server() -> Iterator[tuple[str, Path | None]]:
    """``ORDERBRIDGE_TEST_POSTGRES_URL``'s server, or a throwaway cluster started here
    and stopped at the end: (admin URL, the cluster's folder when started here)."""
    admin_url = os.environ.get(POSTGRES_ENV)
    if admin_url:
        yield admin_url, None
        return
    url, folder, run, pg_bin = _start_cluster()
    try:
        yield url, folder
    finally:
        _stop_cluster(folder, run, pg_bin)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A migrated PostgreSQL database of this test session, dropped at its end."""
    with postgres_server() as (admin_url, _), fresh_database(admin_url, "orderbridge_it") as url:
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies instead of migrating again."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


def _empty_postgres(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            tables = conn.execute(
                text(
                    "SELECT quote_ident(tablename) FROM pg_tables "
                    "WHERE schemaname = current_schema() AND tablename <> 'alembic_version'"
                )
            ).scalars()
            names = ", ".join(tables)
            if names:
                conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """URL of an empty, migrated database; the test runs once per database."""
    if request.param == "sqlite":
        path = tmp_path / "orderbridge.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    url: str = request.getfixturevalue("postgres_url")
    _empty_postgres(url)
    return url


@pytest.fixture
def postgres_db_url(postgres_url: str) -> str:
    """The empty, migrated PostgreSQL database alone, for what only a server has
    (outages, restarts: ``support/outage.py``)."""
    _empty_postgres(postgres_url)
    return postgres_url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on the test's database, disposed after the test."""
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    """The session factory the application would build for the test's database."""
    return session_factory(engine)
