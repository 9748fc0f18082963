"""How a try of a job ends: its ``job_attempts`` row is completed and the job moves on.

Every try has exactly one row, opened by :func:`~orderbridge.messaging.outbox.claim`
and closed here with the outcome, the duration and the redacted request and response
the handler exchanged with the remote system. Handlers (through the connectors' HTTP
client) report that exchange with :func:`record_exchange`; it lands on the row of the
try that is running in the current task.

The job itself only moves if the worker still holds its lease: a worker whose lease
expired mid-call (and whose job another worker has taken) still closes its own attempt
row truthfully, but leaves the job to the new owner. Both writes are prebuilt Core
statements (:mod:`orderbridge.messaging.statements`).
"""

from __future__ import annotations

import contextvars
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from orderbridge.log import redact, redact_text
from orderbridge.messaging import inbox, statements
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.tables import AttemptOutcome, JobStatus
from orderbridge.messaging.with_settle import SettleWrite

_MAX_ERROR_CHARS = 4000


@dataclass
class Exchange:
    """The request and response of the current try, already redacted."""

    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None


_current: contextvars.ContextVar[Exchange | None] = contextvars.ContextVar(
    "orderbridge_attempt_exchange", default=None
)


def begin_exchange() -> Exchange:
    """Start collecting the exchange of a try in the current task (the worker calls it)."""
    exchange = Exchange()
    _current.set(exchange)
    return exchange


def record_exchange(
    request: Mapping[str, Any] | None = None, response: Mapping[str, Any] | None = None
) -> None:
    """Attach the remote call's request and/or response to the running try's row.

    Personal data and secrets are redacted before they are kept. Outside a worker
    try (a CLI command, a test calling a connector directly) this does nothing.
    """
    exchange = _current.get()
    if exchange is None:
        return
    if request is not None:
        exchange.request = redact(dict(request))
    if response is not None:
        exchange.response = redact(dict(response))


@dataclass(frozen=True)
class Settlement:
    """Where a finished try leaves its job: the new status, and when to try again."""

    outcome: AttemptOutcome
    status: JobStatus
    error: str | None = None
    run_after: datetime | None = None
    result: Mapping[str, Any] | None = None
    # The ``PermanentError``'s machine-readable code, for a permanent failure.
    code: str | None = None
    # What the handler asked to write with its success (``messaging/with_settle.py``).
    writes: tuple[SettleWrite, ...] = ()


def settle(
    session: Session | statements.Executes,
    job: JobView,
    worker_id: str,
    settlement: Settlement,
    *,
    duration_ms: int,
    exchange: Exchange | None = None,
    now: datetime,
) -> bool:
    """Close the try's attempt row and move the job; ``False`` if the lease was lost.

    ``session`` is a Session, or a direct transaction on SQLite (``direct_sqlite.py``)
    for a job that :func:`settles_directly`."""
    error = redact_text(settlement.error)[:_MAX_ERROR_CHARS] if settlement.error else None
    conn = session.connection() if isinstance(session, Session) else session
    conn.execute(
        statements.close_attempt(),
        {
            "the_job": job.id,
            "try_no": job.total_attempt,
            "new_outcome": settlement.outcome.value,
            "took_ms": duration_ms,
            "new_error": error,
            "new_request": exchange.request if exchange else None,
            "new_response": exchange.response if exchange else None,
        },
    )
    succeeded = settlement.status is JobStatus.SUCCEEDED
    params = _owner(job, worker_id)
    params["new_status"] = settlement.status.value
    params["now"] = now
    if succeeded:
        params["new_result"] = dict(settlement.result) if settlement.result is not None else None
    else:
        params["new_error"] = error
    if settlement.run_after is not None:
        params["new_run_after"] = settlement.run_after
    stmt = statements.move_job(succeeded=succeeded, reschedule=settlement.run_after is not None)
    moved = _changed(conn.execute(stmt, params))
    if moved and settlement.status in (JobStatus.SUCCEEDED, JobStatus.DEAD):
        if isinstance(session, Session):
            inbox.close_event(session, job.payload, error=error, now=now)
        elif not settles_directly(job):
            raise TypeError(f"job {job.id} closes an inbox event: settle it on a Session")
    return moved


def settles_directly(job: JobView) -> bool:
    """Whether :func:`settle` can record ``job``'s try without a Session: unless the
    job handles an inbox event, whose row it closes through the inbox's Session code
    (POS webhooks' jobs; an order's submission has none)."""
    return inbox.INBOX_REF not in job.payload


def retry_or_bury(
    policy: RetryPolicy,
    job: JobView,
    outcome: AttemptOutcome,
    error: str,
    now: datetime,
    retry_after: float | None = None,
) -> Settlement:
    """A failed try's settlement: pending again after ``policy``'s delay (at once for a
    crashed try, at least ``retry_after``), or dead when it was the last allowed try."""
    if policy.gives_up_after(job.attempt):
        error = f"{error} (gave up after {job.attempt} attempts)"
        return Settlement(outcome, JobStatus.DEAD, error=error)
    immediately = outcome is AttemptOutcome.CRASHED
    delay = 0.0 if immediately else policy.next_delay(job.attempt, retry_after)
    run_after = now + timedelta(seconds=delay)
    return Settlement(outcome, JobStatus.PENDING, error=error, run_after=run_after)


def release(session: Session, job: JobView, worker_id: str, run_after: datetime) -> bool:
    """Give a claimed job back untried (its circuit is open): no attempt is counted."""
    params = _owner(job, worker_id)
    params["new_run_after"] = run_after
    conn = session.connection()
    if not _changed(conn.execute(statements.give_back(), params)):
        return False
    conn.execute(statements.drop_attempt(), {"the_job": job.id, "try_no": job.total_attempt})
    return True


def _owner(job: JobView, worker_id: str) -> dict[str, Any]:
    """Binds of "this try of this job, while ``worker_id`` still holds its lease"."""
    return {"the_job": job.id, "holder": worker_id, "try_no": job.total_attempt}


def _changed(result: object) -> bool:
    return bool(getattr(result, "rowcount", 0))
