"""Short write transactions on SQLite, run on the DB-API connection without a Session.

The webhook ingress commits one batch of events per transaction
(:mod:`orderbridge.messaging.inbox_writer`), a few driver-level statements each, and the
worker claims its jobs in one (``worker_db.py``). Through an ORM ``Session`` the
transaction's life cycle — session set-up, SQLAlchemy's ``Connection`` with its
``begin`` event, result set-up per statement, commit and the session's events, close —
cost ~150 µs of CPU per batch, more than SQLite spends writing a batch of sixteen
events; on the DB-API connection the same transaction costs a fraction of that
(figures in docs/benchmarks.md, "round 4, ingest" and "round 6, worker3").

:class:`DirectWriter` is the one way in: built from a session factory, it hands out
such transactions while its engine is a SQLite file and ``None`` otherwise (the caller
then uses a Session). A transaction runs driver-level SQL (``exec_driver_sql``) and the
prebuilt Core statements of :mod:`orderbridge.messaging.statements` (``execute``):
each compiled once for SQLite, its values converted by the columns' own types on the
way in and out (a JSON document, a UTC time), as SQLAlchemy would convert them.

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
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from typing import Any, cast

from sqlalchemy import Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import UpdateBase
from sqlalchemy.sql.elements import ClauseElement
from sqlalchemy.sql.selectable import Select

from orderbridge.sql.driver_cursor import DirectResult, SqliteCursor, as_sqlalchemy

Processor = Callable[[Any], Any] | None
_COMPILED_KEPT = 512  # distinct statements (the claim has one per shape); then afresh


class DirectTransaction(SqliteCursor):
    """One SQLite transaction on a DB-API cursor, shaped like what driver-level
    statements need of a SQLAlchemy ``Connection``
    (:class:`~orderbridge.messaging.statements.DriverSql`, from
    :class:`~orderbridge.sql.driver_cursor.SqliteCursor`), and running prebuilt Core
    statements with :meth:`execute`."""

    def __init__(self, cursor: sqlite3.Cursor, dialect: Dialect) -> None:
        super().__init__(cursor, dialect)
        # What the transaction's users keep for its length (a Session's ``info``): the
        # settle's endpoint reads, whether jobs were queued (to wake the workers).
        self.info: dict[str, Any] = {}

    def execute(self, statement: Any, parameters: Any = None, /) -> DirectResult:
        """Run the Core ``statement`` with named ``parameters`` (a list of them: once
        per mapping, no rows), as ``Connection.execute`` would; its rows as tuples,
        with the ``rowcount`` an ``UPDATE`` matched."""
        many = isinstance(parameters, list)
        rows: list[Mapping[str, Any]] = parameters if many else [parameters or {}]
        compiled = _compiled(statement, self.dialect, tuple(rows[0]) if rows else ())
        if many:
            self.exec_driver_sql(compiled.sql(rows[0]), [compiled.values(row) for row in rows])
            return DirectResult((), self._cursor.rowcount)
        found = self.exec_driver_sql(compiled.sql(rows[0]), compiled.values(rows[0]))
        return DirectResult(map(compiled.row, found), self._cursor.rowcount)


class _Compiled:
    """A Core statement compiled once for SQLite: its SQL, the order of its ``?``
    parameters, their types' converters, and its result columns' converters. An
    expanding ``IN`` parameter (a list) gets as many ``?`` as its value has items."""

    def __init__(self, statement: ClauseElement, dialect: Dialect, keys: tuple[str, ...]) -> None:
        compiled = cast(SQLCompiler, statement.compile(dialect=dialect, column_keys=list(keys)))
        self._sql = compiled.string
        self._names: list[str] = list(compiled.positiontup or ())
        binds = compiled.binds
        # The statement's own values (``.values(lease_owner=None)``); a bind without
        # one must be given.
        self._fixed = {k: v for k, v in compiled.params.items() if not binds[k].required}
        self._expanding = {n for n in self._names if binds[n].expanding}
        self._bind: dict[str, Processor] = {
            n: binds[n].type.dialect_impl(dialect).bind_processor(dialect) for n in self._names
        }
        result: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            for column in _returned(statement)
        ]
        # Only the columns whose type converts (a JSON document, a UTC time): a wide
        # row (the worker's read, 30 columns) has a few, and the rest are left as read.
        self._converted = [(at, process) for at, process in enumerate(result) if process]
        self._sized: dict[tuple[int, ...], str] = {}

    def sql(self, parameters: Mapping[str, Any]) -> str:
        if not self._expanding:
            return self._sql
        sizes = tuple(len(parameters[n]) for n in self._names if n in self._expanding)
        sql = self._sized.get(sizes)
        if sql is None:
            sql = self._sql
            for name, size in zip(
                (n for n in self._names if n in self._expanding), sizes, strict=True
            ):
                # SQLite accepts no empty list: an empty subquery matches nothing.
                marks = ", ".join("?" * size) if size else "SELECT NULL WHERE 0"
                sql = sql.replace(f"__[POSTCOMPILE_{name}]", marks, 1)
            self._sized[sizes] = sql
        return sql

    def values(self, parameters: Mapping[str, Any]) -> tuple[Any, ...]:
        out: list[Any] = []
        for name in self._names:
            value = parameters[name] if name in parameters else self._fixed[name]
            process = self._bind[name]
            if name in self._expanding:
                out.extend(value if process is None else map(process, value))
            else:
                out.append(value if process is None else process(value))
        return tuple(out)

    def row(self, row: Sequence[Any]) -> tuple[Any, ...]:
        if not self._converted:
            return tuple(row)
        values = list(row)
        for at, process in self._converted:
            values[at] = process(values[at])
        return tuple(values)


def _returned(statement: ClauseElement) -> list[Any]:
    """The columns a statement's rows carry (``RETURNING`` or ``SELECT``), for their types."""
    if isinstance(statement, UpdateBase):
        return [d["expr"] for d in statement.returning_column_descriptions]
    if isinstance(statement, Select):
        return list(statement.selected_columns)
    return []


_compiled_cache: dict[tuple[int, int, tuple[str, ...]], tuple[ClauseElement, _Compiled]] = {}
_compiled_guard = threading.Lock()


def _compiled(statement: ClauseElement, dialect: Dialect, keys: tuple[str, ...]) -> _Compiled:
    """``statement`` compiled for ``dialect`` (kept: the statements are built once)."""
    key = (id(statement), id(dialect), keys)
    found = _compiled_cache.get(key)
    if found is not None and found[0] is statement:
        return found[1]
    compiled = _Compiled(statement, dialect, keys)
    with _compiled_guard:
        if len(_compiled_cache) >= _COMPILED_KEPT:
            _compiled_cache.clear()
        _compiled_cache[key] = (statement, compiled)  # holds the statement: its id stays its own
    return compiled


class DirectWriter:
    """Hands out :func:`direct_transaction` transactions for the engine of a session
    factory, while it can (a SQLite file); ``None`` from then on when it cannot, so
    the caller writes through a Session as before (PostgreSQL, in-memory SQLite, a
    factory that is not a plain ``sessionmaker``)."""

    def __init__(self, sessions: Callable[[], Session]) -> None:
        bind = sessions.kw.get("bind") if isinstance(sessions, sessionmaker) else None
        self._engine: Engine | None = (
            bind if isinstance(bind, Engine) and bind.dialect.name == "sqlite" else None
        )

    @property
    def able(self) -> bool:
        """Whether transactions may be direct (until one finds they cannot)."""
        return self._engine is not None

    def transaction(self) -> AbstractContextManager[DirectTransaction | None]:
        """A direct write transaction, or ``None``: use a Session (see the class)."""
        return self._direct(direct_transaction)

    def reading(self) -> AbstractContextManager[DirectTransaction | None]:
        """A direct read transaction (:func:`direct_read`), or ``None``: read on a
        Session."""
        return self._direct(direct_read)

    @contextmanager
    def _direct(self, begun: _Opener) -> Iterator[DirectTransaction | None]:
        if self._engine is None:
            yield None
            return
        with begun(self._engine) as tx:
            if tx is None:
                self._engine = None
            yield tx


_Opener = Callable[[Engine], AbstractContextManager[DirectTransaction | None]]


@contextmanager
def _driver_connection(engine: Engine) -> Iterator[sqlite3.Connection | None]:
    """The SQLite connection under a connection of ``engine``'s pool (given back to the
    pool at the end), or ``None`` when it is not one whose transactions this module can
    begin itself: a SQLite file's, which has the writer lock (``storage/db.py``)."""
    if engine.dialect.name != "sqlite":
        yield None
        return
    pooled = engine.raw_connection()
    try:
        connection = pooled.driver_connection
        able = hasattr(connection, "begin_immediate") and isinstance(connection, sqlite3.Connection)
        yield connection if able else None
    finally:
        pooled.close()  # back to the pool


@contextmanager
def direct_read(engine: Engine) -> Iterator[DirectTransaction | None]:
    """A read transaction of ``engine``'s SQLite file on a pooled DB-API connection: a
    deferred ``BEGIN`` (under WAL it runs beside the writer and takes no writer lock,
    as ``storage.db.read_only`` sessions do), one snapshot for its statements, rolled
    back at the end. ``None`` (nothing begun) when ``engine`` is not a SQLite file
    whose connections this module can drive: use a Session instead."""
    with _driver_connection(engine) as connection:
        if connection is None:
            yield None
            return
        try:
            connection.execute("BEGIN")
        except sqlite3.Error as error:
            raise as_sqlalchemy(error, "BEGIN") from error
        try:
            yield DirectTransaction(connection.cursor(), engine.dialect)
        finally:
            try:
                connection.rollback()  # nothing written: the snapshot is let go
            except sqlite3.Error as error:
                raise as_sqlalchemy(error, "ROLLBACK") from error


@contextmanager
def direct_transaction(engine: Engine) -> Iterator[DirectTransaction | None]:
    """A write transaction of ``engine``'s SQLite file on a pooled DB-API connection,
    committed when the block ends without an error (rolled back otherwise); ``None``
    (nothing begun) when ``engine`` cannot write this way — use a Session instead."""
    with _driver_connection(engine) as connection:
        if connection is None:
            yield None
            return
        try:
            connection.begin_immediate()  # type: ignore[attr-defined]
        except sqlite3.Error as error:
            raise as_sqlalchemy(error, "BEGIN IMMEDIATE") from error
        try:
            try:
                yield DirectTransaction(connection.cursor(), engine.dialect)
                connection.commit()
            except BaseException:
                connection.rollback()
                raise
        except sqlite3.Error as error:  # the commit or the rollback
            raise as_sqlalchemy(error, "COMMIT") from error
