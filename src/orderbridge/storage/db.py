"""Engines, sessions and the declarative base, tuned for SQLite and PostgreSQL.

SQLite serves one machine. :func:`make_engine` turns on WAL (readers never block the
writer), ``synchronous=NORMAL`` (durable across process crashes, and WAL keeps it
consistent across power loss), a ``busy_timeout`` so a second writer waits instead of
failing, and foreign keys. It also takes transaction control away from the ``sqlite3``
module and emits ``BEGIN IMMEDIATE`` itself (SQLAlchemy's "pysqlite serializable"
recipe): a transaction that starts with a read and later writes would otherwise hold a
shared lock and deadlock against another such transaction, and ``busy_timeout`` cannot
resolve that. Readers that never write can use :func:`read_only` to start with a plain
deferred ``BEGIN`` and run alongside the writer.

Within one process, write transactions on a SQLite file are serialised on a Python lock
(:class:`WriterLock`) before ``BEGIN IMMEDIATE`` is sent: threads that want to write
queue on the lock and are handed over the moment the writer commits. Without it, under
load, dozens of API threads each spin in SQLite's busy handler, which sleeps (up to
100 ms a round) instead of queueing, and throughput collapses instead of levelling
off. Other processes on the same file still meet ``busy_timeout``.

PostgreSQL serves many processes on many machines: a bounded pool per process, pre-ping
so that a connection dropped by a restart or a load balancer is replaced, and recycling
so that no connection outlives server-side idle limits.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.sql.availability import watch_availability

# The base lives below storage and messaging (both define tables on it); re-exported here.
from orderbridge.sql.base import NAMING_CONVENTION as NAMING_CONVENTION
from orderbridge.sql.base import Base as Base
from orderbridge.sql.postgresql_options import postgresql_in_use

_BEGIN_OPTION = "orderbridge_sqlite_begin"
PG_CONNECT_TIMEOUT_SECONDS = 10
# libpq's keepalive parameters: probe after 30 s of silence, every 10 s, give up after 3.
PG_KEEPALIVES = {
    "keepalives": 1,
    "keepalives_idle": 30,
    "keepalives_interval": 10,
    "keepalives_count": 3,
}
_BEGIN_MODES = frozenset({"DEFERRED", "IMMEDIATE", "EXCLUSIVE"})


def make_engine(
    url: str | URL,
    *,
    busy_timeout_ms: int = 10_000,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_recycle_seconds: int = 1800,
    echo: bool = False,
) -> Engine:
    """Build an engine for ``url`` with the settings each database needs (see module doc).

    ``sqlite:///path.db`` gets WAL, ``synchronous=NORMAL``, ``busy_timeout_ms``, foreign
    keys and ``BEGIN IMMEDIATE`` transactions. ``postgresql+psycopg://…`` gets a pool of
    ``pool_size`` (+ ``max_overflow``) connections with pre-ping and recycling. A bare
    ``postgresql://`` URL is read as psycopg 3, the driver orderbridge ships with.
    """
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "sqlite":
        options: dict[str, Any] = {}
        if _file_database(parsed):
            # Keep every thread's connection open: a new one costs PRAGMAs and WAL setup.
            options = {
                "connect_args": {"factory": _WriterConnection},
                "pool_size": pool_size + max_overflow,
                "max_overflow": max_overflow,
            }
        engine = create_engine(parsed, echo=echo, **options)
        _configure_sqlite(engine, busy_timeout_ms)
        watch_availability(engine)
        return engine
    postgresql_in_use()  # the tables' PostgreSQL-only options, before any DDL
    engine = create_engine(
        parsed,
        echo=echo,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
        pool_recycle=pool_recycle_seconds,
        # A server that does not answer at all (a host gone, packets dropped) fails a
        # connect in seconds, not the minutes of the system's TCP timeout; and a
        # connection whose peer vanished mid-query (no FIN, no RST: a partition) is
        # found dead by TCP keepalives in about a minute instead of never — the worker
        # would otherwise wait for that answer forever.
        connect_args={"connect_timeout": PG_CONNECT_TIMEOUT_SECONDS, **PG_KEEPALIVES},
    )
    watch_availability(engine)  # "database unavailable" / "database back", once each
    return engine


def read_only(engine: Engine) -> Engine:
    """A view of ``engine`` whose SQLite transactions start deferred, for pure readers.

    Under WAL a deferred reader runs alongside the one writer instead of queueing
    behind it. Writing through this view risks ``database is locked``. On PostgreSQL the
    view behaves exactly like ``engine``.
    """
    return engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"})


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions bound to ``engine`` that keep loaded attributes usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False)


class WriterLock:
    """One writer at a time per SQLite file in this process, queued on a Python lock.

    A transaction that waits longer than ``busy_timeout`` for it fails with "database is
    locked" (``sqlalchemy.exc.OperationalError``), as SQLite itself would.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()

    def acquire(self, timeout: float) -> bool:
        """Take the lock, waiting up to ``timeout`` seconds; False if it stayed taken."""
        return self._lock.acquire(timeout=timeout)

    def release(self) -> None:
        self._lock.release()

    def locked(self) -> bool:
        return self._lock.locked()


_WRITER_LOCKS: dict[str, WriterLock] = {}
_WRITER_LOCKS_GUARD = threading.Lock()


def writer_lock(database: str) -> WriterLock:
    """The process-wide writer lock of the SQLite file ``database`` (one per real path)."""
    key = str(Path(database).resolve())
    with _WRITER_LOCKS_GUARD:
        return _WRITER_LOCKS.setdefault(key, WriterLock())


class _WriterConnection(sqlite3.Connection):
    """A ``sqlite3`` connection that queues on its file's writer lock before it writes and
    gives the lock back when its transaction ends.

    ``writer`` and ``wait_seconds`` are set when the engine opens the connection.
    :meth:`begin_immediate` is for writers that run their transaction on the DB-API
    connection itself, without SQLAlchemy's ``Connection`` (the group commit's batches,
    ``messaging/direct_sqlite.py``): the same lock and ``BEGIN IMMEDIATE`` as a
    transaction begun through the engine.
    """

    writer: WriterLock | None = None
    wait_seconds = 10.0
    holding = False

    def take_writer(self) -> None:
        """Queue for the writer lock; ``database is locked`` past ``wait_seconds``."""
        if self.writer is None:
            return
        if not self.writer.acquire(self.wait_seconds):
            raise sqlite3.OperationalError("database is locked (this process's writer)")
        self.holding = True

    def begin_immediate(self) -> None:
        """Take the writer lock, then ``BEGIN IMMEDIATE``; ended by ``commit``/``rollback``."""
        self.take_writer()
        try:
            self.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._let_go()
            raise

    def _let_go(self) -> None:
        if self.holding and self.writer is not None:
            self.holding = False
            self.writer.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._let_go()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._let_go()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._let_go()


def _file_database(url: URL) -> str | None:
    database = url.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def _configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    database = _file_database(engine.url)
    writer = writer_lock(database) if database is not None else None
    wait_seconds = busy_timeout_ms / 1000

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Stop sqlite3 from issuing its own BEGIN; _on_begin below emits ours.
        dbapi_connection.isolation_level = None
        if isinstance(dbapi_connection, _WriterConnection):
            dbapi_connection.writer, dbapi_connection.wait_seconds = writer, wait_seconds
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = str(connection.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE"))
        if mode not in _BEGIN_MODES:
            raise ValueError(f"unknown SQLite BEGIN mode {mode!r}")
        dbapi_connection = connection.connection.dbapi_connection
        if (
            mode == "DEFERRED"
            or writer is None
            or not isinstance(dbapi_connection, _WriterConnection)
        ):
            connection.exec_driver_sql(f"BEGIN {mode}")
            return
        try:
            dbapi_connection.take_writer()
        except sqlite3.OperationalError as locked:
            raise exc.OperationalError(f"BEGIN {mode}", None, locked) from None
        try:
            connection.exec_driver_sql(f"BEGIN {mode}")
        except BaseException:
            dbapi_connection._let_go()
            raise
