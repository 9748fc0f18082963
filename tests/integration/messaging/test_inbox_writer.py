"""Group commit of inbound events: every request learns its own outcome, after commit.

Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.inbox import INBOX_REF, with_inbox_ref
from orderbridge.messaging.inbox_writer import Inbound, InboxWriter
from orderbridge.messaging.outbox import NewJob, enqueue
from orderbridge.messaging.tables import InboxEvent, JobStatus, OutboxJob

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
