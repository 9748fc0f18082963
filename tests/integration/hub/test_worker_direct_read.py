"""The worker's read before the POS call, on SQLite without a Session (``bootstrap_jobs``).

On a SQLite file the read of a claim's batch runs on the DB-API connection
(``messaging/direct_sqlite.direct_read``); elsewhere on a read-only Session. These
tests hold the direct read to what the Session's read gives, order by order, and to
the read-only Session's place beside the writer: it takes no writer lock and sees only
what was committed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from sqlalchemy import event

from orderbridge.bootstrap_jobs import _orders_to_submit
from orderbridge.messaging.direct_sqlite import DirectWriter
from orderbridge.ports import OrderToSubmit
from orderbridge.services.orders import cancel_order
from orderbridge.storage.codec import order_to_json
from orderbridge.storage.order_rows import ORDERS
from tests.integration.support.world import TENANT, World, draft, place


def _worker_read(world: World, order_ids: list[str]) -> list[OrderToSubmit | None]:
    return _orders_to_submit(world.hub, DirectWriter(world.hub.sessions), order_ids)


@contextmanager
def _statements_through_the_engine(world: World) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        seen.append(statement)

    event.listen(world.hub.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(world.hub.engine, "before_cursor_execute", count)


def test_the_workers_read_is_the_sessions_read_order_by_order(world: World) -> None:
    first = place(world, draft("web-a")).stored.order.id
    second = place(world, draft("web-b")).stored.order.id
    with world.hub.uow() as tx:  # a longer timeline, a later version
        cancel_order(tx, tenant_id=TENANT, order_id=second, reason="", now=world.clock())
    wanted = [second, "ord_missing", first]
    with _statements_through_the_engine(world) as statements:
        reads = _worker_read(world, wanted)
    with world.hub.read_uow() as tx:
        expected = tx.orders_to_submit(wanted)
    # On a SQLite file no statement goes through SQLAlchemy's engine: the direct read.
    assert (len(statements) == 0) is (world.hub.engine.dialect.name == "sqlite")
    assert reads[1] is None and expected[1] is None
    for read, session_read in zip(reads[::2], expected[::2], strict=True):
        assert read is not None and session_read is not None
        order, other = read.stored.order, session_read.stored.order
        assert order_to_json(order) == order_to_json(other)
        assert (order.status, order.external_refs, order.timeline) == (
            other.status,
            other.external_refs,
            other.timeline,
        )
        assert replace(read.stored, order=other) == session_read.stored  # the bookkeeping
        assert read.binding == session_read.binding
        assert (read.version, read.stored_entries) == (
            session_read.version,
            session_read.stored_entries,
        )
    assert [e.event for e in reads[0].stored.order.timeline] == [  # type: ignore[union-attr]
        "order.received",
        "order.canceled",
    ]
    # Orders of one location read together share its binding, built once.
    assert reads[0].binding is reads[2].binding  # type: ignore[union-attr]


def test_the_workers_read_runs_beside_an_open_writer_and_sees_what_was_committed(
    world: World,
) -> None:
    order_id = place(world).stored.order.id
    bump = ORDERS.update().where(ORDERS.c.id == order_id).values(version=ORDERS.c.version + 1)
    with world.hub.sessions() as session, session.begin():
        session.execute(bump)  # a write under way: on SQLite it holds the writer lock
        [read] = _worker_read(world, [order_id])  # a writer's BEGIN would wait, then fail
        assert read is not None and read.version == 1
    [after] = _worker_read(world, [order_id])
    assert after is not None and after.version == 2


@pytest.mark.parametrize("missing", [["ord_missing"], []])
def test_a_read_of_nothing_found_reads_as_none(world: World, missing: list[str]) -> None:
    assert _worker_read(world, missing) == [None] * len(missing)
