"""On PostgreSQL a commit that enqueues jobs wakes the workers of other processes.

Two engines stand for two processes: one commits jobs, the other listens with
``listen_for_jobs``. A rolled-back enqueue and a commit without jobs send nothing.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import make_url

from orderbridge.messaging.listen import listen_for_jobs
from orderbridge.messaging.outbox import enqueue
from orderbridge.messaging.wakeup import Wakeup, notify_on_commit
from orderbridge.storage.db import make_engine, session_factory
from tests.patience import patience

SAFETY = patience(30)


class _Counting(Wakeup):
    def __init__(self) -> None:
        super().__init__()
        self.calls = 0
        self.called = asyncio.Event()

    def notify(self) -> None:
        self.calls += 1
        self.called.set()


def test_a_job_committed_elsewhere_wakes_the_listener(postgres_url: str) -> None:
    committer = make_engine(postgres_url)
    sessions = session_factory(committer)
    notify_on_commit(sessions, Wakeup())  # the committing process's own wake-up

    async def scenario() -> int:
        heard = _Counting()
        listener = asyncio.create_task(listen_for_jobs(make_url(postgres_url), heard))
        try:
            # The listener says so once it is listening (it may have missed a commit).
            await asyncio.wait_for(heard.called.wait(), SAFETY)
            heard.called.clear()
            before = heard.calls

            def write() -> None:
                with sessions() as session, session.begin():
                    enqueue(session, "test.echo", {"n": 1})
                    session.rollback()
                with sessions() as session, session.begin():
                    session.info["unrelated"] = True  # a commit without jobs
                with sessions() as session, session.begin():
                    enqueue(session, "test.echo", {"n": 2})
                    enqueue(session, "test.echo", {"n": 3})

            await asyncio.to_thread(write)
            await asyncio.wait_for(heard.called.wait(), SAFETY)
            await asyncio.sleep(0.2)  # room for a wrong extra notification to arrive
            return heard.calls - before
        finally:
            listener.cancel()
            await asyncio.gather(listener, return_exceptions=True)

    try:
        # One notification: the rollback and the job-less commit sent none, and the
        # two jobs of one transaction were folded into one.
        assert asyncio.run(scenario()) == 1
    finally:
        committer.dispose()
