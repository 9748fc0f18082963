"""The reads every order of a group-committed batch repeats, made once per batch.

Placing an order reads its location, the location's menu version, its POS connection,
the tenant's webhook endpoints and the channel's own menu (most often: none) — five
reads that answer the same for every order of the same location in a batch (the first
three as one statement, ``SqlUnitOfWork.location_context``), and
a batch of ``POST /api/v1/orders`` is usually a few locations' orders
(``web/order_intake.py``). :class:`BatchReads` wraps the batch's unit of work and
answers those five from what the batch has already read; everything else (the
idempotency look-ups, the writes, the savepoints, ``commit``) goes to the unit of work
unchanged.

Why this is safe: the batch is one transaction, and placing an order writes only
orders, their timeline and outbox jobs — never a location, a menu, a connection, an
endpoint or a channel menu — so a second read in the same transaction would find what
the first found (on SQLite the transaction holds the writer lock throughout; on
PostgreSQL, at READ COMMITTED, it answers as of the batch's first read of it, as if
the later orders had come a few milliseconds earlier). The memo lives as long as the
batch: the next batch reads afresh.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from orderbridge.domain.menu import Menu
from orderbridge.matching.model import ChannelMenu
from orderbridge.ports import LocationRecord
from orderbridge.storage.mapping_store import SqlMappingStore
from orderbridge.storage.uow import SqlUnitOfWork

_T = TypeVar("_T")


class _Memo:
    """Answers by key, each computed once."""

    __slots__ = ("_found",)

    def __init__(self) -> None:
        self._found: dict[tuple[Any, ...], Any] = {}

    def get(self, key: tuple[Any, ...], read: Callable[[], _T]) -> _T:
        if key in self._found:
            found: _T = self._found[key]
            return found
        value = self._found[key] = read()
        return value


class _BatchMappings:
    """``uow.mappings`` with ``channel_menu`` remembered for the batch."""

    def __init__(self, inner: SqlMappingStore, memo: _Memo) -> None:
        self._inner = inner
        self._memo = memo

    def channel_menu(self, location_id: str, channel: str) -> ChannelMenu | None:
        return self._memo.get(
            ("channel_menu", location_id, channel),
            lambda: self._inner.channel_menu(location_id, channel),
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class BatchReads:
    """A batch's :class:`SqlUnitOfWork`, the repeated reads answered once (module
    docstring). Pass it where a ``UnitOfWork`` is expected (``typing.cast``)."""

    def __init__(self, tx: SqlUnitOfWork) -> None:
        self._tx = tx
        self._memo = _Memo()
        self.mappings = _BatchMappings(tx.mappings, self._memo)

    def get_location(
        self, location_id: str, *, tenant_id: str | None = None
    ) -> LocationRecord | None:
        record = self._memo.get(("location", location_id), lambda: self._context(location_id))
        if record is None or (tenant_id is not None and record.tenant_id != tenant_id):
            return None
        return record

    def _context(self, location_id: str) -> LocationRecord | None:
        # The location, its menu's version and its POS link in one statement; the
        # latter two are kept for ``get_menu`` and ``pos_connection_id`` below.
        record, version, pos = self._tx.location_context(location_id)
        self._memo.get(("menu_version", location_id), lambda: version)
        self._memo.get(("pos_connection", location_id), lambda: pos)
        return record

    def get_menu(self, location_id: str) -> Menu | None:
        def read() -> Menu | None:
            version = self._memo.get(
                ("menu_version", location_id), lambda: self._tx.menu_version(location_id)
            )
            return None if version is None else self._tx.get_menu(location_id, version=version)

        return self._memo.get(("menu", location_id), read)

    def pos_connection_id(self, location_id: str) -> str | None:
        return self._memo.get(
            ("pos_connection", location_id), lambda: self._tx.pos_connection_id(location_id)
        )

    def endpoint_ids_for(self, tenant_id: str, event: str) -> Sequence[str]:
        return self._memo.get(
            ("endpoints", tenant_id, event),
            lambda: tuple(self._tx.endpoint_ids_for(tenant_id, event)),
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._tx, name)
