"""The worker gathers a trickle of jobs into one claim, and never holds a backlog.

``gather_seconds`` is the shortest time between a claim that emptied the queue and the
next claim of ``Worker.run()``: jobs committed one by one in that window are claimed
together (one claim, one read, mostly one settle). A full claim (a backlog) is followed
by the next one at once, so gathering never slows a queue down.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.wakeup import Wakeup
from orderbridge.messaging.worker import Worker
from tests.patience import patience

from .helpers import add_job, load_attempts, load_job, run


def _worker(sessions: sessionmaker[Session], handle: Any, **kw: Any) -> Worker:
    return Worker(
        sessions,
        {"x": handle},
        worker_id="w-gather",
        retry_policy=RetryPolicy.for_tests(max_attempts=3),
        poll_interval=patience(30),  # only the wake-ups and the window start claims
        **kw,
    )


async def _run_until(worker: Worker, condition: Callable[[], bool], what: str) -> None:
    """Run ``worker`` until ``condition()`` holds, then stop it and wait for its end."""
    task = asyncio.create_task(worker.run())
    deadline = asyncio.get_running_loop().time() + patience(30)
    while not await asyncio.to_thread(condition):
        assert asyncio.get_running_loop().time() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.01)
    worker.stop()
    await asyncio.wait_for(task, patience(30))


def _succeeded(sessions: sessionmaker[Session], jobs: list[int]) -> bool:
    return all(load_job(sessions, job_id).status == "succeeded" for job_id in jobs)


def test_jobs_committed_one_by_one_after_a_claim_share_the_next_claim(
    sessions: sessionmaker[Session],
) -> None:
    """The first job is claimed alone (nothing waits before it); the two committed
    while it runs, each with its own wake-up, are claimed together once the window
    after that claim ends, not each at its own wake-up."""
    wakeup = Wakeup()
    first = add_job(sessions, "x", {"n": 0})
    later: list[int] = []

    async def handle(job: JobView) -> None:
        if job.payload["n"] == 0:  # inside the window that the first claim opened
            for n in (1, 2):
                later.append(await asyncio.to_thread(add_job, sessions, "x", {"n": n}))
                wakeup.notify()

    worker = _worker(sessions, handle, gather_seconds=3.0, wakeup=wakeup)

    def every_one_succeeded() -> bool:
        return len(later) == 2 and _succeeded(sessions, [first, *later])

    run(_run_until(worker, every_one_succeeded, "the three jobs succeeded"))
    assert worker.claims == 2
    [one], [two] = (load_attempts(sessions, job_id) for job_id in later)
    assert one.started_at == two.started_at  # the claim writes one time for its batch


@pytest.mark.parametrize("concurrency", [1, 2])
def test_a_backlog_is_claimed_without_waiting_for_the_window(
    sessions: sessionmaker[Session], concurrency: int
) -> None:
    """Full claims are followed by the next at once: a minute's window, which would
    hold the queue if it applied to a backlog, does not delay six queued jobs."""
    jobs = [add_job(sessions, "x", {"n": n}) for n in range(6)]

    async def handle(job: JobView) -> None:
        return None

    worker = _worker(sessions, handle, gather_seconds=60.0, concurrency=concurrency)
    run(_run_until(worker, lambda: _succeeded(sessions, jobs), "the backlog drained"))
    assert worker.processed == 6


def test_a_negative_window_is_refused(sessions: sessionmaker[Session]) -> None:
    with pytest.raises(ValueError, match="gather_seconds"):
        _worker(sessions, None, gather_seconds=-0.1)
