"""The durable messaging tables: inbox events, outbox jobs and one row per job attempt.

* ``inbox_events`` holds every inbound event, unique by ``(source, external_id)``, so a
  sender's retry of an event already stored is recognised and dropped.
* ``outbox_jobs`` holds every outbound call still to make (or made). A job is written in
  the same transaction as the state change that needs it and drained by workers that
  hold it by lease.
* ``job_attempts`` records each try of a job: when it started, how long it took, how it
  ended and the redacted request and response, like Saleor's delivery attempts.

The schema itself is created by the Alembic revision ``0001_messaging``; these classes
are how code reads and writes it.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.sql.base import Base
from orderbridge.sql.types import BigIntId


class InboxStatus(enum.StrEnum):
    """Where an inbound event is: stored, handled, or handled with an error."""

    RECEIVED = "received"
    PROCESSED = "processed"
    FAILED = "failed"


class JobStatus(enum.StrEnum):
    """Where an outbox job is. ``dead`` jobs are dead letters waiting for an operator."""

    PENDING = "pending"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    DEAD = "dead"


class AttemptOutcome(enum.StrEnum):
    """How one try of a job ended (``None`` on the row while it is still running)."""

    SUCCEEDED = "succeeded"
    TRANSIENT = "transient"
    PERMANENT = "permanent"
    CRASHED = "crashed"


class InboxEvent(Base):
    """One inbound event (webhook, API call) exactly as it arrived, stored before the 2xx."""

    __tablename__ = "inbox_events"
    __table_args__ = (
        UniqueConstraint("source", "external_id"),
        Index(None, "status", "received_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    external_id: Mapped[str] = mapped_column(String(255))
    received_at: Mapped[datetime]
    payload: Mapped[dict[str, Any]]
    headers: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default=InboxStatus.RECEIVED)
    processed_at: Mapped[datetime | None]
    error: Mapped[str | None] = mapped_column(Text)


class OutboxJob(Base):
    """One outbound call to make, with its retry and lease state.

    ``attempts`` counts tries since the job was enqueued or last revived from the dead
    letters (the retry schedule looks at it); ``total_attempts`` never resets and numbers
    the ``job_attempts`` rows. Jobs sharing a ``key`` run one at a time in id order.
    """

    __tablename__ = "outbox_jobs"
    __table_args__ = (
        Index(None, "status", "run_after"),
        Index(None, "key", "id"),
        Index(None, "status", "lease_expires_at"),
    )

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(100))
    connection_id: Mapped[str | None] = mapped_column(String(64))
    key: Mapped[str | None] = mapped_column(String(255))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    total_attempts: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    run_after: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_expires_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    result: Mapped[dict[str, Any] | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class JobAttempt(Base):
    """One try of an outbox job: written when the try starts, completed when it ends.

    A row whose ``outcome`` is still empty when the job is claimed again belongs to a
    worker that died or lost its lease; the claim marks it ``crashed``.
    """

    __tablename__ = "job_attempts"
    __table_args__ = (UniqueConstraint("job_id", "number"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    job_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("outbox_jobs.id", ondelete="CASCADE"))
    number: Mapped[int]
    worker_id: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime]
    duration_ms: Mapped[int | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    error: Mapped[str | None] = mapped_column(Text)
    request: Mapped[dict[str, Any] | None]
    response: Mapped[dict[str, Any] | None]
