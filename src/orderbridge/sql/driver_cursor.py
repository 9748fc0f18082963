"""Driver-level SQL straight on SQLite's DB-API cursor, inside a SQLAlchemy transaction.

``Connection.exec_driver_sql`` is already the cheap way through SQLAlchemy, but it
still sets up an execution context and a ``CursorResult`` per statement: ~3 µs more
than the cursor for an insert, ~10 µs more for a read of a row or two (round 7,
acks; docs/benchmarks.md). Placing an order runs a few such statements per order in
its group commit, so on SQLite they go to the cursor of the very connection the
unit of work's transaction is on: the same transaction, the same writer lock, the
same ``BEGIN IMMEDIATE`` — only SQLAlchemy's bookkeeping is skipped, which these
statements do not need (their values are already in stored form,
:mod:`orderbridge.sql.driver`, and their rows are plain text).

An error is raised as SQLAlchemy would raise it (``sqlite3.IntegrityError`` as
``sqlalchemy.exc.IntegrityError``, ``OperationalError`` likewise), so callers catch
the same exceptions and a database error still answers 503. On PostgreSQL
:func:`driver_sql` answers the ``Connection`` itself: its statements are round trips,
and SQLAlchemy's share of them is small.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError


class SqliteCursor:
    """``exec_driver_sql`` of a ``Connection`` (what driver-level statements need of
    one, ``messaging.statements.DriverSql``) on a SQLite DB-API cursor.
    ``messaging.direct_sqlite.DirectTransaction`` builds on it for a transaction
    without a Session."""

    def __init__(self, cursor: sqlite3.Cursor, dialect: Dialect) -> None:
        self._cursor = cursor
        self.dialect = dialect

    def exec_driver_sql(self, statement: str, parameters: Any = ()) -> list[Any]:
        """Run ``statement``; a list of parameter tuples runs it once per tuple (no
        rows back), else its rows (tuples)."""
        try:
            if isinstance(parameters, list):
                self._cursor.executemany(statement, parameters)
                return []
            return self._cursor.execute(statement, parameters).fetchall()
        except sqlite3.Error as error:
            raise as_sqlalchemy(error, statement) from error

    def changes(self) -> tuple[int, bool]:
        """How many rows the connection has changed so far, and whether its transaction
        is still open (a group commit's part without a savepoint, ``storage/uow_parts``)."""
        connection = self._cursor.connection
        return connection.total_changes, connection.in_transaction


class DirectResult(list[Any]):
    """A statement's rows as code written against a SQLAlchemy ``Connection`` reads a
    ``CursorResult``: ``all()``, ``first()``, ``scalar()``, and ``rowcount`` (the rows
    an ``UPDATE`` or ``DELETE`` matched: an optimistic version check stays exact)."""

    __slots__ = ("rowcount",)

    def __init__(self, rows: Iterable[Any], rowcount: int) -> None:
        super().__init__(rows)
        self.rowcount = rowcount

    def all(self) -> list[Any]:
        return list(self)

    def first(self) -> Any:
        return self[0] if self else None

    def scalar(self) -> Any:
        return self[0][0] if self else None


def as_sqlalchemy(error: sqlite3.Error, statement: str) -> BaseException:
    """``error`` as SQLAlchemy raises it (``sqlite3.IntegrityError`` as
    ``sqlalchemy.exc.IntegrityError``, …). Without the statement's parameters: they
    hold customers' names and phones, and an error's text reaches the logs."""
    return DBAPIError.instance(statement, None, error, sqlite3.Error)


def driver_sql(connection: Connection) -> Connection | SqliteCursor:
    """What runs driver-level SQL in ``connection``'s transaction most cheaply: on
    SQLite a :class:`SqliteCursor` on its DB-API connection, elsewhere ``connection``."""
    driver = connection.connection.driver_connection
    if isinstance(driver, sqlite3.Connection):
        return SqliteCursor(driver.cursor(), connection.dialect)
    return connection
