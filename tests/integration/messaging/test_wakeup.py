"""A commit that enqueues jobs wakes this process's worker; other commits do not."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.outbox import JobView, enqueue
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.wakeup import Wakeup, notify_on_commit
from orderbridge.messaging.worker import Worker
from tests.patience import patience

from .helpers import load_job

# Long enough that a job run before the test's end was not found by polling.
NEVER = 3600.0
SAFETY = patience(30)


class _Watched(Worker):
    """A worker that says when a claim found nothing (it then waits for a signal)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.found_nothing = asyncio.Event()

    async def _claim(self, limit: int, *, expecting: bool) -> list[JobView]:
        result = await super()._claim(limit, expecting=expecting)
        if not result:
            self.found_nothing.set()
        return result


def _worker(sessions: sessionmaker[Session], wakeup: Wakeup, ran: asyncio.Event) -> _Watched:
    async def handle(job: JobView) -> dict[str, Any]:
        ran.set()
        return {"ran": job.id}

    return _Watched(
        sessions,
        {"test.echo": handle},
        worker_id="w-wake",
        poll_interval=NEVER,
        retry_policy=RetryPolicy.for_tests(max_attempts=3),
        wakeup=wakeup,
    )


def test_a_job_committed_in_this_process_runs_without_waiting_for_the_poll(
    sessions: sessionmaker[Session],
) -> None:
    wakeup = Wakeup()
    notify_on_commit(sessions, wakeup)

    async def scenario() -> int:
        ran = asyncio.Event()
        worker = _worker(sessions, wakeup, ran)
        running = asyncio.create_task(worker.run())
        # The queue was empty: from here on only a signal (or an hour's poll) makes the
        # worker claim again.
        await asyncio.wait_for(worker.found_nothing.wait(), SAFETY)

        def commit_from_a_thread() -> int:  # as an API request would
            with sessions.begin() as session:
                return enqueue(session, "test.echo", {})

        job_id = await asyncio.to_thread(commit_from_a_thread)
        await asyncio.wait_for(ran.wait(), SAFETY)
        worker.stop()
        await running
        return job_id

    job_id = asyncio.run(scenario())
    assert load_job(sessions, job_id).status == "succeeded"


def test_a_rolled_back_enqueue_wakes_nobody_and_leaves_no_flag(
    sessions: sessionmaker[Session],
) -> None:
    woken = threading.Event()

    class Recorder(Wakeup):
        def notify(self) -> None:
            woken.set()

    notify_on_commit(sessions, Recorder())
    with sessions() as session:
        with session.begin():
            enqueue(session, "test.echo", {})
            session.rollback()
        with session.begin():
            pass  # a later commit of the same session, with nothing enqueued
    assert not woken.is_set()
    with sessions.begin() as session:
        enqueue(session, "test.echo", {})
    assert woken.is_set()


def test_notify_reaches_a_subscriber_from_another_thread_and_ends_at_unsubscribe() -> None:
    wakeup = Wakeup()

    async def scenario() -> tuple[bool, bool]:
        signal = wakeup.subscribe()
        await asyncio.to_thread(wakeup.notify)
        await asyncio.wait_for(signal.wait(), SAFETY)
        reached = signal.is_set()
        signal.clear()
        wakeup.unsubscribe(signal)
        await asyncio.to_thread(wakeup.notify)
        await asyncio.sleep(0)
        return reached, signal.is_set()

    assert asyncio.run(scenario()) == (True, False)
