"""The hub's own tables: tenants, locations, connections, menus, orders, reservations.

Aggregates are stored as a JSON document (``storage.codec`` writes and reads it) beside
the columns that are queried or constrained: status, keys, foreign ids, timestamps. The
timeline is its own append-only table so that an order's history is never rewritten.
Messaging tables (inbox, outbox, attempts) live in ``orderbridge.messaging.tables``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.storage.db import Base
from orderbridge.storage.types import BigIntId

ID = String(64)


class Tenant(Base):
    """A customer of the hub: one restaurant business or one integrator's client."""

    __tablename__ = "tenants"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class ApiKey(Base):
    """A bearer key of a tenant, stored as its SHA-256 digest; shown once at creation."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ID, ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(32))
    scope: Mapped[str] = mapped_column(String(16), default="storefront")  # or "admin"
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    # What orders and reservations placed with the key carry as ``placed_by``: the key's
    # own id, or the id of the key it inherits from (a rotated website key keeps reading
    # what its predecessor placed).
    owner_id: Mapped[str | None] = mapped_column(ID)


class Location(Base):
    """A restaurant; its pause and schedule are columns the status checks read."""

    __tablename__ = "locations"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ID, ForeignKey("tenants.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    schedule: Mapped[dict[str, Any] | None]
    paused: Mapped[bool] = mapped_column(default=False)
    paused_until: Mapped[datetime | None]
    pause_reason: Mapped[str] = mapped_column(String(500), default="")
    price_policy: Mapped[str] = mapped_column(String(16), default="menu")
    # An order not accepted by the POS this long after it arrived raises ``order.stuck``
    # (0: never). Added by 0005_alerts.
    stuck_after_minutes: Mapped[int] = mapped_column(default=10, server_default=text("10"))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Busy mode: promised times move busy_minutes later until busy_until (manual | auto).
    busy_minutes: Mapped[int | None]
    busy_until: Mapped[datetime | None]
    busy_source: Mapped[str] = mapped_column(String(8), default="", server_default="")
    # Ordering options an operator set, and what the POS said of the place (codec_options).
    options: Mapped[dict[str, Any] | None]
    pos_facts: Mapped[dict[str, Any] | None]


class Connection(Base):
    """A tenant's link to one external system, with encrypted credentials.

    ``external_account`` is what inbound webhooks are routed by (Poster's ``account``).
    ``status`` turns to ``needs_reauth`` when the system refuses the credentials.
    """

    __tablename__ = "connections"
    # An account is connected once (webhooks are routed by it); NULLs stay distinct.
    __table_args__ = (
        Index("ix_connections_kind_account", "kind", "external_account", unique=True),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ID, ForeignKey("tenants.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(32))  # poster | wix | storefront | rest_pos
    role: Mapped[str] = mapped_column(String(16))  # pos | channel
    name: Mapped[str] = mapped_column(String(200))
    credentials: Mapped[str] = mapped_column(Text, default="")  # CredentialCipher token
    settings: Mapped[dict[str, Any]]
    external_account: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="active")
    status_reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class LocationLink(Base):
    """Which place of a connected system a location is (Poster ``spot_id`` …)."""

    __tablename__ = "location_links"
    __table_args__ = (UniqueConstraint("connection_id", "external_id"),)

    location_id: Mapped[str] = mapped_column(
        ID, ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    connection_id: Mapped[str] = mapped_column(
        ID, ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    external_id: Mapped[str] = mapped_column(String(200))


class MenuSnapshot(Base):
    """The location's current canonical menu, as last imported from its POS."""

    __tablename__ = "menus"

    location_id: Mapped[str] = mapped_column(
        ID, ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[str] = mapped_column(String(64))
    document: Mapped[dict[str, Any]]
    source_connection_id: Mapped[str | None] = mapped_column(ID)
    updated_at: Mapped[datetime]
    # The menu as the POS gave it, before stock marks and snoozes (null: same as document).
    pos_document: Mapped[dict[str, Any] | None]


class OrderRecord(Base):
    """An order: its document, its status, and where it stands at the POS."""

    __tablename__ = "orders"
    __table_args__ = (
        UniqueConstraint("tenant_id", "channel", "channel_order_id"),
        UniqueConstraint("tenant_id", "idempotency_key"),
        Index("ix_orders_pos", "pos_connection_id", "pos_order_id"),
        Index("ix_orders_status_updated", "status", "updated_at"),
        Index("ix_orders_tenant_created", "tenant_id", "created_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ID, ForeignKey("tenants.id", ondelete="CASCADE"))
    location_id: Mapped[str] = mapped_column(ID, ForeignKey("locations.id"))
    channel: Mapped[str] = mapped_column(String(64))
    channel_order_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    document: Mapped[dict[str, Any]]
    request_hash: Mapped[str] = mapped_column(String(64), default="")
    # The storefront's Idempotency-Key header, when it sent one.
    idempotency_key: Mapped[str | None] = mapped_column(String(255))
    total_amount: Mapped[int]
    currency: Mapped[str] = mapped_column(String(3))
    pos_connection_id: Mapped[str | None] = mapped_column(ID)
    pos_order_id: Mapped[str | None] = mapped_column(String(100))
    pos_check_id: Mapped[str | None] = mapped_column(String(100))
    external_refs: Mapped[dict[str, Any]]
    # Optimistic lock: a save that finds another version lost a race and is retried.
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The owner id of the API key that placed it (``ApiKey.owner_id``); None: a channel
    # other than the storefront API (Wix …) or an order from before keys had owners.
    placed_by: Mapped[str | None] = mapped_column(ID)


class ReservationRecord(Base):
    """A table reservation, stored the way orders are."""

    __tablename__ = "reservations"
    __table_args__ = (
        UniqueConstraint("tenant_id", "channel", "channel_reservation_id"),
        Index("ix_reservations_pos", "pos_connection_id", "pos_reservation_id"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ID, ForeignKey("tenants.id", ondelete="CASCADE"))
    location_id: Mapped[str] = mapped_column(ID, ForeignKey("locations.id"))
    channel: Mapped[str] = mapped_column(String(64))
    channel_reservation_id: Mapped[str] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(16))
    document: Mapped[dict[str, Any]]
    request_hash: Mapped[str] = mapped_column(String(64), default="")
    pos_connection_id: Mapped[str | None] = mapped_column(ID)
    pos_reservation_id: Mapped[str | None] = mapped_column(String(100))
    external_refs: Mapped[dict[str, Any]]
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    placed_by: Mapped[str | None] = mapped_column(ID)  # as ``OrderRecord.placed_by``


class TimelineRecord(Base):
    """One line of an order's or a reservation's history; rows are only ever added."""

    __tablename__ = "timeline"
    __table_args__ = (Index("ix_timeline_subject", "subject_kind", "subject_id", "id"),)

    id: Mapped[int] = mapped_column(BigIntId, primary_key=True)
    subject_kind: Mapped[str] = mapped_column(String(16))  # order | reservation
    subject_id: Mapped[str] = mapped_column(ID)
    at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))
    event: Mapped[str] = mapped_column(String(100))
    detail: Mapped[str] = mapped_column(Text, default="")


class WebhookEndpoint(Base):
    """A storefront's URL for order events, with its signing secrets (encrypted).

    ``secrets`` decrypts to ``[{"secret": "whsec_…", "expires_at": iso | None}]``: during
    a rotation the old secret signs alongside the new one until it expires.
    """

    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ID, ForeignKey("tenants.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(String(2000))
    events: Mapped[dict[str, Any]]  # {"events": [...]}
    description: Mapped[str] = mapped_column(String(500), default="")
    secrets: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
