"""Availability the hub lays over POS menus: operators' snoozes and the POS's stock.

Kept apart from the menu document because a menu import replaces that document whole;
``services.availability`` lays these rows over every menu it stores
(``domain.availability.apply_availability``).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.storage.db import Base

ID = String(64)


class SnoozeRow(Base):
    """An item, variant or modifier of a location's menu switched off until ``until``."""

    __tablename__ = "snoozes"
    __table_args__ = (Index("ix_snoozes_location_until", "location_id", "until"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    location_id: Mapped[str] = mapped_column(ID, ForeignKey("locations.id", ondelete="CASCADE"))
    target: Mapped[str] = mapped_column(String(16))  # item | variant | modifier
    target_id: Mapped[str] = mapped_column(String(100))
    until: Mapped[datetime]
    reason: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime]


class StockMarkRow(Base):
    """The POS reported an item (``variant_id`` "" for the item itself) out of stock in a
    storage of this location; the row goes when the POS reports stock again."""

    __tablename__ = "stock_marks"

    location_id: Mapped[str] = mapped_column(
        ID, ForeignKey("locations.id", ondelete="CASCADE"), primary_key=True
    )
    item_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    variant_id: Mapped[str] = mapped_column(String(100), primary_key=True, default="")
    updated_at: Mapped[datetime]
