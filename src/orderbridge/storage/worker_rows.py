"""The worker's reads and saves of an order it submits: one read before, none after.

Submitting an order reads it before the POS call (what to send, and where) and
records the POS's answer after it, in another transaction: the call must not hold a
transaction open. Round 3's profile had three statements before the call (the order,
its timeline, the location's POS binding) and the save reading the order once more.
Here the orders a claim's jobs submit together are read together: each order with its
binding, one statement for all of them (:data:`ORDERS_TO_SUBMIT`), and their timelines
in a second (``bootstrap_jobs`` gathers the reads of jobs that start at once with a
``GroupCommit``, in one read transaction). The save resumes that read
(:meth:`WorkerOrders.resume_order`) instead of making its own. The optimistic version
check stays exact: the resumed read carries the version it saw, and the order's
``UPDATE ... WHERE version = :v`` matches no row if anything (a cancel, say) saved the
order since, which raises ``ConcurrentUpdate`` for the caller to read again and retry
(``services/pipeline.py``).

Mixed into ``SqlUnitOfWork`` (``storage/uow.py``).
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator, Sequence
from typing import Any, cast

from sqlalchemy import bindparam, select

from orderbridge.ports import ConnectionRecord, LocationBinding, OrderToSubmit, StoredOrder
from orderbridge.security import CredentialCipher
from orderbridge.storage import config_rows
from orderbridge.storage import order_rows as rows
from orderbridge.storage.config_rows import CONNECTIONS, LINKS, LOCATIONS
from orderbridge.storage.order_rows import AnyRow
from orderbridge.storage.uow_aggregates import AggregateStore

_o, _tl = rows.ORDERS.c, rows.TIMELINE.c
_con, _link, _loc = CONNECTIONS.c, LINKS.c, LOCATIONS.c
_BINDING = "b_"  # the prefix of the POS binding's columns in the row
Binding = tuple[ConnectionRecord, LocationBinding]

ORDERS_TO_SUBMIT = (
    rows.ORDER_SELECT.add_columns(
        # Named as ``config_rows.POS_BINDING`` names them, behind a prefix.
        *(column.label(_BINDING + column.name) for column in CONNECTIONS.columns),
        _o.location_id.label(_BINDING + "location_id"),
        _link.external_id.label(_BINDING + "external_id"),
        _loc.currency.label(_BINDING + "currency"),
        _loc.timezone.label(_BINDING + "timezone"),
        _loc.options.label(_BINDING + "location_options"),
    )
    .select_from(
        rows.ORDERS.outerjoin(LOCATIONS, _loc.id == _o.location_id)
        .outerjoin(LINKS, _link.location_id == _o.location_id)
        .outerjoin(CONNECTIONS, (_con.id == _link.connection_id) & (_con.role == "pos"))
    )
    .where(_o.id.in_(bindparam("order_ids", expanding=True)))
    # A location links channels too: per order, the row with its POS (if any) first.
    .order_by(_o.id, _con.id.is_(None), _link.connection_id)
)
"""The orders, each with its location's POS connection and binding (NULLs: none)."""
TIMELINES_OF_ORDERS = (
    select(_tl.at, _tl.status, _tl.event, _tl.detail, _tl.subject_id)
    .where(_tl.subject_kind == "order", _tl.subject_id.in_(bindparam("order_ids", expanding=True)))
    .order_by(_tl.id)
)


# The statements' rows by name, for a connection that answers plain tuples (the
# worker's direct read on SQLite, ``messaging/direct_sqlite.py``): SQLAlchemy's ``Row``
# reads by attribute already, so the code below reads either the same way.
_OrderRow = namedtuple("_OrderRow", ORDERS_TO_SUBMIT.selected_columns.keys())  # type: ignore[misc]
_EntryRow = namedtuple("_EntryRow", TIMELINES_OF_ORDERS.selected_columns.keys())  # type: ignore[misc]


def _named(rows: Any, shape: Any) -> Iterator[AnyRow]:
    """``rows`` readable by column name: plain tuples made ``shape``, others as they are."""
    for row in rows:
        yield shape._make(row) if type(row) is tuple else row


class _Prefixed:
    """The columns of ``row`` named ``prefix + name``, read as ``name``."""

    __slots__ = ("_prefix", "_row")

    def __init__(self, row: Any, prefix: str) -> None:
        self._row, self._prefix = row, prefix

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, self._prefix + name)


class WorkerOrders(AggregateStore):
    """``orders_to_submit`` and ``resume_order`` of the unit of work."""

    cipher: CredentialCipher

    def orders_to_submit(self, order_ids: Sequence[str]) -> list[OrderToSubmit | None]:
        params = {"order_ids": list(order_ids)}
        found: dict[str, AnyRow] = {}
        for row in _named(self.connection.execute(ORDERS_TO_SUBMIT, params), _OrderRow):
            found.setdefault(row.id, row)  # the first row of each order: its POS
        entries: dict[str, list[AnyRow]] = {}
        if found:
            timelines = self.connection.execute(TIMELINES_OF_ORDERS, params)
            for entry in _named(timelines, _EntryRow):
                entries.setdefault(entry.subject_id, []).append(entry)
        bindings: dict[tuple[str, str], Binding] = {}
        return [
            None if row is None else self._to_submit(row, entries.get(row.id, []), bindings)
            for row in map(found.get, order_ids)
        ]

    def _to_submit(
        self, row: AnyRow, entries: Sequence[AnyRow], bindings: dict[tuple[str, str], Binding]
    ) -> OrderToSubmit:
        timeline = rows.timeline_from_rows(entries)
        stored = rows.stored_order(row, rows.order_from_row(row, timeline))
        binding = None
        if row.b_id is not None and row.b_currency is not None:  # a POS, a location
            # Orders of one location read together share its binding (the same rows of
            # the same read): its options parsed and its credentials copied once.
            key = (row.b_id, row.b_location_id)
            binding = bindings.get(key)
            if binding is None:
                binding_row = cast(AnyRow, _Prefixed(row, _BINDING))  # read by attribute only
                binding = bindings[key] = config_rows.pos_binding(binding_row, self.cipher)
        return OrderToSubmit(stored, binding, version=row.version, stored_entries=len(timeline))

    def resume_order(self, read: OrderToSubmit) -> StoredOrder:
        self._loaded[read.stored.order.id] = (read.version, read.stored_entries)
        return read.stored
