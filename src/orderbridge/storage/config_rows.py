"""Locations, connections, menus and endpoints as rows, for the order hot path.

Every order reads its location, its menu's version, its POS connection and the
tenant's webhook endpoints. Like ``storage.order_rows``, these statements are built
once with ``bindparam`` placeholders and run on the unit of work's connection, and
rows become records by hand. Secrets are decrypted through ``storage.decrypted``, and
not at all where only ids are needed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, true

from orderbridge.domain.locations import Location, Pause
from orderbridge.ports import ConnectionRecord, EndpointRecord, LocationBinding, LocationRecord
from orderbridge.security import CredentialCipher
from orderbridge.storage import codec, decrypted
from orderbridge.storage import tables as t
from orderbridge.storage.codec_options import busy_from_columns, facts_from_json, options_from_json
from orderbridge.storage.order_rows import AnyRow

LOCATIONS = cast(Table, t.Location.__table__)
CONNECTIONS = cast(Table, t.Connection.__table__)
LINKS = cast(Table, t.LocationLink.__table__)
MENUS = cast(Table, t.MenuSnapshot.__table__)
ENDPOINTS = cast(Table, t.WebhookEndpoint.__table__)
_loc, _con, _link, _menu, _end = LOCATIONS.c, CONNECTIONS.c, LINKS.c, MENUS.c, ENDPOINTS.c

_LOCATION = select(
    _loc.id,
    _loc.tenant_id,
    _loc.name,
    _loc.timezone,
    _loc.currency,
    _loc.schedule,
    _loc.paused,
    _loc.paused_until,
    _loc.pause_reason,
    _loc.price_policy,
    _loc.busy_minutes,
    _loc.busy_until,
    _loc.busy_source,
    _loc.options,
    _loc.pos_facts,
)
LOCATION_BY_ID = _LOCATION.where(_loc.id == bindparam("location_id"))
LOCATIONS_OF_TENANT = _LOCATION.where(_loc.tenant_id == bindparam("tenant_id")).order_by(_loc.name)

MENU_VERSION = select(_menu.version).where(_menu.location_id == bindparam("location_id"))
MENU_DOCUMENT = select(_menu.version, _menu.document).where(
    _menu.location_id == bindparam("location_id")
)

_CONNECTION_COLUMNS = (
    _con.id,
    _con.tenant_id,
    _con.kind,
    _con.role,
    _con.name,
    _con.settings,
    _con.credentials,
    _con.external_account,
    _con.status,
    _con.status_reason,
)
_POS_OF_LOCATION = (
    LINKS.join(CONNECTIONS, CONNECTIONS.c.id == _link.connection_id),
    (_link.location_id == bindparam("location_id")) & (_con.role == "pos"),
)
POS_BINDING = (
    select(
        *_CONNECTION_COLUMNS,
        _link.location_id,
        _link.external_id,
        _loc.currency,
        _loc.timezone,
        _loc.options.label("location_options"),
    )
    .select_from(_POS_OF_LOCATION[0].join(LOCATIONS, _loc.id == _link.location_id))
    .where(_POS_OF_LOCATION[1])
    .limit(1)
)
POS_CONNECTION_ID = (
    select(_con.id).select_from(_POS_OF_LOCATION[0]).where(_POS_OF_LOCATION[1]).limit(1)
)

# A location with its menu's version and its POS connection's id, in one statement: a
# lone order's batch reads all three (``web/batch_reads.py``), and each read has a fixed
# cost that outweighs its row.
LOCATION_CONTEXT = LOCATION_BY_ID.add_columns(
    select(_menu.version)
    .where(_menu.location_id == _loc.id)
    .scalar_subquery()
    .label("menu_version"),
    POS_CONNECTION_ID.scalar_subquery().label("pos_connection_id"),
)

ENDPOINT_EVENTS = select(_end.id, _end.events).where(
    _end.tenant_id == bindparam("tenant_id"), _end.active == true()
)


def location_record(row: Any) -> LocationRecord:
    """The record of a ``locations`` row (a Core row or a ``tables.Location``)."""
    pause = Pause(reason=row.pause_reason, until=row.paused_until) if row.paused else None
    location = Location(
        id=row.id,
        name=row.name,
        timezone=row.timezone,
        currency=row.currency,
        schedule=codec.schedule_from_json(row.schedule),
        pause=pause,
        busy=busy_from_columns(row.busy_minutes, row.busy_until, row.busy_source),
    )
    return LocationRecord(
        location=location,
        tenant_id=row.tenant_id,
        price_policy=row.price_policy,
        options=options_from_json(row.options),
        facts=facts_from_json(row.pos_facts),
    )


def connection_record(row: Any, cipher: CredentialCipher) -> ConnectionRecord:
    """The record of a ``connections`` row (Core or ORM), credentials decrypted."""
    return ConnectionRecord(
        id=row.id,
        tenant_id=row.tenant_id,
        kind=row.kind,
        role=row.role,
        name=row.name,
        settings=dict(row.settings),
        credentials=decrypted.decrypt(cipher, row.id, row.credentials),
        external_account=row.external_account,
        status=row.status,
        status_reason=row.status_reason,
    )


def pos_binding(row: AnyRow, cipher: CredentialCipher) -> tuple[ConnectionRecord, LocationBinding]:
    """The connection and binding of a ``POS_BINDING`` row."""
    binding = LocationBinding(
        location_id=row.location_id,
        external_id=row.external_id,
        currency=row.currency,
        timezone=row.timezone,
        options=options_from_json(row.location_options),
    )
    return connection_record(row, cipher), binding


def endpoint_events(document: dict[str, Any]) -> tuple[str, ...]:
    """The events an endpoint asked for (``"*"``: all of them)."""
    return tuple(str(e) for e in document.get("events", []))


def endpoint_record(
    row: t.WebhookEndpoint, cipher: CredentialCipher, now: datetime
) -> EndpointRecord:
    """The endpoint with its secrets still live at ``now``."""
    return EndpointRecord(
        id=row.id,
        tenant_id=row.tenant_id,
        url=row.url,
        events=endpoint_events(row.events),
        secrets=live_secrets(cipher, row.id, row.secrets, now),
    )


def live_secrets(
    cipher: CredentialCipher, owner_id: str, token: str, now: datetime
) -> tuple[str, ...]:
    """The signing secrets of an encrypted ``{"secrets": [...]}`` not expired at ``now``."""
    secrets: list[str] = []
    for entry in decrypted.decrypt(cipher, owner_id, token).get("secrets", []):
        expires = entry.get("expires_at")
        if expires is None or datetime.fromisoformat(str(expires)) > now:
            secrets.append(str(entry["secret"]))
    return tuple(secrets)
