"""Burst priority: while orders wait for their 201 in the process, the worker keeps
only its floor of jobs running; once the burst has passed it drains everything.

The gauge is the test's own (``serve`` feeds ``pressure.INTAKE`` from the order
route); counts, not times, are asserted.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.pressure import BurstPolicy, IntakeGauge
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.worker import Worker
from tests.patience import patience

from .helpers import add_job, load_attempts, load_job, run

JOBS = 24


def _worker(sessions: sessionmaker[Session], handle: Any, policy: BurstPolicy, **kw: Any) -> Worker:
    return Worker(
        sessions,
        {"x": handle},
        worker_id="w-burst",
        concurrency=8,
        retry_policy=RetryPolicy.for_tests(max_attempts=3),
        burst=policy,
        **kw,
    )


def test_a_burst_defers_the_worker_to_its_floor_and_it_drains_everything_after(
    sessions: sessionmaker[Session],
) -> None:
    gauge = IntakeGauge()
    gauge.in_flight = 500  # a burst: orders are waiting for their 201
    policy = BurstPolicy(gauge, threshold=64, slots=2, longest=patience(120))
    jobs = [add_job(sessions, "x", {"n": n}) for n in range(JOBS)]
    running = 0
    peaks: dict[str, int] = {"burst": 0, "after": 0}
    done: list[int] = []

    async def handle(job: JobView) -> None:
        nonlocal running
        running += 1
        phase = "burst" if gauge.in_flight else "after"
        peaks[phase] = max(peaks[phase], running)
        for _ in range(3):  # let the other handlers start, if the worker claimed them
            await asyncio.sleep(0.001)
        running -= 1
        done.append(job.id)

    worker = _worker(sessions, handle, policy, poll_interval=0.01)

    async def scenario() -> None:
        task = asyncio.create_task(worker.run())
        deadline = asyncio.get_running_loop().time() + patience(60)
        while len(done) < 6:  # jobs still go during the burst, two at a time
            assert asyncio.get_running_loop().time() < deadline, "nothing ran in the burst"
            await asyncio.sleep(0.005)
        gauge.in_flight = 0  # the burst has passed
        while len(done) < JOBS:
            assert asyncio.get_running_loop().time() < deadline, "the worker did not drain"
            await asyncio.sleep(0.005)
        worker.stop()
        await asyncio.wait_for(task, patience(30))

    run(scenario())
    assert peaks["burst"] == 2
    assert peaks["after"] > 2  # full concurrency again
    assert policy.deferrals == 1
    assert sorted(done) == sorted(jobs)  # each once
    for job_id in jobs:
        assert load_job(sessions, job_id).status == "succeeded"
        assert len(load_attempts(sessions, job_id)) == 1


def test_without_a_burst_the_worker_uses_every_slot(sessions: sessionmaker[Session]) -> None:
    """The same queue with the gauge at zero: the policy changes nothing."""
    gauge = IntakeGauge()
    policy = BurstPolicy(gauge, threshold=64, slots=2, longest=patience(120))
    jobs = [add_job(sessions, "x", {"n": n}) for n in range(JOBS)]
    running = 0
    peak = 0

    async def handle(job: JobView) -> Any:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        for _ in range(3):
            await asyncio.sleep(0.001)
        running -= 1

    worker = _worker(sessions, handle, policy)
    assert run(worker.run_until_idle()) == JOBS
    assert peak > 2
    assert policy.deferrals == 0
    assert all(load_job(sessions, job_id).status == "succeeded" for job_id in jobs)
