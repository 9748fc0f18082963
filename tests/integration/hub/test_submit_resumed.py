"""The submission saves on its one read of the order (``storage/worker_rows.py``).

The worker reads the order and its POS binding before the POS call and, after it,
saves on that read instead of reading again. These tests hold that read to what the
separate reads gave, and the save to the optimistic check: an order saved meanwhile
(a cancel arriving during the POS call) is read again, never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import pytest
from sqlalchemy import event

from orderbridge.domain.orders import Order, OrderStatus
from orderbridge.ports import LocationBinding, PosOrderRef, TransientError
from orderbridge.services import pipeline
from orderbridge.services.orders import cancel_order
from orderbridge.storage import tables as t
from orderbridge.storage.codec import order_to_json
from tests.integration.support.fake_pos import FakePos
from tests.integration.support.world import (
    OTHER_LOCATION,
    TENANT,
    World,
    draft,
    events_of,
    place,
    stored,
)

pytestmark = pytest.mark.anyio


def test_the_read_before_the_call_is_the_order_and_its_binding(world: World) -> None:
    order_id = place(world).stored.order.id
    with world.hub.read_uow() as tx:
        read = tx.orders_to_submit([order_id])[0]
        separate = tx.get_order(order_id)
        assert separate is not None
        binding = tx.pos_binding(separate.order.location_id)
    assert read is not None and binding is not None
    order, expected = read.stored.order, separate.order
    assert order_to_json(order) == order_to_json(expected)
    assert (order.status, order.external_refs, order.timeline) == (
        expected.status,
        expected.external_refs,
        expected.timeline,
    )
    assert replace(read.stored, order=expected) == separate  # the bookkeeping
    assert read.binding == binding
    assert (read.version, read.stored_entries) == (1, len(separate.order.timeline))


def test_an_unknown_order_reads_as_none_and_a_location_without_a_pos_has_no_binding(
    world: World,
) -> None:
    with world.hub.sessions() as session, session.begin():  # the other location, no POS
        other = session.get(t.Location, OTHER_LOCATION)
        assert other is not None
        other.tenant_id = TENANT
    order_id = place(world, draft("web-other", location_id=OTHER_LOCATION)).stored.order.id
    with world.hub.read_uow() as tx:
        assert tx.orders_to_submit(["ord_missing"])[0] is None
        read = tx.orders_to_submit([order_id])[0]
    assert read is not None and read.stored.order.id == order_id
    assert read.binding is None


def test_orders_read_together_come_back_each_in_its_place(world: World) -> None:
    first = place(world, draft("web-a")).stored.order.id
    second = place(world, draft("web-b")).stored.order.id
    with world.hub.uow() as tx:  # a longer timeline for the second one
        cancel_order(tx, tenant_id=TENANT, order_id=second, reason="", now=world.clock())
    with world.hub.read_uow() as tx:
        reads = tx.orders_to_submit([second, "ord_missing", first])
        alone = [tx.orders_to_submit([order_id])[0] for order_id in (second, first)]
    assert reads[1] is None
    together = [read for read in reads if read is not None]
    assert [read.stored.order.id for read in together] == [second, first]
    for read, single in zip(together, alone, strict=True):
        assert single is not None
        assert read.stored.order.timeline == single.stored.order.timeline
        assert (read.version, read.stored_entries, read.binding) == (
            single.version,
            single.stored_entries,
            single.binding,
        )
    assert [e.event for e in together[0].stored.order.timeline] == [
        "order.received",
        "order.canceled",
    ]
    assert together[0].version == 2
    # Orders of one location read together share its binding, built once.
    assert together[0].binding is together[1].binding


def test_a_resumed_read_saves_without_reading_again(world: World) -> None:
    order_id = place(world).stored.order.id
    with world.hub.read_uow() as tx:
        read = tx.orders_to_submit([order_id])[0]
    assert read is not None
    with world.hub.uow() as tx:
        resumed = tx.resume_order(read)
        resumed.order.record(world.clock(), "test.note", "saved on the earlier read")
        tx.save_order(resumed.order)
        tx.commit()
    after = stored(world.hub, order_id)
    assert events_of(after) == ["order.received", "test.note"]


def test_a_resumed_read_of_an_order_saved_since_is_refused_and_writes_nothing(
    world: World,
) -> None:
    order_id = place(world).stored.order.id
    with world.hub.read_uow() as tx:
        read = tx.orders_to_submit([order_id])[0]
    assert read is not None
    with world.hub.uow() as tx:
        cancel_order(tx, tenant_id=TENANT, order_id=order_id, reason="", now=world.clock())
    with world.hub.uow() as tx:
        resumed = tx.resume_order(read)
        resumed.order.record(world.clock(), "test.note", "on a stale read")
        with pytest.raises(TransientError):
            tx.save_order(resumed.order)
    after = stored(world.hub, order_id)
    assert after.order.status is OrderStatus.CANCELED
    assert "test.note" not in events_of(after)


@dataclass
class CancelDuringTheCall(FakePos):
    """Creates the order, and the channel cancels it while the call is in flight."""

    world: World | None = None

    async def submit_order(
        self, order: Order, *, location: LocationBinding, key: str
    ) -> PosOrderRef:
        assert self.world is not None
        with self.world.hub.uow() as tx:
            cancel_order(tx, tenant_id=TENANT, order_id=key, reason="", now=self.world.clock())
        return await super().submit_order(order, location=location, key=key)


def _racing(world: World) -> CancelDuringTheCall:
    pos = CancelDuringTheCall(world=world)
    world.hub.pos_for = pos.for_connection  # type: ignore[method-assign]
    return pos


def _assert_the_cancel_kept(world: World, pos: FakePos, order_id: str) -> None:
    after = stored(world.hub, order_id)
    [at_pos] = pos.created(order_id)
    # The cancel stands (the stale read did not put the order back to submitted), and
    # the POS's answer is recorded on the order read afresh, as the domain has it.
    assert after.order.status is OrderStatus.CANCELED
    assert after.pos_order_id == at_pos.pos_id
    assert events_of(after) == ["order.received", "order.canceled", "order.submitted.ignored"]


async def test_a_cancel_during_the_call_is_kept_when_saving_alone(world: World) -> None:
    pos = _racing(world)
    order_id = place(world).stored.order.id
    result = await pipeline.submit_order(
        order_id,
        attempt=1,
        uow=world.hub.uow,
        pos_for=world.hub.pos_for,
        clock=world.clock,
        read_uow=world.hub.read_uow,
    )
    assert result["pos_order_id"] == pos.created(order_id)[0].pos_id
    _assert_the_cancel_kept(world, pos, order_id)


async def test_a_cancel_during_the_call_is_kept_when_saving_with_the_settle(
    world: World,
) -> None:
    pos = _racing(world)
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    _assert_the_cancel_kept(world, pos, order_id)


async def test_the_save_reads_no_location_row_where_no_busy_threshold_is_set(
    world: World,
) -> None:
    """The binding read before the call carries the location's options: without an
    automatic busy threshold (the default) the save asks the location row nothing."""
    order_id = place(world).stored.order.id
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        statements.append(sql)

    with _every_statement(world, statements.append):
        await world.hub.worker().run_until_idle()
    assert stored(world.hub, order_id).order.status is OrderStatus.SUBMITTED
    assert [sql for sql in statements if sql.startswith("UPDATE orders")]  # all were seen
    assert not [sql for sql in statements if sql.startswith("SELECT locations.")]


async def test_the_settle_saves_the_order_without_a_session_on_sqlite(world: World) -> None:
    """On a SQLite file the settle batch, the order's save in it, runs on the DB-API
    connection (``storage/uow_direct.py``): the order's ``UPDATE`` and its timeline
    reach the file, through no SQLAlchemy connection. PostgreSQL saves on a Session."""
    order_id = place(world).stored.order.id
    through_engine: list[str] = []

    def seen(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        through_engine.append(sql)

    event.listen(world.hub.engine, "before_cursor_execute", seen)
    try:
        await world.hub.worker().run_until_idle()
    finally:
        event.remove(world.hub.engine, "before_cursor_execute", seen)
    after = stored(world.hub, order_id)
    assert after.order.status is OrderStatus.SUBMITTED and after.pos_order_id
    assert events_of(after) == ["order.received", "order.submitted"]
    saves = [sql for sql in through_engine if sql.startswith("UPDATE orders")]
    assert len(saves) == (0 if world.hub.engine.dialect.name == "sqlite" else 1)


@contextmanager
def _every_statement(world: World, add: Callable[[str], object]) -> Iterator[None]:
    """Hand ``add`` every statement run on the hub's database meanwhile: through its
    engine, and on SQLite also those on the DB-API connection (a trace callback on
    each connection the pool opens afresh)."""

    def seen(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        add(sql)

    def traced(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.set_trace_callback(add)

    engine = world.hub.engine
    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        engine.dispose()  # the pool's connections are opened again, traced
        event.listen(engine, "connect", traced)
    else:
        event.listen(engine, "before_cursor_execute", seen)
    try:
        yield
    finally:
        if sqlite:
            event.remove(engine, "connect", traced)
            engine.dispose()
        else:
            event.remove(engine, "before_cursor_execute", seen)
