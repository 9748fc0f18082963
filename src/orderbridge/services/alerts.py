"""What an alert says, and the outbox jobs that carry it to a tenant's destinations.

An alert is a Standard Webhooks message (signed like storefront webhooks) whose body
also has a top-level ``text``, so a Slack (or Mattermost, Rocket.Chat, Teams workflow)
incoming-webhook URL works as a destination as it is: Slack shows ``text`` and ignores
the other fields. Everything in it is ids, statuses and the failure's reason, already
redacted: never a customer's phone, e-mail or name, never a token.

Each incident sends one alert when it opens and one when it clears. Both go out as
``alert.deliver`` jobs keyed by destination and incident, so for one destination the
"cleared" never overtakes the "opened", and a destination that is down gets them
later, retried on the usual schedule with every attempt recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from orderbridge.ports import Incident, IncidentStore, Job
from orderbridge.services.ids import new_id

DELIVER_ALERT = "alert.deliver"

# The incident kinds a destination can ask for (``"*"`` asks for all, present and future).
KINDS: tuple[str, ...] = (
    "order.stuck",
    "order.failed",
    "reservation.failed",
    "job.dead",
    "connection.needs_reauth",
    "connection.breaker_open",
    "menu.publish_failed",
    "order.cancel_needs_cashier",
    "reservation.cancel_needs_cashier",
    "mapping.broken",
)
ALL = "*"

_TITLES: Mapping[str, str] = {
    "order.stuck": "Order {channel_order_id} is not accepted by the POS yet",
    "order.failed": "Order {channel_order_id} failed",
    "reservation.failed": "Reservation {channel_reservation_id} failed",
    "job.dead": "A {job_kind} job is a dead letter",
    "connection.needs_reauth": "Connection {connection_id} needs re-authorising",
    "connection.breaker_open": "Calls to connection {connection_id} are paused (circuit open)",
    "menu.publish_failed": "The menu of location {location_id} could not be published",
    "order.cancel_needs_cashier": "Order {channel_order_id} was canceled: tell the cashier",
    "reservation.cancel_needs_cashier": (
        "Reservation {channel_reservation_id} was canceled: tell the cashier"
    ),
    "mapping.broken": "A menu mapping is broken",
}


class _Ids(dict[str, str]):
    """``format_map`` values: a missing id reads as the incident's subject."""

    def __init__(self, data: Mapping[str, str], subject: str) -> None:
        super().__init__(data)
        self.subject = subject

    def __missing__(self, key: str) -> str:
        return self.subject


def title(incident: Incident) -> str:
    """One line naming what happened (``Order web-1001 failed``)."""
    template = _TITLES.get(incident.kind, incident.kind + " about {subject_id}")
    return template.format_map(
        _Ids({**incident.data, "subject_id": incident.subject_id}, incident.subject_id)
    )


def text(incident: Incident) -> str:
    """The human line of the alert, as a chat shows it."""
    if incident.status == "open":
        line = f"[orderbridge] \N{LARGE RED CIRCLE} {title(incident)}"
        return f"{line}: {incident.detail}" if incident.detail else line
    return f"[orderbridge] \N{WHITE HEAVY CHECK MARK} Resolved: {title(incident)}"


def message(incident: Incident, *, at: datetime) -> dict[str, Any]:
    """The alert's body: ``type`` is the incident kind, ``data.state`` open or cleared."""
    return {
        "type": incident.kind,
        "timestamp": at.isoformat(),
        "text": text(incident),
        "data": {
            **incident.data,
            "incident_id": incident.id,
            "state": incident.status,
            "kind": incident.kind,
            "subject_id": incident.subject_id,
            "detail": incident.detail,
            "opened_at": incident.opened_at.isoformat(),
            "cleared_at": incident.cleared_at.isoformat() if incident.cleared_at else None,
        },
    }


def test_message(*, at: datetime) -> dict[str, Any]:
    """A test alert (``POST /api/v1/admin/alerts/{id}/test``): proves the way works."""
    return {
        "type": "alert.test",
        "timestamp": at.isoformat(),
        "text": "[orderbridge] Test alert: this destination receives orderbridge's alerts.",
        "data": {"state": "test"},
    }


def alert_jobs(store: IncidentStore, incident: Incident, *, at: datetime) -> list[Job]:
    """One delivery job per destination of the incident's tenant that wants its kind."""
    body = message(incident, at=at)
    return [
        Job(
            DELIVER_ALERT,
            {"destination_id": destination, "message_id": new_id("msg"), "message": body},
            key=f"{destination}:{incident.id}",
        )
        for destination in store.alert_destination_ids_for(incident.tenant_id, incident.kind)
    ]


def wants(events: tuple[str, ...], kind: str) -> bool:
    """Whether a destination subscribed to ``events`` hears of ``kind``."""
    return kind in events or ALL in events
