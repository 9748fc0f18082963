"""The tables of incidents and of the alert destinations that hear about them.

* ``incidents``: one row per thing an operator must know of (an order that failed, a
  connection that needs re-authorising …), ``open`` until it is cleared. A partial
  unique index allows at most one *open* incident per ``(tenant, kind, subject)``, so
  raising the same incident twice (two workers, a retry, the periodic scan) opens it
  once; a cleared incident that comes back opens a new row.
* ``alert_destinations``: URLs a tenant registered to be told (Slack incoming webhooks,
  a pager bridge …), with the events they want and their Standard Webhooks signing
  secrets (encrypted, rotated like storefront endpoints').
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.sql.postgresql_options import postgresql_option
from orderbridge.storage.db import Base

ID = String(64)
OPEN = "open"
CLEARED = "cleared"


# At most one open incident per (tenant, kind, subject): partial on both databases
# (PostgreSQL's ``where`` is set once PostgreSQL is in use; sql/postgresql_options.py).
_OPEN_UNIQUE = Index(
    "uq_incidents_open",
    "tenant_id",
    "kind",
    "subject_id",
    unique=True,
    sqlite_where=text("status = 'open'"),
)
postgresql_option(_OPEN_UNIQUE, "where", text("status = 'open'"))


class Incident(Base):
    """Something that needs a person, from when it was noticed until it cleared."""

    __tablename__ = "incidents"
    __table_args__ = (
        _OPEN_UNIQUE,
        Index("ix_incidents_tenant_status", "tenant_id", "status", "opened_at"),
        Index("ix_incidents_kind_status", "kind", "status"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ID, ForeignKey("tenants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(64))  # order.failed, connection.needs_reauth …
    subject_id: Mapped[str] = mapped_column(String(255))  # the order, connection … id
    status: Mapped[str] = mapped_column(String(16))  # open | cleared
    detail: Mapped[str] = mapped_column(Text, default="")  # PII-free, for people
    # Ids that help find the subject (order_id, connection_id, location_id …); no PII.
    data: Mapped[dict[str, Any]]
    opened_at: Mapped[datetime]
    cleared_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class AlertDestination(Base):
    """A URL that receives a tenant's alerts, signed the Standard Webhooks way.

    ``secrets`` decrypts to ``[{"secret": "whsec_…", "expires_at": iso | None}]`` like a
    webhook endpoint's; ``events`` is ``{"events": [...]}`` of incident kinds.
    """

    __tablename__ = "alert_destinations"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ID, ForeignKey("tenants.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[dict[str, Any]]
    description: Mapped[str] = mapped_column(String(500), default="")
    secrets: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
