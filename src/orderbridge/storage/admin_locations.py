"""Locations as their operators manage them: what each is linked to, its published
menu, and the settings an operator may change (name, timezone, price policy).

A location's currency is its POS's and does not change here; its opening hours and
pauses have their own commands (``services.locations``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.services.errors import Invalid, NotFound
from orderbridge.storage import tables as t
from orderbridge.storage.types import utcnow

PRICE_POLICIES = ("menu", "strict")


@dataclass(frozen=True)
class LocationLinkRow:
    connection_id: str
    kind: str
    role: str
    external_id: str


@dataclass(frozen=True)
class MenuRow:
    version: str
    updated_at: datetime
    source_connection_id: str | None
    items: int


def owned_location(session: Session, tenant_id: str, location_id: str) -> t.Location:
    """The tenant's location, or ``NotFound`` (another tenant's answers the same)."""
    row = session.get(t.Location, location_id)
    if row is None or row.tenant_id != tenant_id:
        raise NotFound("unknown_location", f"no location {location_id}", field="id")
    return row


def links_by_location(session: Session, tenant_id: str) -> dict[str, list[LocationLinkRow]]:
    found = session.execute(
        select(
            t.LocationLink.location_id,
            t.Connection.id,
            t.Connection.kind,
            t.Connection.role,
            t.LocationLink.external_id,
        )
        .join(t.Connection, t.Connection.id == t.LocationLink.connection_id)
        .where(t.Connection.tenant_id == tenant_id)
        .order_by(t.Connection.role.desc(), t.Connection.created_at)
    )
    links: dict[str, list[LocationLinkRow]] = defaultdict(list)
    for location_id, connection_id, kind, role, external_id in found:
        links[location_id].append(LocationLinkRow(connection_id, kind, role, external_id))
    return links


def menu_of(session: Session, location_id: str) -> MenuRow | None:
    row = session.get(t.MenuSnapshot, location_id)
    if row is None:
        return None
    items = sum(len(c.get("items", [])) for c in row.document.get("categories", []))
    return MenuRow(row.version, row.updated_at, row.source_connection_id, items)


def update_location(
    session: Session,
    tenant_id: str,
    location_id: str,
    *,
    name: str | None = None,
    timezone: str | None = None,
    price_policy: str | None = None,
) -> t.Location:
    """Change what is given; each value is checked (``Invalid`` names the field)."""
    row = owned_location(session, tenant_id, location_id)
    if name is not None:
        if not name.strip() or len(name) > 200:
            raise Invalid("invalid_name", "a location's name has 1 to 200 characters", field="name")
        row.name = name.strip()
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise Invalid(
                "invalid_timezone",
                f"{timezone!r} is not an IANA time zone (such as Europe/Kyiv)",
                field="timezone",
            ) from None
        row.timezone = timezone
    if price_policy is not None:
        if price_policy not in PRICE_POLICIES:
            raise Invalid("invalid_value", "price_policy is menu or strict", field="price_policy")
        row.price_policy = price_policy
    row.updated_at = utcnow()
    session.flush()
    return row
