"""Alert destinations in storage: register, list, remove, and read one for delivery;
and each location's wait before an unaccepted order counts as stuck.

A destination is kept like a storefront webhook endpoint (a URL, the events it wants,
Standard Webhooks secrets encrypted at rest); deleting one deactivates it, so its
deliveries already queued find it gone and stop.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.ports import EndpointRecord
from orderbridge.security import CredentialCipher
from orderbridge.services.ids import new_id
from orderbridge.storage.admin import new_webhook_secret
from orderbridge.storage.alert_tables import AlertDestination
from orderbridge.storage.config_rows import endpoint_events, live_secrets
from orderbridge.storage.tables import Location


@dataclass(frozen=True)
class IssuedDestination:
    """A new destination and its signing secret (shown once)."""

    row: AlertDestination
    secret: str


def create_destination(
    session: Session,
    cipher: CredentialCipher,
    tenant_id: str,
    *,
    url: str,
    events: Sequence[str],
    description: str,
    now: datetime,
) -> IssuedDestination:
    """Store a destination with a fresh ``whsec_`` secret (the caller commits); an
    event listed twice is kept once."""
    secret = new_webhook_secret()
    row = AlertDestination(
        id=new_id("alr"),
        tenant_id=tenant_id,
        url=url,
        events={"events": list(dict.fromkeys(events))},
        description=description,
        secrets=cipher.encrypt({"secrets": [{"secret": secret, "expires_at": None}]}),
        active=True,
        created_at=now,
    )
    session.add(row)
    session.flush()
    return IssuedDestination(row, secret)


def destinations(session: Session, tenant_id: str) -> Sequence[AlertDestination]:
    """The tenant's active destinations, oldest first."""
    return session.scalars(
        select(AlertDestination)
        .where(AlertDestination.tenant_id == tenant_id, AlertDestination.active.is_(True))
        .order_by(AlertDestination.created_at, AlertDestination.id)
    ).all()


def delete_destination(session: Session, tenant_id: str, destination_id: str) -> bool:
    """Deactivate the tenant's destination; False if there is none (or another's)."""
    row = session.get(AlertDestination, destination_id)
    if row is None or row.tenant_id != tenant_id or not row.active:
        return False
    row.active = False
    return True


def destination_record(
    session: Session, cipher: CredentialCipher, destination_id: str, now: datetime
) -> EndpointRecord | None:
    """The active destination as the storefront delivery code takes it (URL, secrets)."""
    row = session.get(AlertDestination, destination_id)
    if row is None or not row.active:
        return None
    return EndpointRecord(
        id=row.id,
        tenant_id=row.tenant_id,
        url=row.url,
        events=endpoint_events(row.events),
        secrets=live_secrets(cipher, row.id, row.secrets, now),
    )


# When an order counts as stuck, per location (the ``order.stuck`` watch reads it).
MAX_STUCK_AFTER_MINUTES = 24 * 60


@dataclass(frozen=True)
class StuckWait:
    """A location of the tenant and how long its orders may wait for the POS."""

    location_id: str
    name: str
    minutes: int


def stuck_waits(session: Session, tenant_id: str) -> Sequence[StuckWait]:
    """Each of the tenant's locations with its ``stuck_after_minutes`` (0: never)."""
    loc = Location
    rows = session.execute(
        select(loc.id, loc.name, loc.stuck_after_minutes)
        .where(loc.tenant_id == tenant_id)
        .order_by(loc.name, loc.id)
    )
    return [StuckWait(row.id, row.name, row.stuck_after_minutes) for row in rows]


def set_stuck_after(
    session: Session, tenant_id: str, location_id: str, minutes: int, *, now: datetime
) -> bool:
    """Set how many minutes the location's orders may wait for the POS before they
    raise ``order.stuck`` (0 turns it off); False if the tenant has no such location.
    The caller checks ``0 <= minutes <= MAX_STUCK_AFTER_MINUTES`` and commits."""
    row = session.get(Location, location_id)
    if row is None or row.tenant_id != tenant_id:
        return False
    row.stuck_after_minutes = minutes
    row.updated_at = now
    return True
