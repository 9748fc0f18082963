"""The unit of work of placing's group commit on SQLite, without a Session.

The storefront's ``POST /orders`` places the orders that arrive together in one
transaction (``web/order_intake.py``). Through a Session that transaction's life cycle
(the session, SQLAlchemy's ``Connection`` and its events, a result object per
statement, the flush at each part) cost more than SQLite spends on the orders' rows.
On a SQLite file the batch now runs on the DB-API connection, as the worker's settle
does (``messaging/direct_sqlite.py``: the same per-file writer lock and
``BEGIN IMMEDIATE``, errors raised as SQLAlchemy's, the commit before any answer), and
each placement gets this unit of work: worker5's ``DirectUnitOfWork`` (the jobs on the
cursor, the endpoints read once per transaction) plus what placing reads and its parts.

- **Reads** placing makes through Core statements (the location with its menu version
  and POS link, the menu, a repeat's stored order, a channel's own menu) run on the
  direct transaction too; their rows come by column name in a ``DirectResult``
  (``first()``, ``scalar()``, as a ``CursorResult``), so ``uow.py`` and
  ``uow_orders.py`` read them unchanged.
- **Parts** (``uow_parts.GroupParts``): unguarded ones count SQLite's changed rows on
  the same connection; guarded ones use the same ``SAVEPOINT``; there is no ORM state
  to flush or drop.
- **What needs the ORM** (a scheduled order's delayed submission job, a channel menu's
  full row, an incident) asks for ``session`` and gets ``NeedsSession``; the intake then
  places that order through a Session after the batch committed. Its part has
  written nothing or is undone, as any refused part is.
"""

from __future__ import annotations

import functools
import threading
from collections import namedtuple
from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Select

from orderbridge.sql.driver_cursor import DirectResult, SqliteCursor
from orderbridge.storage.mapping_store import SqlMappingStore
from orderbridge.storage.uow_direct import DirectUnitOfWork, NeedsSession

__all__ = ["NeedsSession", "PlacingUnitOfWork"]


class PlacingUnitOfWork(DirectUnitOfWork):
    """One placement of a direct group commit (module docstring). ``transaction`` is a
    ``messaging.direct_sqlite.DirectTransaction``; the intake commits the batch."""

    @functools.cached_property
    def _named(self) -> _NamedRows:
        return _NamedRows(self._transaction)

    @property
    def connection(self) -> Connection:
        return cast(Connection, self._named)

    @property
    def mappings(self) -> SqlMappingStore:
        # ``channel_menu``'s head read runs on the transaction; its full row (an ORM
        # ``get``, a channel with its own menu) asks for the session: ``NeedsSession``.
        return SqlMappingStore(cast(Session, _ReadsOnly(self._named)))

    def _changes_counter(self) -> Callable[[], tuple[int, bool]]:
        return cast(SqliteCursor, self._transaction).changes

    def _flush_part(self) -> None:
        pass  # nothing kept in memory: every statement ran as it came

    def _drop_part(self) -> None:
        self._loaded.clear()


class _NamedRows:
    """The direct transaction, its ``execute`` answering rows by column name."""

    closed = False

    def __init__(self, transaction: Any) -> None:
        self._transaction = transaction
        self.dialect = transaction.dialect
        self.info = transaction.info

    def execute(self, statement: Any, parameters: Any = None, /) -> DirectResult:
        found = self._transaction.execute(statement, parameters)
        shape = _shape(statement)
        rows = found if shape is None else map(shape._make, found)
        return DirectResult(rows, found.rowcount)

    def exec_driver_sql(self, statement: str, parameters: Any = ()) -> list[Any]:
        result: list[Any] = self._transaction.exec_driver_sql(statement, parameters)
        return result

    def in_transaction(self) -> bool:
        return bool(self._transaction.changes()[1])


class _ReadsOnly:
    """What ``SqlMappingStore.channel_menu`` needs of a session for its first read."""

    def __init__(self, connection: _NamedRows) -> None:
        self._connection = connection

    def connection(self) -> _NamedRows:
        return self._connection

    def __getattr__(self, name: str) -> Any:
        raise NeedsSession(f"placing needs the session's {name}")


_make_row_type: Any = namedtuple  # called with the statement's names: typed by its use
_SHAPES: dict[int, tuple[Any, Any]] = {}
_SHAPES_GUARD = threading.Lock()


def _shape(statement: Any) -> Any:
    """A named tuple type for a ``SELECT``'s columns (built once per statement); ``None``
    for other statements (their rows, if any, stay tuples)."""
    found = _SHAPES.get(id(statement))
    if found is not None and found[0] is statement:
        return found[1]
    shape: Any = None
    if isinstance(statement, Select):
        names: Sequence[str] = list(statement.selected_columns.keys())
        shape = _make_row_type("Row", names, rename=True)
    with _SHAPES_GUARD:
        if len(_SHAPES) >= 512:
            _SHAPES.clear()
        _SHAPES[id(statement)] = (statement, shape)  # holds the statement: its id stays its own
    return shape
