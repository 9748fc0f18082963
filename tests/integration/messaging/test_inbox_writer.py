"""Group commit of inbound events: every request learns its own outcome, after commit.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError, StatementError
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.inbox import INBOX_REF, with_inbox_ref
from orderbridge.messaging.inbox_writer import Inbound, InboxWriter
from orderbridge.messaging.outbox import NewJob, enqueue
from orderbridge.messaging.tables import InboxEvent, JobStatus, OutboxJob
from orderbridge.messaging.wakeup import Wakeup, notify_on_commit
from orderbridge.storage.db import make_engine, session_factory, writer_lock

from .helpers import T0


def event(n: int, *, key: str | None = None, again: bool = False, **extra: Any) -> Inbound:
    payload = {"n": n, **extra}
    job = NewJob("inbox.test", payload, key=key or f"obj:{n}", connection_id="con_x")
    return Inbound("test", f"evt:{n}", payload, job, again=again)


def stored(sessions: sessionmaker[Session]) -> tuple[list[str], list[str | None]]:
    with sessions() as session:
        events = session.scalars(select(InboxEvent.external_id).order_by(InboxEvent.id)).all()
        keys = session.scalars(select(OutboxJob.key).order_by(OutboxJob.id)).all()
    return list(events), list(keys)


def test_a_batch_stores_each_event_once_with_one_job(sessions: sessionmaker[Session]) -> None:
    writer = InboxWriter(sessions)
    outcomes = writer.store_now([event(1), event(2), event(1), event(3)])
    assert outcomes == [True, True, False, True]
    assert stored(sessions) == (["evt:1", "evt:2", "evt:3"], ["obj:1", "obj:2", "obj:3"])
    assert writer.store_now([event(2)]) == [False]
    assert stored(sessions)[1] == ["obj:1", "obj:2", "obj:3"]


def test_a_repeat_marked_again_is_queued_once_its_job_has_left_pending(
    sessions: sessionmaker[Session],
) -> None:
    writer = InboxWriter(sessions)
    writer.store_now([event(1, again=True)])
    # Still pending: the refresh that will run covers the repeat, in and across batches.
    assert writer.store_now([event(1, again=True), event(1, again=True)]) == [False, False]
    assert stored(sessions)[1] == ["obj:1"]
    with sessions.begin() as session:
        job = session.scalars(select(OutboxJob)).one()
        job.status = JobStatus.RUNNING.value
    assert writer.store_now([event(1, again=True), event(1, again=True)]) == [False, False]
    assert stored(sessions)[1] == ["obj:1", "obj:1"]


@pytest.mark.anyio
async def test_concurrent_requests_share_commits_and_each_gets_its_own_answer(
    sessions: sessionmaker[Session],
) -> None:
    writer = InboxWriter(sessions, max_batch=8)
    numbers = [n % 30 for n in range(90)]  # each event delivered three times at once
    outcomes = await asyncio.gather(*(writer.store(event(n)) for n in numbers))
    assert sum(outcomes) == 30
    assert {n for n, new in zip(numbers, outcomes, strict=True) if new} == set(range(30))
    events, keys = stored(sessions)
    assert sorted(events) == sorted(f"evt:{n}" for n in range(30))
    assert sorted(k or "" for k in keys) == sorted(f"obj:{n}" for n in range(30))


@pytest.mark.anyio
@pytest.mark.parametrize("inline", [True, False])
async def test_an_event_that_cannot_be_stored_fails_alone(
    sessions: sessionmaker[Session], inline: bool
) -> None:
    writer = InboxWriter(sessions, inline=inline)
    broken = event(2, unserialisable=object())
    outcomes = await asyncio.gather(
        writer.store(event(1)), writer.store(broken), writer.store(event(3)), return_exceptions=True
    )
    assert outcomes[0] is True and outcomes[2] is True
    assert isinstance(outcomes[1], Exception)
    assert stored(sessions) == (["evt:1", "evt:3"], ["obj:1", "obj:3"])


def test_an_event_without_a_job_is_stored_processed_and_queues_nothing(
    sessions: sessionmaker[Session],
) -> None:
    writer = InboxWriter(sessions)
    quiet = Inbound("test", "evt:quiet", {"n": 0}, None, again=True)
    assert writer.store_now([quiet, event(1), quiet]) == [True, True, False]
    assert writer.store_now([quiet]) == [False]
    assert stored(sessions) == (["evt:quiet", "evt:1"], ["obj:1"])
    with sessions() as session:
        rows = {e.external_id: e for e in session.scalars(select(InboxEvent))}
    assert (rows["evt:quiet"].status, rows["evt:1"].status) == ("processed", "received")
    assert rows["evt:quiet"].processed_at is not None and rows["evt:1"].processed_at is None


def test_a_referring_job_carries_the_inbox_ref_and_reads_back_like_an_orm_job(
    sessions: sessionmaker[Session],
) -> None:
    writer = InboxWriter(sessions, clock=lambda: T0)
    payload = {"object": "product", "name": "Борщ", "data": None}
    job = NewJob("inbox.test", payload, key="obj:1", connection_id="con_x")
    assert writer.store_now([Inbound("test", "evt:1", payload, job, refer=True)]) == [True]
    with sessions.begin() as session:
        enqueue(
            session,
            "inbox.orm",
            with_inbox_ref(payload, "test", "evt:1"),
            key="obj:1",
            connection_id="con_x",
            now=T0,
        )
    query = text(
        'SELECT kind, payload, "key", connection_id, status, attempts, total_attempts,'
        " run_after, created_at, updated_at FROM outbox_jobs"
    )
    with sessions() as session:
        raw = {row[0]: tuple(row[1:]) for row in session.execute(query)}
        jobs = {j.kind: j for j in session.scalars(select(OutboxJob))}
        event = session.scalars(select(InboxEvent)).one()
    assert raw["inbox.test"] == raw["inbox.orm"]
    written = jobs["inbox.test"]
    assert written.payload == {**payload, INBOX_REF: {"source": "test", "external_id": "evt:1"}}
    assert written.created_at == written.run_after == written.updated_at == T0
    assert (event.payload, event.received_at, event.status) == (payload, T0, "received")


def test_a_batch_wakes_this_process_workers_once_committed_and_only_with_jobs(
    sessions: sessionmaker[Session],
) -> None:
    """On SQLite the batch commits without a session (``messaging/direct_sqlite``): the
    workers must still hear of its jobs, exactly as after a session's commit."""
    wakeup = Wakeup()
    notify_on_commit(sessions, wakeup)
    heard = threading.Event()
    wakeup.notify = heard.set  # type: ignore[method-assign]
    writer = InboxWriter(sessions)
    writer.store_now([Inbound("test", "evt:quiet", {"n": 0}, None)])
    assert not heard.is_set()
    writer.store_now([event(1)])
    assert heard.is_set()
    assert stored(sessions) == (["evt:quiet", "evt:1"], ["obj:1"])


@pytest.fixture
def sqlite_file(sqlite_template: Path, tmp_path: Path) -> str:
    """A migrated SQLite file of its own: the direct batch and the writer lock are SQLite's."""
    path = tmp_path / "direct.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


def test_on_sqlite_a_batch_queues_on_the_writer_lock_like_every_writer(sqlite_file: str) -> None:
    """The direct batch takes the same per-file writer lock as a transaction begun through
    the engine: while another writer of the process holds it, the batch waits, and past
    the busy timeout fails as SQLAlchemy's "database is locked" (answered 503 upstream),
    leaving nothing written."""
    engine = make_engine(sqlite_file, busy_timeout_ms=50)
    try:
        sessions = session_factory(engine)
        writer = InboxWriter(sessions)
        lock = writer_lock(str(engine.url.database))
        assert lock.acquire(1)
        try:
            with pytest.raises(OperationalError, match="database is locked"):
                writer.store_now([event(1)])
        finally:
            lock.release()
        assert stored(sessions) == ([], [])
        assert writer.store_now([event(1)]) == [True]
        assert not lock.locked()  # given back at commit
    finally:
        engine.dispose()


def test_a_failing_statement_rolls_the_direct_batch_back_and_frees_the_writer(
    sqlite_file: str,
) -> None:
    """A batch whose statement fails leaves nothing half-written and the writer lock free."""
    engine = make_engine(sqlite_file)
    sessions = session_factory(engine)
    writer = InboxWriter(sessions)
    broken = Inbound("test", "evt:2", {"n": 2}, NewJob("inbox.test", {"n": 2}, key=object()))  # type: ignore[arg-type]
    with pytest.raises(StatementError):
        writer.store_now([event(1), broken])
    assert stored(sessions) == ([], [])
    assert not writer_lock(str(engine.url.database)).locked()
    assert writer.store_now([event(1)]) == [True]
    engine.dispose()
