"""Menu mapping: channels' own menus (``channel_menus``), their item mappings
(``channel_mappings``) and each tenant's matcher threshold (``mapping_settings``).

Revision ID: 0009_mapping
Revises: 0004_operator
Create Date: 2026-12-06 16:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from orderbridge.storage.types import JSONType, UTCDateTime

revision: str = "0009_mapping"
down_revision: str | Sequence[str] | None = "0004_operator"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "channel_menus",
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("mode", sa.String(length=8), nullable=False),
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("document", JSONType, nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_channel_menus_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_channel_menus_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("location_id", "channel", name=op.f("pk_channel_menus")),
    )
    op.create_table(
        "channel_mappings",
        sa.Column("location_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("channel_item_id", sa.String(length=100), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pos_item_id", sa.String(length=100), nullable=True),
        sa.Column("pos_variant_id", sa.String(length=100), nullable=True),
        sa.Column("pos_modifier_id", sa.String(length=100), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("detail", JSONType, nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["location_id"],
            ["locations.id"],
            name=op.f("fk_channel_mappings_location_id_locations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_channel_mappings_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "location_id", "channel", "channel_item_id", name=op.f("pk_channel_mappings")
        ),
    )
    with op.batch_alter_table("channel_mappings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_channel_mappings_pos_item", ["location_id", "pos_item_id"], unique=False
        )
    op.create_table(
        "mapping_settings",
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("auto_threshold", sa.Float(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_mapping_settings_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("tenant_id", name=op.f("pk_mapping_settings")),
    )


def downgrade() -> None:
    op.drop_table("mapping_settings")
    with op.batch_alter_table("channel_mappings", schema=None) as batch_op:
        batch_op.drop_index("ix_channel_mappings_pos_item")
    op.drop_table("channel_mappings")
    op.drop_table("channel_menus")
