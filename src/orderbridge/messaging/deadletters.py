"""Dead letters: jobs that failed permanently or ran out of attempts, and their replay.

A dead job keeps its payload, its last error and every attempt row, so an operator can
see why it died, fix the cause (map the missing product, renew the token) and send it
back to the queue from the dashboard, the API or ``orderbridge deadletters retry``. A
retried job is ``pending`` again, due now, with its attempt count reset to zero so it
gets the full retry schedule; its attempt rows keep their numbering, so its history
stays in one sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.orm import Session

from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.sql.types import utcnow


@dataclass(frozen=True)
class DeadLetter:
    """A dead job as the dashboard and the CLI list it."""

    id: int
    kind: str
    key: str | None
    connection_id: str | None
    attempts: int
    total_attempts: int
    last_error: str | None
    payload: dict[str, Any]
    created_at: datetime
    died_at: datetime


@dataclass(frozen=True)
class DeadLetterFilter:
    """Which dead letters to list or retry; every field left ``None`` matches all."""

    kind: str | None = None
    connection_id: str | None = None
    key: str | None = None
    died_after: datetime | None = None
    died_before: datetime | None = None

    def conditions(self) -> list[ColumnElement[bool]]:
        """The SQL conditions this filter adds to ``status = 'dead'``."""
        conds: list[ColumnElement[bool]] = [OutboxJob.status == JobStatus.DEAD.value]
        if self.kind is not None:
            conds.append(OutboxJob.kind == self.kind)
        if self.connection_id is not None:
            conds.append(OutboxJob.connection_id == self.connection_id)
        if self.key is not None:
            conds.append(OutboxJob.key == self.key)
        if self.died_after is not None:
            conds.append(OutboxJob.updated_at >= self.died_after)
        if self.died_before is not None:
            conds.append(OutboxJob.updated_at < self.died_before)
        return conds


def list_dead(
    session: Session,
    where: DeadLetterFilter | None = None,
    *,
    limit: int = 100,
    offset: int = 0,
) -> list[DeadLetter]:
    """Dead letters matching ``where``, most recently dead first."""
    stmt = (
        select(OutboxJob)
        .where(*(where or DeadLetterFilter()).conditions())
        .order_by(OutboxJob.updated_at.desc(), OutboxJob.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        DeadLetter(
            id=job.id,
            kind=job.kind,
            key=job.key,
            connection_id=job.connection_id,
            attempts=job.attempts,
            total_attempts=job.total_attempts,
            last_error=job.last_error,
            payload=job.payload,
            created_at=job.created_at,
            died_at=job.updated_at,
        )
        for job in session.scalars(stmt)
    ]


def retry_dead(session: Session, job_id: int, *, now: datetime | None = None) -> bool:
    """Send one dead job back to the queue; ``False`` if it is not (or no longer) dead."""
    return _revive(session, [OutboxJob.id == job_id], now) == 1


def retry_all(
    session: Session, where: DeadLetterFilter | None = None, *, now: datetime | None = None
) -> int:
    """Send every dead job matching ``where`` back to the queue; return how many."""
    conds = (where or DeadLetterFilter()).conditions()
    return _revive(session, conds[1:], now)


def _revive(session: Session, conditions: list[ColumnElement[bool]], now: datetime | None) -> int:
    moment = now or utcnow()
    result = session.execute(
        update(OutboxJob)
        .where(OutboxJob.status == JobStatus.DEAD.value, *conditions)
        .values(
            status=JobStatus.PENDING.value,
            attempts=0,
            run_after=moment,
            lease_owner=None,
            lease_expires_at=None,
            updated_at=moment,
        )
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)
