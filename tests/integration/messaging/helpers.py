"""Small shared pieces of the messaging tests: a settable clock and table readers."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.messaging.outbox import enqueue
from orderbridge.messaging.tables import JobAttempt, OutboxJob

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


class FakeClock:
    """A clock that moves only when told to."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def add_job(
    sessions: sessionmaker[Session],
    kind: str = "test.echo",
    payload: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> int:
    with sessions.begin() as session:
        return enqueue(session, kind, payload or {}, **kwargs)


def load_job(sessions: sessionmaker[Session], job_id: int) -> OutboxJob:
    with sessions() as session:
        job = session.get(OutboxJob, job_id)
        assert job is not None
        return job


def load_attempts(sessions: sessionmaker[Session], job_id: int) -> list[JobAttempt]:
    with sessions() as session:
        stmt = select(JobAttempt).where(JobAttempt.job_id == job_id).order_by(JobAttempt.number)
        return list(session.scalars(stmt))


def run(coro: Any) -> Any:
    return asyncio.run(coro)
