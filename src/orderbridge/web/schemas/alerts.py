"""Alert destinations and incidents as the admin API reads and writes them.

A destination is a URL that hears about the tenant's incidents (``order.failed``,
``order.stuck`` …), signed the Standard Webhooks way with a secret shown once, in the
answer to the ``POST`` that creates it. Its body has a top-level ``text``, so a Slack
incoming-webhook URL works as a destination as it is.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AwareDatetime, Field, StringConstraints

from orderbridge.web.schemas.common import Name, OutModel
from orderbridge.web.schemas.webhooks import MAX_URL_LENGTH, SubscriptionIn


class AlertEvent(StrEnum):
    """An incident kind a destination can ask for; ``*`` asks for every kind, present
    and future (``services.alerts.KINDS`` lists them)."""

    ORDER_STUCK = "order.stuck"
    ORDER_FAILED = "order.failed"
    RESERVATION_FAILED = "reservation.failed"
    JOB_DEAD = "job.dead"
    CONNECTION_NEEDS_REAUTH = "connection.needs_reauth"
    CONNECTION_BREAKER_OPEN = "connection.breaker_open"
    MENU_PUBLISH_FAILED = "menu.publish_failed"
    ORDER_CANCEL_NEEDS_CASHIER = "order.cancel_needs_cashier"
    RESERVATION_CANCEL_NEEDS_CASHIER = "reservation.cancel_needs_cashier"
    MAPPING_BROKEN = "mapping.broken"
    ALL = "*"


class AlertDestinationIn(SubscriptionIn):
    """``POST /api/v1/admin/alerts``: send ``events`` (default: all) to ``url``."""

    url: Annotated[str, StringConstraints(min_length=1, max_length=MAX_URL_LENGTH)] = Field(
        examples=["https://hooks.slack.com/services/T000/B000/XXXX"]
    )
    events: Annotated[list[AlertEvent], Field(min_length=1, max_length=len(AlertEvent))] = Field(
        default_factory=lambda: [AlertEvent.ALL]
    )
    description: Name = ""


class AlertDestinationOut(OutModel):
    """A destination as listed: never with its secret."""

    id: str
    url: str
    events: list[AlertEvent]
    description: str
    created_at: AwareDatetime


class AlertDestinationCreatedOut(AlertDestinationOut):
    """The answer to creating a destination: the only time ``secret`` is shown."""

    secret: str = Field(description="the signing secret (whsec_…); store it now")


class IncidentOut(OutModel):
    """Something that needs a person: open until it clears."""

    id: str
    kind: str
    subject_id: str
    status: str = Field(examples=["open", "cleared"])
    detail: str
    data: dict[str, str] = Field(description="ids that help find the subject (no personal data)")
    opened_at: AwareDatetime
    cleared_at: AwareDatetime | None


class IncidentsOut(OutModel):
    incidents: list[IncidentOut]
