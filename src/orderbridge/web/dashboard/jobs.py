"""The outbox as one tenant sees it: its queue depth and its dead letters.

Outbox jobs carry no tenant column; a job belongs to a tenant through what it is
about. Every job the hub queues is one of:

* tied to a connection (``connection_id``: POS submissions, Poster events, channel
  updates) — the connection's tenant;
* keyed by an order or a reservation id (submissions and reconciles without a POS
  binding) — the order's or reservation's tenant;
* keyed ``menu:<location id>`` (menu imports) — the location's tenant;
* keyed ``<endpoint id>:…`` (storefront webhook deliveries) — the endpoint's tenant.

:func:`of_tenant` turns that into one SQL condition of correlated ``EXISTS`` lookups by
primary key, so listing a page of dead letters costs one query whatever the number of
orders. Hub-wide jobs (the order sweep) belong to no tenant and are not shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, literal, or_, select
from sqlalchemy.orm import Session

from orderbridge.messaging import deadletters
from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.storage import tables as t


def of_tenant(tenant_id: str) -> ColumnElement[bool]:
    """True for the outbox jobs that belong to ``tenant_id`` (see the module docstring)."""
    job = OutboxJob
    return or_(
        exists().where(t.Connection.id == job.connection_id, t.Connection.tenant_id == tenant_id),
        exists().where(t.OrderRecord.id == job.key, t.OrderRecord.tenant_id == tenant_id),
        exists().where(
            t.ReservationRecord.id == job.key, t.ReservationRecord.tenant_id == tenant_id
        ),
        exists().where(
            t.Location.tenant_id == tenant_id, job.key == literal("menu:") + t.Location.id
        ),
        exists().where(
            t.WebhookEndpoint.tenant_id == tenant_id,
            func.substr(job.key, 1, func.length(t.WebhookEndpoint.id) + 1)
            == t.WebhookEndpoint.id + literal(":"),
        ),
    )


@dataclass(frozen=True)
class QueueCounts:
    """How many of the tenant's jobs wait, run, or are dead."""

    pending: int = 0
    running: int = 0
    dead: int = 0

    @property
    def depth(self) -> int:
        return self.pending + self.running


def queue_counts(session: Session, tenant_id: str) -> QueueCounts:
    wanted = (JobStatus.PENDING.value, JobStatus.RUNNING.value, JobStatus.DEAD.value)
    rows = session.execute(
        select(OutboxJob.status, func.count())
        .where(OutboxJob.status.in_(wanted), of_tenant(tenant_id))
        .group_by(OutboxJob.status)
    ).all()
    counts = {str(status): int(n) for status, n in rows}
    return QueueCounts(
        pending=counts.get(JobStatus.PENDING.value, 0),
        running=counts.get(JobStatus.RUNNING.value, 0),
        dead=counts.get(JobStatus.DEAD.value, 0),
    )


def _dead_of(tenant_id: str) -> list[ColumnElement[bool]]:
    return [*deadletters.DeadLetterFilter().conditions(), of_tenant(tenant_id)]


def dead_page(session: Session, tenant_id: str, *, limit: int, offset: int) -> Sequence[OutboxJob]:
    """A page of the tenant's dead letters, most recently dead first."""
    return session.scalars(
        select(OutboxJob)
        .where(*_dead_of(tenant_id))
        .order_by(OutboxJob.updated_at.desc(), OutboxJob.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()


def dead_ids(session: Session, tenant_id: str) -> Sequence[int]:
    return session.scalars(select(OutboxJob.id).where(*_dead_of(tenant_id))).all()


def owns_dead(session: Session, tenant_id: str, job_id: int) -> bool:
    found = session.scalar(select(OutboxJob.id).where(OutboxJob.id == job_id, *_dead_of(tenant_id)))
    return found is not None


def retry(session: Session, job_ids: Sequence[int], *, now: datetime) -> int:
    """Send each of ``job_ids`` back to the queue (those still dead); return how many."""
    return sum(deadletters.retry_dead(session, job_id, now=now) for job_id in job_ids)


def order_jobs(session: Session, order_id: str) -> Sequence[OutboxJob]:
    """The submit and reconcile jobs of one order, newest first (its POS round trips)."""
    return session.scalars(
        select(OutboxJob).where(OutboxJob.key == order_id).order_by(OutboxJob.id.desc()).limit(20)
    ).all()
