"""The SQL side of ``orderbridge.ports.MappingStore``: channel menus and item mappings.

A channel menu is stored as uploaded (``{"items": [...]}``) and read back both ways:
the document, for showing it, and :class:`~orderbridge.matching.ChannelMenu`, for
matching and orders. A mapping row keeps the target in columns (what orders and the
dashboard query) and the candidates and option links in a JSON ``detail``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from orderbridge.matching import (
    DEFAULT_AUTO_THRESHOLD,
    Candidate,
    ChannelMenu,
    ItemMapping,
    MappingStatus,
    Target,
)
from orderbridge.matching.model import ChannelMode, channel_items
from orderbridge.storage.mapping_tables import (
    ChannelMappingRecord,
    ChannelMenuRecord,
    MappingSettingsRecord,
)

# Decoded channel menus by (location, channel, mode, version): values that never change.
_DECODED: dict[tuple[str, str, str, str], ChannelMenu] = {}
_DECODED_KEPT = 64
_CHANNEL_MENU_HEAD = select(
    ChannelMenuRecord.__table__.c.mode, ChannelMenuRecord.__table__.c.version
).where(
    ChannelMenuRecord.__table__.c.location_id == bindparam("location_id"),
    ChannelMenuRecord.__table__.c.channel == bindparam("channel"),
)


class SqlMappingStore:
    """Channel menus and mappings in the unit of work's session."""

    def __init__(self, session: Session) -> None:
        self.session = session

    # Channel menus ------------------------------------------------------------------

    def channel_menu(self, location_id: str, channel: str) -> ChannelMenu | None:
        """The channel's menu; its items decoded once per version (every order of an
        own-menu channel reads it, and most channels have no row at all)."""
        # A Core statement built once, on the session's connection: the ORM's execute
        # cost a fifth of placing an order, for a look-up that mostly finds nothing.
        head = (
            self.session.connection()
            .execute(_CHANNEL_MENU_HEAD, {"location_id": location_id, "channel": channel})
            .first()
        )
        if head is None:
            return None
        key = (location_id, channel, head.mode, head.version)
        menu = _DECODED.get(key)
        if menu is None:
            row = self.session.get(ChannelMenuRecord, (location_id, channel))
            if row is None:
                return None
            menu = _menu(row)
            if len(_DECODED) >= _DECODED_KEPT:
                _DECODED.pop(next(iter(_DECODED)))
            _DECODED[(location_id, channel, row.mode, row.version)] = menu
        return menu

    def channel_menus(self, location_id: str) -> Sequence[ChannelMenu]:
        found = self.session.scalars(
            select(ChannelMenuRecord)
            .where(ChannelMenuRecord.location_id == location_id)
            .order_by(ChannelMenuRecord.channel)
        )
        return [_menu(row) for row in found]

    def channel_document(self, location_id: str, channel: str) -> dict[str, object] | None:
        row = self.session.get(ChannelMenuRecord, (location_id, channel))
        return dict(row.document) if row is not None else None

    def save_channel_menu(
        self,
        menu: ChannelMenu,
        *,
        tenant_id: str,
        document: dict[str, object],
        now: datetime,
    ) -> None:
        row = self.session.get(ChannelMenuRecord, (menu.location_id, menu.channel))
        if row is None:
            row = ChannelMenuRecord(location_id=menu.location_id, channel=menu.channel)
            self.session.add(row)
        row.tenant_id = tenant_id
        row.mode = menu.mode.value
        row.version = menu.version
        row.document = document
        row.updated_at = now
        self.session.flush()

    # Mappings -----------------------------------------------------------------------

    def mappings(self, location_id: str, channel: str) -> dict[str, ItemMapping]:
        found = self.session.scalars(
            select(ChannelMappingRecord).where(
                ChannelMappingRecord.location_id == location_id,
                ChannelMappingRecord.channel == channel,
            )
        )
        return {row.channel_item_id: _mapping(row) for row in found}

    def mapping(self, location_id: str, channel: str, channel_item_id: str) -> ItemMapping | None:
        row = self.session.get(ChannelMappingRecord, (location_id, channel, channel_item_id))
        return _mapping(row) if row is not None else None

    def save_mappings(
        self,
        location_id: str,
        channel: str,
        mappings: Sequence[ItemMapping],
        *,
        tenant_id: str,
        now: datetime,
        decided_by: str | None = None,
    ) -> None:
        existing = {
            row.channel_item_id: row
            for row in self.session.scalars(
                select(ChannelMappingRecord).where(
                    ChannelMappingRecord.location_id == location_id,
                    ChannelMappingRecord.channel == channel,
                    ChannelMappingRecord.channel_item_id.in_([m.channel_item_id for m in mappings]),
                )
            )
        }
        for mapping in mappings:
            row = existing.get(mapping.channel_item_id)
            if row is None:
                row = ChannelMappingRecord(
                    location_id=location_id,
                    channel=channel,
                    channel_item_id=mapping.channel_item_id,
                )
                self.session.add(row)
            target = mapping.target
            row.tenant_id = tenant_id
            row.status = mapping.status.value
            row.pos_item_id = target.item_id if target else None
            row.pos_variant_id = target.variant_id if target else None
            row.pos_modifier_id = target.modifier_id if target else None
            row.confidence = mapping.confidence
            row.detail = {
                "candidates": [_candidate_json(c) for c in mapping.candidates],
                "options": dict(mapping.options),
                "pinned": sorted(mapping.pinned_options),
            }
            if decided_by is not None:
                row.decided_by = decided_by
            elif not mapping.status.by_person:
                row.decided_by = None
            row.updated_at = now
        self.session.flush()

    # Settings -----------------------------------------------------------------------

    def auto_threshold(self, tenant_id: str) -> float:
        row = self.session.get(MappingSettingsRecord, tenant_id)
        return row.auto_threshold if row is not None else DEFAULT_AUTO_THRESHOLD

    def set_auto_threshold(self, tenant_id: str, value: float, *, now: datetime) -> None:
        row = self.session.get(MappingSettingsRecord, tenant_id)
        if row is None:
            row = MappingSettingsRecord(tenant_id=tenant_id)
            self.session.add(row)
        row.auto_threshold = value
        row.updated_at = now
        self.session.flush()


def _menu(row: ChannelMenuRecord) -> ChannelMenu:
    return ChannelMenu(
        location_id=row.location_id,
        channel=row.channel,
        mode=ChannelMode(row.mode),
        items=channel_items(row.document),
        version=row.version,
    )


def _candidate_json(candidate: Candidate) -> dict[str, Any]:
    target = candidate.target
    return {
        "item": target.item_id,
        "variant": target.variant_id,
        "modifier": target.modifier_id,
        "name": candidate.name,
        "confidence": candidate.confidence,
        "complete": candidate.complete,
        "blocked": candidate.blocked,
    }


def _candidate(data: dict[str, Any]) -> Candidate:
    return Candidate(
        target=Target(data["item"], data.get("variant"), data.get("modifier")),
        name=data["name"],
        confidence=float(data["confidence"]),
        complete=bool(data.get("complete")),
        blocked=bool(data.get("blocked")),
    )


def _mapping(row: ChannelMappingRecord) -> ItemMapping:
    detail = row.detail or {}
    target = (
        Target(row.pos_item_id, row.pos_variant_id, row.pos_modifier_id)
        if row.pos_item_id is not None
        else None
    )
    return ItemMapping(
        channel_item_id=row.channel_item_id,
        status=MappingStatus(row.status),
        target=target,
        confidence=row.confidence,
        candidates=tuple(_candidate(c) for c in detail.get("candidates", [])),
        options=dict(detail.get("options", {})),
        pinned_options=frozenset(detail.get("pinned", [])),
    )
