"""Jobs parked by refused credentials: ``services.setup.ParkedJobs`` on the outbox.

A job whose connection's system refused its credentials dies at once with
``reauth_required: …`` as its last error (the connection turns ``needs_reauth``).
Once an operator replaces the credentials, these dead letters — and only these, not
the connection's other dead letters — go back to the queue.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.messaging import deadletters
from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.services.setup import ParkedJob

REAUTH_PREFIX = "reauth_required:"


class SqlParkedJobs:
    """The parked jobs of one database."""

    def __init__(self, sessions: Callable[[], Session], clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock

    def parked(self, connection_id: str) -> list[ParkedJob]:
        with self._sessions() as session:
            rows = session.scalars(
                select(OutboxJob)
                .where(
                    OutboxJob.connection_id == connection_id,
                    OutboxJob.status == JobStatus.DEAD.value,
                    OutboxJob.last_error.startswith(REAUTH_PREFIX),
                )
                .order_by(OutboxJob.id)
            ).all()
            return [ParkedJob(row.id, row.kind, dict(row.payload)) for row in rows]

    def retry(self, job_ids: Sequence[int]) -> int:
        with self._sessions() as session, session.begin():
            now = self._clock()
            return sum(deadletters.retry_dead(session, job_id, now=now) for job_id in job_ids)
