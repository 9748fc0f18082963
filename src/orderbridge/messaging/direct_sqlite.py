"""A group commit's batch on SQLite, written on the DB-API connection without a Session.

The webhook ingress commits one batch of events per transaction
(:mod:`orderbridge.messaging.inbox_writer`), a few driver-level statements each. Through
an ORM ``Session`` the transaction's life cycle — session set-up, SQLAlchemy's
``Connection`` with its ``begin`` event, result set-up per statement, commit and the
session's events, close — cost ~150 µs of CPU per batch, more than SQLite spends
writing a batch of sixteen events; on the DB-API connection the same transaction costs
a fraction of that (figures in docs/benchmarks.md, "round 4, ingest").

Nothing of the guarantees moves. The connection comes from the engine's pool (checked
out per batch, so it has the engine's PRAGMAs, and goes back to the pool, reset, after
it); the transaction takes the same per-file writer lock and ``BEGIN IMMEDIATE`` as one
begun through the engine (``storage/db.py`` ``_WriterConnection.begin_immediate``), so
it queues with every other writer of the process; it commits before anyone is answered;
and an error rolls it back and is raised as SQLAlchemy would raise it (``sqlite3``'s
``OperationalError`` as ``sqlalchemy.exc.OperationalError``), so that a locked or
unreadable file still answers 503 like every other database error. Engines whose
connections cannot take the writer lock this way (an in-memory database) and
PostgreSQL keep the Session.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError


class DirectTransaction:
    """One SQLite transaction on a DB-API cursor, shaped like what driver-level
    statements need of a SQLAlchemy ``Connection``
    (:class:`~orderbridge.messaging.statements.DriverSql`)."""

    def __init__(self, cursor: sqlite3.Cursor, dialect: Dialect) -> None:
        self._cursor = cursor
        self.dialect = dialect

    def exec_driver_sql(self, statement: str, parameters: Any = ()) -> list[Any]:
        """Run ``statement``; a list of parameter tuples runs it once per tuple (no rows)."""
        try:
            if isinstance(parameters, list):
                self._cursor.executemany(statement, parameters)
                return []
            return self._cursor.execute(statement, parameters).fetchall()
        except sqlite3.Error as error:
            raise _wrapped(error, statement) from error


@contextmanager
def direct_transaction(engine: Engine) -> Iterator[DirectTransaction | None]:
    """A write transaction of ``engine``'s SQLite file on a pooled DB-API connection,
    committed when the block ends without an error (rolled back otherwise); ``None``
    (nothing begun) when ``engine`` cannot write this way — use a Session instead."""
    if engine.dialect.name != "sqlite":
        yield None
        return
    pooled = engine.raw_connection()
    try:
        connection = pooled.driver_connection
        begin = getattr(connection, "begin_immediate", None)
        if begin is None or not isinstance(connection, sqlite3.Connection):
            yield None
            return
        try:
            begin()
        except sqlite3.Error as error:
            raise _wrapped(error, "BEGIN IMMEDIATE") from error
        try:
            yield DirectTransaction(connection.cursor(), engine.dialect)
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    except sqlite3.Error as error:  # the commit or the rollback
        raise _wrapped(error, "COMMIT") from error
    finally:
        pooled.close()  # back to the pool


def _wrapped(error: sqlite3.Error, statement: str) -> BaseException:
    return DBAPIError.instance(statement, None, error, sqlite3.Error)
