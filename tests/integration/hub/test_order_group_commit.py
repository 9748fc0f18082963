"""``POST /api/v1/orders`` in group-committed batches: each request still gets its own
answer, idempotency stays exact, and a refused order leaves nothing behind."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy import select as sa_select
from sqlalchemy.exc import OperationalError

from orderbridge.ports import Job
from orderbridge.services.errors import ServiceError
from orderbridge.services.orders import Placed
from orderbridge.storage import tables as t
from orderbridge.web.errors import ApiError
from orderbridge.web.order_intake import OrderIntake, Placement
from orderbridge.web.schemas import OrderIn
from tests.integration.support.world import TENANT, World, count, jobs
from tests.unit.web.bodies import order_body

pytestmark = pytest.mark.anyio
ORDERS = "/api/v1/orders"


def _placement(key: str | None = None, **body: Any) -> Placement:
    return Placement(
        body=OrderIn.model_validate(order_body(**body)),
        tenant_id=TENANT,
        placed_by="group-commit-test",
        sees_all=True,
        idempotency_key=key,
    )


def test_one_batch_places_each_order_alone_in_one_transaction(world: World) -> None:
    intake = OrderIntake(world.hub.app().state.context)
    batch = [
        _placement("k-1", channel_order_id="web-1"),
        _placement("k-1", channel_order_id="web-1"),  # the same request again
        _placement("k-1", channel_order_id="web-1", note="other body"),  # same key, new body
        _placement(channel_order_id="web-2", location_id="nowhere"),  # unknown location
        _placement(channel_order_id="web-3", items=[{"item_id": "no-such", "quantity": 1}]),
        _placement(channel_order_id="web-4"),
    ]
    outcomes = intake.place_now(batch)
    first, again, conflict, unknown, invalid, fourth = outcomes
    assert isinstance(first, Placed) and first.created
    assert isinstance(again, Placed) and not again.created
    assert again.stored.order.id == first.stored.order.id
    assert isinstance(conflict, ServiceError) and conflict.code == "idempotency_conflict"
    assert isinstance(unknown, ApiError) and unknown.status == 404
    assert isinstance(invalid, ServiceError) and invalid.status == 422
    assert isinstance(fourth, Placed) and fourth.created
    # Only the two new orders were written, each with its submission job.
    assert count(world.hub, t.OrderRecord) == 2
    submitted = {j.payload["order_id"] for j in jobs(world.hub, "order.submit")}
    assert submitted == {first.stored.order.id, fourth.stored.order.id}


async def test_concurrent_requests_are_each_answered_after_the_commit(world: World) -> None:
    app = world.hub.app()
    headers = {"Authorization": f"Bearer {world.api_key}"}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub", headers=headers) as c:

        async def post(key: str | None, **body: Any) -> httpx.Response:
            extra = {"Idempotency-Key": key} if key else {}
            return await c.post(ORDERS, json=order_body(**body), headers=extra)

        answers = await asyncio.gather(
            *(post(f"k-{n}", channel_order_id=f"web-{n}") for n in range(8)),
            post("twin", channel_order_id="web-twin"),
            post("twin", channel_order_id="web-twin"),
            post(None, channel_order_id="web-bad", location_id="nowhere"),
        )
    *eight, twin_a, twin_b, bad = answers
    assert [a.status_code for a in eight] == [201] * 8, [a.text for a in eight]
    assert (twin_a.status_code, twin_b.status_code) == (201, 201)
    assert twin_a.json()["id"] == twin_b.json()["id"]
    assert sorted(a.headers.get("Idempotent-Replayed", "") for a in (twin_a, twin_b)) == [
        "",
        "true",
    ]
    assert bad.status_code == 404 and bad.json()["error"]["code"] == "unknown_location"
    # Every 201 is readable at once: it was committed before it was answered.
    async with httpx.AsyncClient(transport=transport, base_url="http://hub", headers=headers) as c:
        for answer in (*eight, twin_a):
            read = await c.get(f"{ORDERS}/{answer.json()['id']}")
            assert read.status_code == 200
    assert count(world.hub, t.OrderRecord) == 9
    assert len(jobs(world.hub, "order.submit")) == 9


def test_a_batch_reads_its_location_menu_and_pos_link_once(world: World) -> None:
    # web/batch_reads.py: what every order of the batch would read again is read once;
    # each order is still placed, priced and queued as when placed alone.
    intake = OrderIntake(world.hub.app().state.context)
    intake.place_now([_placement(channel_order_id="web-alone")])
    outcomes, statements = _statements_of(
        world, lambda: intake.place_now([_placement(channel_order_id=f"web-{n}") for n in range(4)])
    )
    assert all(isinstance(o, Placed) and o.created for o in outcomes), outcomes
    from_locations = [s for s in statements if " FROM locations " in f"{s} "]
    menu_versions = [s for s in statements if "FROM menus" in s and "document" not in s]
    assert len(from_locations) == 1, from_locations
    assert len(menu_versions) == 1, menu_versions
    submits = jobs(world.hub, "order.submit")
    assert len(submits) == 5
    alone, *batched = submits
    assert alone.connection_id is not None
    assert {j.connection_id for j in batched} == {alone.connection_id}
    totals = {o.stored.order.totals.total for o in outcomes if isinstance(o, Placed)}
    assert len(totals) == 1  # the same body, the same menu: the same price


def _statements_of(world: World, work: Any) -> tuple[Any, list[str]]:
    """``work()``'s outcome and the SQL it ran: on SQLite as the driver ran it (a
    placing batch runs on the DB-API connection, unseen by SQLAlchemy's events)."""
    statements: list[str] = []

    def seen(sql: str) -> None:
        statements.append(" ".join(sql.split()))

    def traced(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(seen)

    def untraced(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.set_trace_callback(None)

    def executed(_conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        seen(sql)

    engine = world.hub.engine
    hooks = (
        [("checkout", traced), ("checkin", untraced)]
        if engine.dialect.name == "sqlite"
        else [("before_cursor_execute", executed)]
    )
    for name, hook in hooks:
        event.listen(engine, name, hook)
    try:
        return work(), statements
    finally:
        for name, hook in hooks:
            event.remove(engine, name, hook)


def test_a_batch_on_sqlite_runs_without_a_session(world: World) -> None:
    # web/order_intake.py: on a SQLite file the batch runs on the DB-API connection;
    # SQLAlchemy's Connection sees none of its statements. PostgreSQL keeps the Session.
    intake = OrderIntake(world.hub.app().state.context)
    intake.place_now([_placement(channel_order_id="web-warm")])
    through_sqlalchemy: list[str] = []

    def executed(_conn: Any, _cursor: Any, sql: str, *_rest: Any) -> None:
        through_sqlalchemy.append(sql)

    event.listen(world.hub.engine, "before_cursor_execute", executed)
    try:
        outcomes = intake.place_now(
            [_placement(f"d-{n}", channel_order_id=f"web-d{n}") for n in range(3)]
        )
    finally:
        event.remove(world.hub.engine, "before_cursor_execute", executed)
    assert all(isinstance(o, Placed) and o.created for o in outcomes), outcomes
    if world.hub.engine.dialect.name == "sqlite":
        assert through_sqlalchemy == []
    else:
        assert any("INSERT INTO orders" in s for s in through_sqlalchemy)
    assert count(world.hub, t.OrderRecord) == 4
    assert len(jobs(world.hub, "order.submit")) == 4
    again = intake.place_now(
        [
            _placement("d-1", channel_order_id="web-d1"),
            _placement("d-2", channel_order_id="web-d2", note="another body"),
        ]
    )
    repeat, conflict = again
    assert isinstance(repeat, Placed) and not repeat.created
    assert repeat.stored.order.id == outcomes[1].stored.order.id  # type: ignore[union-attr]
    assert isinstance(conflict, ServiceError) and conflict.code == "idempotency_conflict"
    assert count(world.hub, t.OrderRecord) == 4


class _NeedsTheOrm(OrderIntake):
    """An intake whose placement of ``channel_order_id == "web-orm"`` also queues a
    delayed job (as a scheduled order does), which the direct batch cannot write."""

    def _place(self, tx: Any, reads: Any, placement: Placement, *, unguarded: bool) -> Placed:
        return super()._place(tx, _DelayedJob(reads), placement, unguarded=unguarded)


class _DelayedJob:
    """A unit of work that, after storing "web-orm", queues a job one at a time (the
    ORM's ``enqueue``, as a scheduled order's delayed submission is queued)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def add_order(self, order: Any, **kwargs: Any) -> Any:
        stored = self._inner.add_order(order, **kwargs)
        if order.key.channel_order_id == "web-orm":
            self._inner.enqueue("test.delayed", {"order_id": order.id})
        return stored

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def test_a_placement_that_needs_the_orm_is_placed_through_a_session(world: World) -> None:
    intake = _NeedsTheOrm(world.hub.app().state.context)
    batch = [
        _placement("o-1", channel_order_id="web-o1"),
        _placement("o-2", channel_order_id="web-orm"),
        _placement("o-3", channel_order_id="web-o3"),
    ]
    outcomes = intake.place_now(batch)
    assert all(isinstance(o, Placed) and o.created for o in outcomes), outcomes
    assert count(world.hub, t.OrderRecord) == 3
    submitted = [j.payload["order_id"] for j in jobs(world.hub, "order.submit")]
    assert sorted(submitted) == sorted(o.stored.order.id for o in outcomes)  # type: ignore[union-attr]
    delayed = jobs(world.hub, "test.delayed")
    assert [j.payload["order_id"] for j in delayed] == [outcomes[1].stored.order.id]  # type: ignore[union-attr]


def test_refused_placements_leave_nothing_without_a_savepoint_on_sqlite(world: World) -> None:
    # A placement refuses before it writes, so on SQLite its part needs no savepoint;
    # what was refused still leaves no row of any kind, and the batch's others are kept.
    intake = OrderIntake(world.hub.app().state.context)
    batch = [
        _placement("s-1", channel_order_id="web-s1"),
        _placement(channel_order_id="web-s2", items=[{"item_id": "no-such", "quantity": 1}]),
        _placement("s-1", channel_order_id="web-s1", note="another body"),
        _placement(channel_order_id="web-s3", location_id="nowhere"),
        _placement("s-4", channel_order_id="web-s4"),
    ]
    outcomes, statements = _statements_of(world, lambda: intake.place_now(batch))
    first, invalid, conflict, unknown, last = outcomes
    assert isinstance(first, Placed) and isinstance(last, Placed)
    assert isinstance(invalid, ServiceError) and invalid.status == 422
    assert isinstance(conflict, ServiceError) and conflict.code == "idempotency_conflict"
    assert isinstance(unknown, ApiError) and unknown.status == 404
    if world.hub.engine.dialect.name == "sqlite":
        assert [s for s in statements if "SAVEPOINT" in s.upper()] == []
    else:  # PostgreSQL: a failed statement spoils the transaction, so every part has one
        assert len([s for s in statements if s.upper().startswith("SAVEPOINT")]) == len(batch)
    placed = {first.stored.order.id, last.stored.order.id}
    assert count(world.hub, t.OrderRecord) == 2
    assert {j.payload["order_id"] for j in jobs(world.hub, "order.submit")} == placed
    with world.hub.sessions() as session:
        owners = set(session.scalars(sa_select(t.TimelineRecord.subject_id)))
    assert owners == placed


class _FailsAfterWriting(OrderIntake):
    """An intake whose placement of ``channel_order_id == "web-late"`` writes a job and is
    then refused, once, as a refusal after a write would be (a twin's insert winning)."""

    def __init__(self, world: World) -> None:
        super().__init__(world.hub.app().state.context)
        self.passes: list[bool] = []

    def _place(self, tx: Any, reads: Any, placement: Placement, *, unguarded: bool) -> Placed:
        if placement.body.channel_order_id != "web-late":
            return super()._place(tx, reads, placement, unguarded=unguarded)
        self.passes.append(unguarded)
        with tx.part(unguarded=unguarded):
            tx.enqueue_many([Job("test.written", {}, key="late")])
            raise ApiError(409, "late_refusal", "refused after writing")


def test_a_refusal_after_a_write_places_the_batch_again_with_savepoints(world: World) -> None:
    intake = _FailsAfterWriting(world)
    batch = [
        _placement("l-1", channel_order_id="web-l1"),
        _placement(channel_order_id="web-late"),
        _placement("l-3", channel_order_id="web-l3"),
    ]
    first, late, third = intake.place_now(batch)
    assert isinstance(late, ApiError) and late.code == "late_refusal"
    assert isinstance(first, Placed) and first.created
    assert isinstance(third, Placed) and third.created
    if world.hub.engine.dialect.name == "sqlite":
        assert intake.passes == [True, False]  # the first pass was dropped, uncommitted
    else:
        assert intake.passes == [True]  # guarded from the start
    assert jobs(world.hub, "test.written") == []
    assert count(world.hub, t.OrderRecord) == 2
    placed = {first.stored.order.id, third.stored.order.id}
    assert {j.payload["order_id"] for j in jobs(world.hub, "order.submit")} == placed


class _SessionDown(_NeedsTheOrm):
    """As :class:`_NeedsTheOrm`, its Session pass failing as a lost database would."""

    def _place_session(self, placements: Any) -> Any:
        raise OperationalError("INSERT", None, Exception("the database is gone"))


def test_a_set_aside_placement_failing_leaves_the_committed_batch_answered(
    world: World,
) -> None:
    # The direct batch has committed; the set-aside placement's failure is its own.
    intake = _SessionDown(world.hub.app().state.context)
    batch = [
        _placement("f-1", channel_order_id="web-f1"),
        _placement("f-2", channel_order_id="web-orm"),
        _placement("f-3", channel_order_id="web-f3"),
    ]
    if world.hub.engine.dialect.name != "sqlite":  # all of it on a Session: the batch fails
        with pytest.raises(OperationalError):
            intake.place_now(batch)
        assert count(world.hub, t.OrderRecord) == 0
        return
    first, orm, third = intake.place_now(batch)
    assert isinstance(first, Placed) and first.created
    assert isinstance(third, Placed) and third.created
    assert isinstance(orm, OperationalError)
    assert count(world.hub, t.OrderRecord) == 2
