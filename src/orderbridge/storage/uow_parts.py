"""Parts of a group commit: several callers' writes in one transaction, each undone alone.

The storefront's ``POST /orders`` places the orders that arrive together in one
transaction (``web/order_intake.py``): the commit and, on SQLite, the writer lock cost
more than an order's statements. Each placement is a *part* of that transaction
(:meth:`GroupParts.part`): one that is refused must leave nothing behind and must not
touch the others, and the group commits once, after its last part.

Two ways to keep a refused part from leaving rows:

- **guarded** (the general case, and always on PostgreSQL, where a failed statement
  spoils the transaction): the part runs inside a ``SAVEPOINT``, rolled back to if it
  raises;
- **unguarded** (SQLite, for parts that refuse before they write): no savepoint, and
  SQLite's count of the rows the connection has changed proves a refused part wrote
  nothing. A part that fails after writing raises :class:`PartWritten`, and its caller
  places the whole group again, guarded.

Mixed into ``SqlUnitOfWork``, which provides the session, its connection and the
aggregates it has loaded; kept apart so the unit of work's reads and writes do not
hide this transaction logic.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator

from sqlalchemy import Connection
from sqlalchemy.orm import Session

__all__ = ["GroupBroken", "GroupParts", "PartWritten"]

_SAVEPOINT = "SAVEPOINT orderbridge_part"
_ROLLBACK_TO = "ROLLBACK TO SAVEPOINT orderbridge_part"
_RELEASE = "RELEASE SAVEPOINT orderbridge_part"


class GroupBroken(RuntimeError):
    """A group commit's transaction ended under one of its parts (``SqlUnitOfWork.part``):
    none of the group's parts is stored; commit nothing and place each on its own."""


class PartWritten(GroupBroken):
    """A part without a savepoint (``SqlUnitOfWork.part(unguarded=True)``) failed after
    it had written rows, which only the whole transaction's rollback can undo: commit
    nothing and place the group again with a savepoint per part."""


def _changes_counter(connection: Connection) -> Callable[[], tuple[int, bool]] | None:
    """For a SQLite connection: a function answering how many rows the connection has
    changed so far and whether its transaction is still open; ``None`` elsewhere."""
    driver = connection.connection.dbapi_connection
    if not isinstance(driver, sqlite3.Connection):
        return None
    return lambda: (driver.total_changes, driver.in_transaction)


class GroupParts:
    """``part()`` for the unit of work (module docstring)."""

    # Provided by the unit of work.
    _connection: Connection | None
    _loaded: dict[str, tuple[int, int]]
    _in_part: bool
    """True inside a part: the unit of work's ``commit()`` then only flushes."""

    @property
    def session(self) -> Session:
        raise NotImplementedError

    @property
    def connection(self) -> Connection:
        raise NotImplementedError

    # What a part does with the ORM's session; a unit of work without one
    # (``storage/uow_placing.py``) has nothing to flush or drop.

    def _changes_counter(self) -> Callable[[], tuple[int, bool]] | None:
        """SQLite's count of changed rows and whether the transaction is open (for an
        unguarded part); ``None`` where a part needs its savepoint."""
        return _changes_counter(self.connection)

    def _flush_part(self) -> None:
        self.session.flush()

    def _drop_part(self) -> None:
        """Forget what the undone part loaded or added."""
        self._loaded.clear()
        self.session.expunge_all()

    @contextlib.contextmanager
    def part(self, *, unguarded: bool = False) -> Iterator[None]:
        """One part of a group commit (``web/order_intake.py``): its writes in a
        ``SAVEPOINT``, undone alone if it raises; ``commit()`` inside only flushes, and
        the caller commits the whole group once its parts are done.

        The savepoint is plain SQL on the transaction's connection, under one fixed
        name: SQLAlchemy compiles its own ``SAVEPOINT``/``RELEASE`` clauses afresh on
        every use (they are never cached, their names differ each time), which cost
        more than the order's inserts. The session does not see this savepoint, so
        the part flushes whatever ORM rows it added before the release, and an undone
        part drops the session's objects (their rows may be gone; placing writes
        orders, timelines and jobs through Core, so there are rarely any). If the
        session itself rolled the whole transaction back (an ORM flush failed), the
        earlier parts are lost too: :class:`GroupBroken` says so, and the group is
        not committed (its caller places each item again on its own).

        ``unguarded=True`` skips the savepoint on SQLite, for parts that refuse before
        they write (a placement checks everything first): see :meth:`_unguarded_part`.
        Elsewhere (PostgreSQL, where a failed statement spoils the transaction) it is
        the guarded part.
        """
        connection = self.connection
        if unguarded:
            written = self._changes_counter()
            if written is not None:
                with self._unguarded_part(written):
                    yield
                return
        connection.exec_driver_sql(_SAVEPOINT)
        self._in_part = True
        try:
            yield
            self._flush_part()
        except BaseException:
            self._undo_part(connection)
            raise
        else:
            connection.exec_driver_sql(_RELEASE)
        finally:
            self._in_part = False

    @contextlib.contextmanager
    def _unguarded_part(self, written: Callable[[], tuple[int, bool]]) -> Iterator[None]:
        """A part without a savepoint, on SQLite: a part that raises before writing a
        row needs nothing undone, which SQLite's count of the rows this connection has
        changed (``total_changes``) proves — a statement that failed on a constraint
        changed none. Most refusals come before any write (an unknown item, a closed
        location, a repeat), and the savepoint and its release were a tenth of a lone
        placement's transaction. A part that raises after it wrote something cannot
        be undone alone: :class:`PartWritten` says so, the group is not committed, and
        its caller places it again with savepoints.
        """
        changes, _ = written()
        self._in_part = True
        try:
            yield
            self._flush_part()
        except BaseException as error:
            self._drop_part()  # never flushed (else a row changed): nothing to undo
            now, in_transaction = written()
            if not in_transaction:
                self._connection = None
                raise GroupBroken("the group's transaction ended while placing a part") from error
            if now != changes:
                raise PartWritten("a part failed after it wrote: use savepoints") from error
            raise
        finally:
            self._in_part = False

    def _undo_part(self, connection: Connection) -> None:
        self._drop_part()
        if connection.closed or not connection.in_transaction():
            self._connection = None
            raise GroupBroken("the group's transaction was rolled back while placing a part")
        connection.exec_driver_sql(_ROLLBACK_TO)
        connection.exec_driver_sql(_RELEASE)
