"""Failures reach a person: ``incidents``, ``alert_destinations`` and each location's
``stuck_after_minutes`` (when an order not yet accepted counts as stuck).

Revision ID: 0005_alerts
Revises: 0010_harden
Create Date: 2026-11-25 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderbridge.storage.types import JSONType, UTCDateTime

revision: str = "0005_alerts"
down_revision: str | Sequence[str] | None = "0010_harden"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPEN = sa.text("status = 'open'")


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("subject_id", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("cleared_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_incidents_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(
            "uq_incidents_open",
            ["tenant_id", "kind", "subject_id"],
            unique=True,
            sqlite_where=_OPEN,
            postgresql_where=_OPEN,
        )
        batch_op.create_index(
            "ix_incidents_tenant_status", ["tenant_id", "status", "opened_at"], unique=False
        )
        batch_op.create_index("ix_incidents_kind_status", ["kind", "status"], unique=False)

    op.create_table(
        "alert_destinations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("events", JSONType, nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("secrets", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_alert_destinations_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_destinations")),
    )
    # A plain ADD COLUMN (with its constant default) on both databases: batch mode would
    # copy ``locations`` on SQLite, and dropping the old copy fails while orders point
    # at it (foreign keys are on).
    op.add_column(
        "locations",
        sa.Column(
            "stuck_after_minutes", sa.Integer(), server_default=sa.text("10"), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("locations", "stuck_after_minutes")  # SQLite 3.35+ drops it in place
    op.drop_table("alert_destinations")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_kind_status")
        batch_op.drop_index("ix_incidents_tenant_status")
        batch_op.drop_index("uq_incidents_open")
    op.drop_table("incidents")
