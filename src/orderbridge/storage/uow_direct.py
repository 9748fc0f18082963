"""The unit of work of a settle written without a Session (SQLite, the worker's batch).

An order the POS has just taken is recorded in the transaction that settles the try
(``messaging/with_settle.py``): the order's ``UPDATE ... WHERE version = :v``, its new
timeline rows, the jobs that announce it. Through a Session each of those statements
cost several times what SQLite spends on it (the Session's connection, SQLAlchemy's
execution context per statement, the flush at each order's commit); on SQLite the
worker now writes its settle batch on the DB-API connection
(``messaging/direct_sqlite.py``: the same writer lock, ``BEGIN IMMEDIATE``, errors
raised as SQLAlchemy's) and hands each try's write this unit of work instead of a
``JoinedUnitOfWork``.

It is the same ``SqlUnitOfWork``, on another connection: the order's reads and saves
(``uow_orders.py``, ``uow_aggregates.py``) run their Core and driver-level statements
unchanged on the direct transaction (``transaction``: what ``Connection.execute`` and
``exec_driver_sql`` give, ``rowcount`` included, so the version check stays exact).
What needs the ORM (a reservation, a connection's status, an incident) asks for
:attr:`session` and gets :class:`NeedsSession`: the worker then records that try alone,
through a Session, as it records any try that fails in a batch — rare tries (a parked
connection working again, a cancel answered) keep the old path, and nothing is half
written (the direct transaction rolls back with the error).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from orderbridge.ports import Job
from orderbridge.security import CredentialCipher
from orderbridge.sql.driver_cursor import SqliteCursor
from orderbridge.storage import config_rows as rows
from orderbridge.storage.types import utcnow
from orderbridge.storage.uow import JobQueue, SqlUnitOfWork

_ENDPOINTS = "orderbridge.direct_endpoints"


class NeedsSession(RuntimeError):
    """This write needs the ORM: record the try through a Session instead."""


class DirectUnitOfWork(SqlUnitOfWork):
    """A unit of work inside a direct transaction the worker owns and commits.

    ``transaction`` is a ``messaging.direct_sqlite.DirectTransaction`` (typed by what
    is used of it: storage does not import messaging); ``commit()`` commits nothing,
    the worker commits the batch."""

    def __init__(
        self,
        transaction: Any,
        cipher: CredentialCipher,
        clock: Callable[[], datetime] = utcnow,
        *,
        queue: JobQueue,
    ) -> None:
        super().__init__(_no_sessions, cipher, clock, queue=queue)
        self._transaction = transaction

    def __enter__(self) -> DirectUnitOfWork:
        self._loaded.clear()
        return self

    def __exit__(self, *exc: object) -> None:
        self._loaded.clear()

    @property
    def session(self) -> Session:
        raise NeedsSession("this write needs a Session")

    @property
    def connection(self) -> Connection:
        # Duck-typed: ``execute`` and ``exec_driver_sql`` as the order's statements use them.
        return cast(Connection, self._transaction)

    @property
    def driver(self) -> SqliteCursor:
        # Already a cursor of the batch's transaction (``DirectTransaction`` is one).
        return cast(SqliteCursor, self._transaction)

    def commit(self) -> None:
        self._loaded.clear()

    def enqueue_many(self, jobs: Sequence[Job]) -> None:
        # The queue's insert needs of a "session" only its ``info`` (the flag that wakes
        # the workers, which the worker reads off the transaction once it committed).
        if jobs:
            self.queue.enqueue_many(
                cast(Session, self._transaction), jobs, now=self.clock(), connection=self.connection
            )

    def endpoint_ids_for(self, tenant_id: str, event: str) -> Sequence[str]:
        # Read once per tenant and transaction, as ``JoinedUnitOfWork`` does on a Session.
        kept: dict[str, list[tuple[str, tuple[str, ...]]]]
        kept = self._transaction.info.setdefault(_ENDPOINTS, {})
        found = kept.get(tenant_id)
        if found is None:
            result = self.connection.execute(rows.ENDPOINT_EVENTS, {"tenant_id": tenant_id})
            found = kept[tenant_id] = [(id, rows.endpoint_events(ev)) for id, ev in result]
        return [id for id, events in found if event in events or "*" in events]


def _no_sessions() -> Session:
    raise NeedsSession("a direct unit of work has no Session")
