"""``SqlUnitOfWork.part``: one placement of a group commit, undone alone when it fails.

The savepoint is plain SQL the session does not see, so these tests write through both
paths a placement uses — Core (``enqueue_many``) and the ORM (``enqueue`` with a
``run_after``, as a scheduled order's submission is queued) — and check that a part
that raises after writing leaves nothing behind, and that the parts around it, and the
session's later ORM writes, are stored as usual.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.ports import Job
from orderbridge.storage.uow import SqlUnitOfWork
from orderbridge.storage.uow_parts import PartWritten
from tests.integration.support.world import World, jobs


class Refused(Exception):
    """What a placement refused after writing raises, here."""


def _write(tx: SqlUnitOfWork, key: str) -> None:
    tx.enqueue_many([Job("test.now", {"n": key}, key=key)])
    tx.enqueue("test.later", {"n": key}, key=key, run_after=tx.clock() + timedelta(hours=1))
    tx.commit()  # inside a part: a flush, as ``place_order``'s own commit


def _unflushed_job(key: str, now: datetime) -> OutboxJob:
    """A job row for the session, added but not flushed when its part is refused."""
    return OutboxJob(
        kind="test.now",
        payload={},
        key=key,
        status=JobStatus.PENDING.value,
        attempts=0,
        total_attempts=0,
        run_after=now,
        created_at=now,
        updated_at=now,
    )


def test_a_failed_part_leaves_nothing_and_the_others_are_kept(world: World) -> None:
    with world.hub.uow() as tx:
        assert isinstance(tx, SqlUnitOfWork)
        with tx.part():
            _write(tx, "a")
        with pytest.raises(Refused), tx.part():
            _write(tx, "b")
            raise Refused
        with tx.part():  # the ORM's job ids may be reused after the undo: no clash
            _write(tx, "c")
        tx.commit()
    for kind in ("test.now", "test.later"):
        assert sorted(j.key for j in jobs(world.hub, kind)) == ["a", "c"]


def test_a_part_refused_before_it_flushed_drops_its_orm_rows(world: World) -> None:
    now = world.clock()
    with world.hub.uow() as tx:
        assert isinstance(tx, SqlUnitOfWork)
        with pytest.raises(Refused), tx.part():
            # In the session, not yet flushed, when the part is refused.
            tx.session.add(_unflushed_job("x", now))
            raise Refused
        with tx.part():
            _write(tx, "y")
        tx.commit()
    assert [j.key for j in jobs(world.hub, "test.now")] == ["y"]
    assert [j.key for j in jobs(world.hub, "test.later")] == ["y"]


def _sqlite(world: World) -> bool:
    return world.hub.engine.dialect.name == "sqlite"


def test_an_unguarded_part_refused_before_writing_leaves_nothing(world: World) -> None:
    # ``part(unguarded=True)``: no savepoint on SQLite; a part refused before any row
    # was written (its ORM row only added, never flushed) leaves nothing, and the
    # group's other parts are committed as usual.
    now = world.clock()
    with world.hub.uow() as tx:
        assert isinstance(tx, SqlUnitOfWork)
        with tx.part(unguarded=True):
            _write(tx, "a")
        with pytest.raises(Refused), tx.part(unguarded=True):
            tx.order_fingerprints("ten", "storefront", "x", None)  # reads are fine
            tx.session.add(_unflushed_job("never", now))
            raise Refused
        with tx.part(unguarded=True):
            _write(tx, "c")
        tx.commit()
    for kind in ("test.now", "test.later"):
        assert sorted(j.key for j in jobs(world.hub, kind)) == ["a", "c"]


def test_an_unguarded_part_refused_after_writing_spoils_the_group(world: World) -> None:
    # On SQLite nothing can undo it alone: ``PartWritten`` (the group's caller drops
    # the transaction and starts over with savepoints). On PostgreSQL the part was
    # guarded all along: the refusal itself comes out, its writes undone.
    with world.hub.uow() as tx:
        assert isinstance(tx, SqlUnitOfWork)
        with tx.part(unguarded=True):
            _write(tx, "a")
        expected: type[BaseException] = PartWritten if _sqlite(world) else Refused
        with pytest.raises(expected), tx.part(unguarded=True):
            _write(tx, "b")
            raise Refused
        if not _sqlite(world):
            tx.commit()
    kept = [] if _sqlite(world) else ["a"]
    for kind in ("test.now", "test.later"):
        assert sorted(j.key for j in jobs(world.hub, kind)) == kept
