"""Tables of menu mapping: channels' own menus, their item mappings, tenant thresholds.

``channel_menus`` holds one row per location and channel (``storefront``, or a channel
connection's id): its mode and, in ``own`` mode, its items as uploaded. Each item of an
own menu has a row in ``channel_mappings``, keyed by the channel's own item id, with the
target in use or suggested (``pos_item_id`` is the id the storefront menu shows for the
POS item; a variant or an added modifier narrows it), the ranked candidates, and the
links of the item's variants and modifiers. Rows of items that left the channel menu
stay, so a person's decision is still there if the item comes back.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.storage.db import Base

ID = String(64)


class ChannelMenuRecord(Base):
    """A channel's menu at a location: ``pos`` (generated) or ``own`` (its items here)."""

    __tablename__ = "channel_menus"

    location_id: Mapped[str] = mapped_column(
        ID, ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ID, ForeignKey("tenants.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(8))  # pos | own
    version: Mapped[str] = mapped_column(String(64), default="")
    document: Mapped[dict[str, Any]]  # {"items": [...]} as uploaded
    updated_at: Mapped[datetime]


class ChannelMappingRecord(Base):
    """One channel item's mapping (see ``orderbridge.matching.decisions``)."""

    __tablename__ = "channel_mappings"
    __table_args__ = (Index("ix_channel_mappings_pos_item", "location_id", "pos_item_id"),)

    location_id: Mapped[str] = mapped_column(
        ID, ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    channel: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel_item_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ID, ForeignKey("tenants.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    pos_item_id: Mapped[str | None] = mapped_column(String(100))
    pos_variant_id: Mapped[str | None] = mapped_column(String(100))
    pos_modifier_id: Mapped[str | None] = mapped_column(String(100))
    confidence: Mapped[float | None] = mapped_column(Float)
    # {"candidates": [...], "options": {channel option id: POS id | None}, "pinned": [...]}
    detail: Mapped[dict[str, Any]]
    decided_by: Mapped[str | None] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class MappingSettingsRecord(Base):
    """A tenant's matcher settings; no row means the defaults."""

    __tablename__ = "mapping_settings"

    tenant_id: Mapped[str] = mapped_column(
        ID, ForeignKey("tenants.id", ondelete="CASCADE"), primary_key=True
    )
    auto_threshold: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime]
