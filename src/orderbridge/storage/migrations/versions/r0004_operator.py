"""Who placed what: API keys get an owner id, orders and reservations the owner id of
the key that placed them (a storefront key reads only those); orders are listed per
tenant, newest first.

Orders and reservations stored before this revision were placed by a storefront key
the hub did not record. Where the tenant has exactly one live storefront key, that key
is taken to have placed its storefront orders (the demo's case, and a website's);
otherwise they stay unowned, readable by admin keys only.

Revision ID: 0004_operator
Revises: 0003_wix
Create Date: 2026-11-25 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_operator"
down_revision: str | Sequence[str] | None = "0003_wix"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_id", sa.String(length=64), nullable=True))
    # Every key made before this revision owns what it places itself.
    op.execute("UPDATE api_keys SET owner_id = id WHERE owner_id IS NULL")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("placed_by", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_orders_tenant_created", ["tenant_id", "created_at"], unique=False)
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("placed_by", sa.String(length=64), nullable=True))
    for table in ("orders", "reservations"):
        op.execute(_ONLY_STOREFRONT_KEY.format(table=table))


# The owner of the tenant's only live storefront key, for the rows placed before.
_ONLY_STOREFRONT_KEY = """
UPDATE {table} SET placed_by = (
    SELECT k.owner_id FROM api_keys k
    WHERE k.tenant_id = {table}.tenant_id AND k.scope = 'storefront' AND k.revoked_at IS NULL
)
WHERE placed_by IS NULL AND channel = 'storefront' AND (
    SELECT count(*) FROM api_keys k
    WHERE k.tenant_id = {table}.tenant_id AND k.scope = 'storefront' AND k.revoked_at IS NULL
) = 1
"""


def downgrade() -> None:
    with op.batch_alter_table("reservations", schema=None) as batch_op:
        batch_op.drop_column("placed_by")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_tenant_created")
        batch_op.drop_column("placed_by")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_column("owner_id")
