"""Housekeeping: processed inbox events and succeeded jobs go once past their retention;
work not yet done (received or failed events, pending or dead jobs) stays whatever its age."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from orderbridge import bootstrap_jobs
from orderbridge.bootstrap_jobs import HOUSEKEEPING, purge_expired
from orderbridge.messaging.inbox import mark_processed, record_inbound
from orderbridge.messaging.outbox import enqueue
from orderbridge.messaging.tables import InboxEvent, OutboxJob
from tests.integration.support.world import World, jobs

DAY = timedelta(days=1)


def _seed(world: World) -> None:
    """Events and jobs 30 days old and 1 day old, in every state."""
    now = world.clock()
    with world.hub.sessions.begin() as session:
        for age, tag in ((30 * DAY, "old"), (DAY, "new")):
            at = now - age
            for state in ("processed", "failed", "received"):
                record_inbound(session, "poster", f"{tag}-{state}", {}, now=at)
            mark_processed(session, "poster", f"{tag}-processed", now=at)
            mark_processed(session, "poster", f"{tag}-failed", error="bad", now=at)
            for n in range(3):
                enqueue(session, f"test.{tag}.succeeded", {"n": n}, now=at)
            enqueue(session, f"test.{tag}.dead", {}, now=at)
            enqueue(session, f"test.{tag}.pending", {}, now=at)
        session.flush()
        for status in ("succeeded", "dead"):
            session.execute(
                update(OutboxJob).where(OutboxJob.kind.like(f"%.{status}")).values(status=status)
            )


def test_only_closed_events_and_succeeded_jobs_past_retention_go(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    _seed(world)
    monkeypatch.setattr(bootstrap_jobs, "PURGE_BATCH", 2)  # several batches
    assert purge_expired(world.hub) == {"inbox_events": 1, "jobs": 3}
    with world.hub.sessions() as session:
        events = set(session.scalars(select(InboxEvent.external_id)))
        kinds = sorted(session.scalars(select(OutboxJob.kind)))
    assert events == {"old-failed", "old-received", "new-processed", "new-failed", "new-received"}
    assert kinds == [
        "test.new.dead",
        "test.new.pending",
        *["test.new.succeeded"] * 3,
        "test.old.dead",
        "test.old.pending",
    ]
    assert purge_expired(world.hub) == {"inbox_events": 0, "jobs": 0}


def test_the_schedule_queues_housekeeping_once(world: World) -> None:
    async def a_moment_of_schedules() -> None:
        task = asyncio.create_task(world.hub.run_schedules())
        # One step of the task: its first tick queues every schedule before the
        # schedule's first await, however slow the machine (no timed wait).
        await asyncio.sleep(0)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    asyncio.run(a_moment_of_schedules())
    asyncio.run(a_moment_of_schedules())  # another process's schedules: still one job
    [job] = jobs(world.hub, HOUSEKEEPING)
    assert job.status == "pending"
    asyncio.run(world.hub.worker().run_until_idle())
    [done] = jobs(world.hub, HOUSEKEEPING)
    assert (done.status, done.result) == ("succeeded", {"inbox_events": 0, "jobs": 0})
