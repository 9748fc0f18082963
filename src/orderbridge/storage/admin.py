"""Setting up tenants: API keys, locations, connections, links, webhook endpoints.

Plain create/read/update on the hub's configuration, used by the admin API, the CLI
and the demo's seeding. Secrets are encrypted (credentials, endpoint secrets) or hashed
(API keys) before they reach a table; the plain value is returned once, to the caller.
"""

from __future__ import annotations

import secrets as pysecrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from orderbridge.security import CredentialCipher, api_key_hint, hash_api_key, new_api_key
from orderbridge.services.errors import Conflict, Invalid, NotFound
from orderbridge.storage import tables as t
from orderbridge.storage.api_keys import Caller as Caller  # re-exported: routes import it here
from orderbridge.storage.api_keys import find_caller
from orderbridge.storage.types import utcnow


def _id(prefix: str) -> str:
    return f"{prefix}_{pysecrets.token_hex(8)}"


@dataclass(frozen=True)
class IssuedKey:
    """A new API key: ``key`` is shown once and never stored."""

    id: str
    key: str
    hint: str
    scope: str = "storefront"
    tenant_id: str = ""


SCOPES = ("admin", "storefront")


def create_tenant(session: Session, name: str, *, tenant_id: str | None = None) -> str:
    """A new tenant (no keys yet: ``issue_api_key`` gives it its first)."""
    if not name.strip():
        raise Invalid("invalid_name", "a tenant needs a name", field="name")
    if len(name) > 200:
        raise Invalid("invalid_name", "a tenant's name has at most 200 characters", field="name")
    if tenant_id is not None and session.get(t.Tenant, tenant_id) is not None:
        raise Conflict("duplicate_tenant", f"tenant {tenant_id} exists already", field="id")
    tenant = t.Tenant(id=tenant_id or _id("ten"), name=name.strip(), created_at=utcnow())
    session.add(tenant)
    session.flush()
    return tenant.id


def tenants(session: Session) -> Sequence[t.Tenant]:
    """Every tenant, oldest first."""
    return session.scalars(select(t.Tenant).order_by(t.Tenant.created_at, t.Tenant.id)).all()


def tenant_summaries(session: Session) -> list[dict[str, Any]]:
    """Every tenant with how many locations and live keys it has (``tenants list``)."""
    locations = {
        tenant_id: count
        for tenant_id, count in session.execute(
            select(t.Location.tenant_id, func.count()).group_by(t.Location.tenant_id)
        )
    }
    keys = {
        tenant_id: count
        for tenant_id, count in session.execute(
            select(t.ApiKey.tenant_id, func.count())
            .where(t.ApiKey.revoked_at.is_(None))
            .group_by(t.ApiKey.tenant_id)
        )
    }
    return [
        {
            "id": row.id,
            "name": row.name,
            "created_at": row.created_at.isoformat(timespec="seconds"),
            "locations": int(locations.get(row.id, 0)),
            "active_keys": int(keys.get(row.id, 0)),
        }
        for row in tenants(session)
    ]


def get_tenant(session: Session, tenant_id: str) -> t.Tenant:
    """The tenant, or ``NotFound`` (``unknown_tenant``)."""
    row = session.get(t.Tenant, tenant_id)
    if row is None:
        raise NotFound("unknown_tenant", f"no tenant {tenant_id}", field="tenant")
    return row


def issue_api_key(
    session: Session,
    tenant_id: str,
    *,
    name: str = "default",
    scope: str = "storefront",
    key: str | None = None,
    inherit: str | None = None,
) -> IssuedKey:
    """Create an API key for the tenant; pass ``key`` to register a chosen one (the demo).

    ``inherit`` names a storefront key of the same tenant whose orders and reservations
    the new (storefront) key may read and cancel too: how a website rotates its key.
    """
    if scope not in SCOPES:
        raise Invalid("invalid_scope", "scope is admin or storefront", field="scope")
    if not name.strip() or len(name) > 200:
        raise Invalid("invalid_name", "a key's name has 1 to 200 characters", field="name")
    get_tenant(session, tenant_id)
    new_id = _id("key")
    owner = new_id
    if inherit is not None:
        parent = session.get(t.ApiKey, inherit)
        if parent is None or parent.tenant_id != tenant_id:
            raise NotFound("unknown_key", f"no API key {inherit}", field="inherit")
        if scope != "storefront" or parent.scope != "storefront":
            raise Invalid(
                "invalid_inherit", "only a storefront key inherits from one", field="inherit"
            )
        owner = parent.owner_id or parent.id
    plain = key or new_api_key()
    row = t.ApiKey(
        id=new_id,
        tenant_id=tenant_id,
        name=name.strip(),
        key_hash=hash_api_key(plain),
        hint=api_key_hint(plain),
        scope=scope,
        created_at=utcnow(),
        revoked_at=None,
        owner_id=owner,
    )
    session.add(row)
    session.flush()
    return IssuedKey(id=row.id, key=plain, hint=row.hint, scope=scope, tenant_id=tenant_id)


def api_keys(session: Session, tenant_id: str) -> Sequence[t.ApiKey]:
    """The tenant's keys, revoked ones included (they show when they were revoked)."""
    return session.scalars(
        select(t.ApiKey)
        .where(t.ApiKey.tenant_id == tenant_id)
        .order_by(t.ApiKey.created_at, t.ApiKey.id)
    ).all()


def authenticate(session: Session, key: str) -> Caller | None:
    """The tenant of a presented key, or None (unknown or revoked).

    Reads the table every time; the HTTP layer goes through ``api_keys.ApiKeyCache``.
    """
    return find_caller(session, hash_api_key(key))


def revoke_api_key(session: Session, key_id: str, *, tenant_id: str | None = None) -> t.ApiKey:
    """Revoke a key (of ``tenant_id`` when given). Once committed, this process refuses it
    at once (when committed through the session factory the app watches); other
    processes within ``api_keys.DEFAULT_TTL_SECONDS``.

    Raises ``NotFound`` (``unknown_key``) and ``Conflict`` (``already_revoked``)."""
    row = session.get(t.ApiKey, key_id)
    if row is None or (tenant_id is not None and row.tenant_id != tenant_id):
        raise NotFound("unknown_key", f"no API key {key_id}", field="id")
    if row.revoked_at is not None:
        raise Conflict("already_revoked", f"API key {key_id} is revoked already", field="id")
    row.revoked_at = utcnow()
    session.flush()
    return row


def create_location(
    session: Session,
    tenant_id: str,
    *,
    name: str,
    timezone: str,
    currency: str,
    location_id: str | None = None,
    price_policy: str = "menu",
) -> str:
    now = utcnow()
    row = t.Location(
        id=location_id or _id("loc"),
        tenant_id=tenant_id,
        name=name,
        timezone=timezone,
        currency=currency,
        schedule=None,
        paused=False,
        paused_until=None,
        pause_reason="",
        price_policy=price_policy,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def create_connection(
    session: Session,
    cipher: CredentialCipher,
    tenant_id: str,
    *,
    kind: str,
    role: str,
    name: str,
    credentials: dict[str, Any],
    settings: dict[str, Any],
    external_account: str | None = None,
    connection_id: str | None = None,
) -> str:
    now = utcnow()
    row = t.Connection(
        id=connection_id or _id("con"),
        tenant_id=tenant_id,
        kind=kind,
        role=role,
        name=name,
        credentials=cipher.encrypt(credentials),
        settings=settings,
        external_account=external_account,
        status="active",
        status_reason="",
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    return row.id


def update_connection_credentials(
    session: Session, cipher: CredentialCipher, connection_id: str, credentials: dict[str, Any]
) -> None:
    """New credentials (a new token after re-authorisation) make the connection active."""
    row = session.get(t.Connection, connection_id)
    if row is None:
        raise KeyError(connection_id)
    row.credentials = cipher.encrypt(credentials)
    row.status = "active"
    row.status_reason = ""
    row.updated_at = utcnow()


def link_location(session: Session, location_id: str, connection_id: str, external_id: str) -> None:
    session.merge(
        t.LocationLink(
            location_id=location_id, connection_id=connection_id, external_id=external_id
        )
    )
    session.flush()


def connections(session: Session, tenant_id: str | None = None) -> Sequence[t.Connection]:
    query = select(t.Connection).order_by(t.Connection.created_at)
    if tenant_id is not None:
        query = query.where(t.Connection.tenant_id == tenant_id)
    return session.scalars(query).all()


@dataclass(frozen=True)
class IssuedEndpoint:
    id: str
    secret: str


def new_webhook_secret() -> str:
    """A Standard Webhooks secret: ``whsec_`` + base64 of 32 random bytes."""
    import base64

    return "whsec_" + base64.b64encode(pysecrets.token_bytes(32)).decode("ascii")


def create_endpoint(
    session: Session,
    cipher: CredentialCipher,
    tenant_id: str,
    *,
    url: str,
    events: Sequence[str],
    description: str = "",
) -> IssuedEndpoint:
    secret = new_webhook_secret()
    row = t.WebhookEndpoint(
        id=_id("ep"),
        tenant_id=tenant_id,
        url=url,
        events={"events": list(events)},
        description=description,
        secrets=cipher.encrypt({"secrets": [{"secret": secret, "expires_at": None}]}),
        active=True,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return IssuedEndpoint(id=row.id, secret=secret)


def rotate_endpoint_secret(
    session: Session,
    cipher: CredentialCipher,
    endpoint_id: str,
    *,
    overlap: timedelta,
    now: datetime | None = None,
) -> str:
    """A new signing secret; the old ones keep signing until ``overlap`` has passed."""
    row = session.get(t.WebhookEndpoint, endpoint_id)
    if row is None:
        raise KeyError(endpoint_id)
    moment = now or utcnow()
    current = cipher.decrypt(row.secrets).get("secrets", [])
    kept = []
    for entry in current:
        expires = entry.get("expires_at")
        if expires is None:
            entry = {**entry, "expires_at": (moment + overlap).isoformat()}
        elif datetime.fromisoformat(str(expires)) <= moment:
            continue
        kept.append(entry)
    secret = new_webhook_secret()
    row.secrets = cipher.encrypt({"secrets": [{"secret": secret, "expires_at": None}, *kept]})
    return secret


def endpoints(session: Session, tenant_id: str) -> Sequence[t.WebhookEndpoint]:
    return session.scalars(
        select(t.WebhookEndpoint)
        .where(t.WebhookEndpoint.tenant_id == tenant_id, t.WebhookEndpoint.active.is_(True))
        .order_by(t.WebhookEndpoint.created_at)
    ).all()


def delete_endpoint(session: Session, tenant_id: str, endpoint_id: str) -> bool:
    row = session.get(t.WebhookEndpoint, endpoint_id)
    if row is None or row.tenant_id != tenant_id or not row.active:
        return False
    row.active = False
    return True
