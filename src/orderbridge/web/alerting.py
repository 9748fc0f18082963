"""What the admin API (``routes/alerts.py``) and the dashboard's Alerts page
(``dashboard/alerts.py``) both do with alert destinations, written once: add one, and
queue a test alert to one. Each caller checks the URL against the SSRF guard first and
turns the outcome into its own answer (JSON, or a page)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from orderbridge.messaging import outbox
from orderbridge.security import CredentialCipher
from orderbridge.services.alerts import DELIVER_ALERT, test_message
from orderbridge.services.ids import new_id
from orderbridge.storage import alert_destinations as store
from orderbridge.web.schemas.alerts import AlertDestinationIn


def add_destination(
    session: Session,
    cipher: CredentialCipher,
    tenant_id: str,
    body: AlertDestinationIn,
    *,
    now: datetime,
) -> store.IssuedDestination:
    """Store the destination ``body`` describes (its URL checked already); the caller
    commits and shows the secret, once."""
    return store.create_destination(
        session,
        cipher,
        tenant_id,
        url=body.url,
        events=[e.value for e in body.events],
        description=body.description,
        now=now,
    )


def queue_test_alert(
    session: Session, tenant_id: str, destination_id: str, *, now: datetime
) -> int | None:
    """Queue an ``alert.test`` message to the tenant's destination; its job id, or None
    when the tenant has no such destination. The caller commits."""
    if not any(d.id == destination_id for d in store.destinations(session, tenant_id)):
        return None
    payload = {
        "destination_id": destination_id,
        "message_id": new_id("msg"),
        "message": test_message(at=now),
    }
    return outbox.enqueue(session, DELIVER_ALERT, payload, key=f"{destination_id}:test", now=now)
