"""Every line logged while a job runs names the job and what it is about."""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.log import configure_logging, get_logger
from orderbridge.messaging.errors import TransientError
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.worker import Worker
from tests.patience import patience

from .helpers import add_job, run


def test_each_jobs_lines_carry_its_own_ids_while_jobs_interleave(
    sessions: sessionmaker[Session], capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=True)
    capsys.readouterr()
    both_started = asyncio.Event()
    started: list[int] = []

    async def handle(job: JobView) -> dict[str, Any]:
        started.append(job.id)
        if len(started) == 2:
            both_started.set()
        get_logger("test.handler").info("before the call")
        await asyncio.wait_for(both_started.wait(), timeout=patience(30))  # the other job runs too
        logging.getLogger("test.stdlib").info("after the call")
        return {}

    async def fail(job: JobView) -> dict[str, Any]:
        get_logger("test.handler").warning("menu import failed")
        raise TransientError("the POS answered 503")

    first = add_job(sessions, "order.submit", {"order_id": "ord_1"}, connection_id="con_a")
    second = add_job(sessions, "order.submit", {"order_id": "ord_2"}, connection_id="con_b")
    third = add_job(sessions, "menu.import", {"location_id": "loc_1"})
    worker = Worker(
        sessions,
        {"order.submit": handle, "menu.import": fail},
        worker_id="w-logs",
        concurrency=4,
        poll_interval=0.01,
        retry_policy=RetryPolicy.for_tests(max_attempts=1),
    )
    try:
        run(worker.run_until_idle())
        written = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    finally:
        configure_logging("INFO", json=False, access_log=False)
    by_job: dict[int, list[dict[str, Any]]] = {}
    for line in written:
        by_job.setdefault(line.get("job_id", 0), []).append(line)
    assert 0 not in by_job, by_job.get(0)
    for job_id, order_id, connection_id in [(first, "ord_1", "con_a"), (second, "ord_2", "con_b")]:
        events = {line["event"] for line in by_job[job_id]}
        assert events == {"before the call", "after the call"}
        for line in by_job[job_id]:
            assert line["order_id"] == order_id
            assert line["connection_id"] == connection_id
            assert line["job_kind"] == "order.submit"
    [failed] = by_job[third]
    assert (failed["event"], failed["location_id"], failed["job_kind"]) == (
        "menu import failed",
        "loc_1",
        "menu.import",
    )
    assert "connection_id" not in failed
