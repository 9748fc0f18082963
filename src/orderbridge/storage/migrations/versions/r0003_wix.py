"""Channel id maps (Wix menu entities, revisions, the menu last published, imported
POS orders): the ``channel_refs`` table.

Revision ID: 0003_wix
Revises: 0002_hub
Create Date: 2026-11-24 10:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderbridge.storage.types import JSONType, UTCDateTime

revision: str = "0003_wix"
down_revision: str | Sequence[str] | None = "0002_hub"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_refs",
        sa.Column("connection_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("local_id", sa.String(length=300), nullable=False),
        sa.Column("external_id", sa.String(length=200), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["connections.id"],
            name=op.f("fk_channel_refs_connection_id_connections"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("connection_id", "kind", "local_id", name=op.f("pk_channel_refs")),
    )
    with op.batch_alter_table("channel_refs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_channel_refs_external", ["connection_id", "kind", "external_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("channel_refs", schema=None) as batch_op:
        batch_op.drop_index("ix_channel_refs_external")
    op.drop_table("channel_refs")
