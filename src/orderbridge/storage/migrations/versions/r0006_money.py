"""Menus, money and times: busy mode, ordering options and POS facts on locations; the
menu as the POS gave it; the ``snoozes`` and ``stock_marks`` tables.

Revision ID: 0006_money
Revises: 0005_alerts
Create Date: 2026-11-25 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderbridge.storage.types import JSONType, UTCDateTime

revision: str = "0006_money"
down_revision: str | Sequence[str] | None = "0005_alerts"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("busy_minutes", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("busy_until", UTCDateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("busy_source", sa.String(length=8), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("options", JSONType, nullable=True))
        batch_op.add_column(sa.Column("pos_facts", JSONType, nullable=True))
    with op.batch_alter_table("menus", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pos_document", JSONType, nullable=True))
    op.create_table(
        "snoozes",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=100), nullable=False),
        sa.Column("until", UTCDateTime(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_snoozes_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_snoozes")),
    )
    with op.batch_alter_table("snoozes", schema=None) as batch_op:
        batch_op.create_index("ix_snoozes_location_until", ["location_id", "until"], unique=False)
    op.create_table(
        "stock_marks",
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.String(length=100), nullable=False),
        sa.Column("variant_id", sa.String(length=100), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_stock_marks_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "location_id", "item_id", "variant_id", name=op.f("pk_stock_marks")
        ),
    )


def downgrade() -> None:
    op.drop_table("stock_marks")
    with op.batch_alter_table("snoozes", schema=None) as batch_op:
        batch_op.drop_index("ix_snoozes_location_until")
    op.drop_table("snoozes")
    # Plain DROP COLUMNs (in place on SQLite 3.35+, as 0005_alerts does): batch mode would
    # recreate ``locations`` and ``menus``, which the orders' foreign keys refuse.
    op.drop_column("menus", "pos_document")
    for column in ("pos_facts", "options", "busy_source", "busy_until", "busy_minutes"):
        op.drop_column("locations", column)
