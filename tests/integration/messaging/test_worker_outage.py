"""The worker through a PostgreSQL outage: a try whose outcome could not be written is
written the moment the database is back, not when its lease runs out (#15).

The database goes away through a proxy that resets every connection
(``support/outage.py``); the leases here last an hour, so a job settled within the
test's safety net was handed back by the worker, not by lease expiry.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.worker import Worker
from orderbridge.sql.availability import watch_availability
from orderbridge.storage.db import make_engine, session_factory
from tests.integration.support.outage import CuttableProxy, proxy_for
from tests.patience import patience

from .helpers import add_job, load_attempts, load_job, run

HOUR = 3600.0


@pytest.fixture
def direct(postgres_db_url: str) -> Iterator[sessionmaker[Session]]:
    """Sessions straight to the server: the test's own view, never cut."""
    engine = make_engine(postgres_db_url)
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def proxy(postgres_db_url: str) -> Iterator[CuttableProxy]:
    with proxy_for(postgres_db_url) as found:
        yield found


@pytest.fixture
def through(postgres_db_url: str, proxy: CuttableProxy) -> Iterator[sessionmaker[Session]]:
    """Sessions through the proxy: what the worker uses."""
    engine = make_engine(proxy.url_for(postgres_db_url))
    yield session_factory(engine)
    engine.dispose()


async def _until(condition: Any, what: str) -> None:
    deadline = asyncio.get_running_loop().time() + patience(30)
    while not await asyncio.to_thread(condition):
        assert asyncio.get_running_loop().time() < deadline, f"never happened: {what}"
        await asyncio.sleep(0.02)


def _worker(sessions: sessionmaker[Session], handlers: dict[str, Any]) -> Worker:
    return Worker(sessions, handlers, worker_id="w", lease_seconds=HOUR, poll_interval=0.01)


def test_a_try_ended_during_an_outage_is_recorded_as_soon_as_the_database_is_back(
    direct: sessionmaker[Session], through: sessionmaker[Session], proxy: CuttableProxy
) -> None:
    job_id = add_job(direct, "call", {})
    watch = watch_availability(through.kw["bind"])

    async def scenario() -> None:
        calling = asyncio.Event()
        answered = asyncio.Event()

        async def call(job: JobView) -> dict[str, Any]:
            calling.set()
            await answered.wait()  # the POS answers while the database is away
            return {"pos_order": 7}

        worker = _worker(through, {"call": call})
        task = asyncio.create_task(worker.run())
        await asyncio.wait_for(calling.wait(), patience(30))
        proxy.cut()
        answered.set()
        await _until(lambda: not watch.up, "the worker found the database away")
        assert load_job(direct, job_id).status == "running"
        proxy.restore()
        await _until(lambda: load_job(direct, job_id).status == "succeeded", "the try recorded")
        worker.stop()
        await asyncio.wait_for(task, patience(30))

    run(scenario())
    job = load_job(direct, job_id)
    assert job.result == {"pos_order": 7}
    assert [a.outcome for a in load_attempts(direct, job_id)] == ["succeeded"]
    assert watch.up


def test_a_try_the_outage_broke_is_handed_back_and_run_again(
    direct: sessionmaker[Session], through: sessionmaker[Session], proxy: CuttableProxy
) -> None:
    """The handler's own database call failed: the call's fate is unknown, as after a
    crash, so the job is due again at once — with no retry delay, no lease to wait out."""
    job_id = add_job(direct, "call", {})
    tries: list[str] = []

    async def scenario() -> None:
        async def call(job: JobView) -> dict[str, Any]:
            tries.append("try")
            if len(tries) == 1:
                proxy.cut()
            with through() as session:  # the first try meets the outage here
                session.execute(text("SELECT 1"))
            return {}

        worker = _worker(through, {"call": call})
        task = asyncio.create_task(worker.run())
        await _until(lambda: len(tries) == 1, "the first try")
        await _until(lambda: not watch_availability(through.kw["bind"]).up, "the outage seen")
        proxy.restore()
        await _until(lambda: load_job(direct, job_id).status == "succeeded", "the second try")
        worker.stop()
        await asyncio.wait_for(task, patience(30))

    run(scenario())
    attempts = load_attempts(direct, job_id)
    assert [a.outcome for a in attempts] == ["crashed", "succeeded"]
    assert attempts[0].error is not None and "OperationalError" in attempts[0].error


def test_a_query_in_flight_at_the_cut_fails_instead_of_waiting_forever(
    postgres_db_url: str, proxy: CuttableProxy
) -> None:
    """A restart resets connections mid-query; the client must see it (the proxy's reset
    reaches a connection whose answer was on its way), and the engine asks TCP keepalives
    to find a peer that vanished without a reset."""
    engine = make_engine(proxy.url_for(postgres_db_url))
    try:
        with engine.connect() as connection:
            params = connection.connection.dbapi_connection.info.get_parameters()  # type: ignore[union-attr]
            assert params["keepalives"] == "1"
            assert params["keepalives_idle"] == "30"
            outcome: list[BaseException] = []

            def cut_soon() -> None:
                time.sleep(0.2)
                proxy.cut()

            cutter = threading.Thread(target=cut_soon)
            cutter.start()
            try:
                connection.execute(text("SELECT pg_sleep(5)"))
            except OperationalError as error:
                outcome.append(error)
            cutter.join()
        assert outcome, "the query outlived the cut"
    finally:
        engine.dispose()
