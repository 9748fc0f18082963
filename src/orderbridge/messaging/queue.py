"""The outbox and inbox behind the unit of work: ``storage.uow.JobQueue``, implemented.

The unit of work (storage) enqueues jobs and records inbound events in its own
transaction, but storage does not import messaging: the composition root hands it a
:class:`SqlJobQueue`, which writes through :mod:`~orderbridge.messaging.outbox` and
:mod:`~orderbridge.messaging.inbox` in the session it is given.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from orderbridge.messaging import inbox, outbox
from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.ports import Job

_WAITING = (JobStatus.PENDING.value, JobStatus.RUNNING.value)


class SqlJobQueue:
    """Jobs and inbound events written in the caller's session (the caller commits)."""

    def enqueue(
        self, session: Session, job: Job, *, run_after: datetime | None, now: datetime
    ) -> int:
        return outbox.enqueue(
            session,
            job.kind,
            job.payload,
            key=job.key,
            connection_id=job.connection_id,
            run_after=run_after,
            now=now,
        )

    def enqueue_many(
        self,
        session: Session,
        jobs: Sequence[Job],
        *,
        now: datetime,
        connection: Connection | None = None,
    ) -> None:
        outbox.enqueue_many(
            session,
            [outbox.NewJob(job.kind, job.payload, job.key, job.connection_id) for job in jobs],
            now=now,
            connection=connection,
        )

    def is_queued(self, session: Session, kind: str, key: str) -> bool:
        found = session.scalar(
            select(OutboxJob.id)
            .where(OutboxJob.kind == kind, OutboxJob.key == key, OutboxJob.status.in_(_WAITING))
            .limit(1)
        )
        return found is not None

    def job_statuses(self, session: Session, job_ids: Sequence[int]) -> dict[int, str]:
        if not job_ids:
            return {}
        found = session.execute(
            select(OutboxJob.id, OutboxJob.status).where(OutboxJob.id.in_(list(job_ids)))
        )
        return {int(id): str(status) for id, status in found}

    def record_inbound(
        self,
        session: Session,
        source: str,
        external_id: str,
        payload: dict[str, object],
        headers: dict[str, object],
        *,
        now: datetime,
    ) -> bool:
        return inbox.record_inbound(session, source, external_id, payload, headers, now=now)
