"""Messaging: inbox events, outbox jobs and job attempts.

Revision ID: 0001_messaging
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderbridge.storage.types import BigIntId, JSONType, UTCDateTime

revision: str = "0001_messaging"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inbox_events",
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("external_id", sa.String(255), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("payload", JSONType, nullable=False),
        sa.Column("headers", JSONType, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("processed_at", UTCDateTime(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_events"),
        sa.UniqueConstraint("source", "external_id", name="uq_inbox_events_source_external_id"),
    )
    op.create_index("ix_inbox_events_status_received_at", "inbox_events", ["status", "received_at"])
    op.create_table(
        "outbox_jobs",
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("kind", sa.String(100), nullable=False),
        sa.Column("connection_id", sa.String(64), nullable=True),
        sa.Column("key", sa.String(255), nullable=True),
        sa.Column("payload", JSONType, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("total_attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("run_after", UTCDateTime(), nullable=False),
        sa.Column("lease_owner", sa.String(128), nullable=True),
        sa.Column("lease_expires_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("result", JSONType, nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_jobs"),
    )
    op.create_index("ix_outbox_jobs_status_run_after", "outbox_jobs", ["status", "run_after"])
    op.create_index("ix_outbox_jobs_key_id", "outbox_jobs", ["key", "id"])
    op.create_index(
        "ix_outbox_jobs_status_lease_expires_at", "outbox_jobs", ["status", "lease_expires_at"]
    )
    op.create_table(
        "job_attempts",
        sa.Column("id", BigIntId, nullable=False),
        sa.Column("job_id", BigIntId, nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("worker_id", sa.String(128), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("request", JSONType, nullable=True),
        sa.Column("response", JSONType, nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["outbox_jobs.id"],
            name="fk_job_attempts_job_id_outbox_jobs",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_job_attempts"),
        sa.UniqueConstraint("job_id", "number", name="uq_job_attempts_job_id_number"),
    )


def downgrade() -> None:
    op.drop_table("job_attempts")
    op.drop_index("ix_outbox_jobs_status_lease_expires_at", table_name="outbox_jobs")
    op.drop_index("ix_outbox_jobs_key_id", table_name="outbox_jobs")
    op.drop_index("ix_outbox_jobs_status_run_after", table_name="outbox_jobs")
    op.drop_table("outbox_jobs")
    op.drop_index("ix_inbox_events_status_received_at", table_name="inbox_events")
    op.drop_table("inbox_events")
