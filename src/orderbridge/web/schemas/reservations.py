"""The bodies of the storefront's table reservations, shaped like orders.

A reservation names its location and the channel's own id (the idempotency key,
as for orders), a moment with its UTC offset, how long the table is held and for
how many guests. ``table_id`` is optional: most restaurants assign tables
themselves and only a floor-plan-aware channel sends one.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import AwareDatetime, Field

from orderbridge.domain.reservations import (
    MAX_DURATION,
    MAX_GUESTS,
    MIN_GUESTS,
    ReservationStatus,
)
from orderbridge.web.schemas.common import (
    CustomerIn,
    CustomerOut,
    Id,
    InModel,
    Moment,
    Note,
    OutModel,
    TimelineEntryOut,
)

DEFAULT_DURATION_MINUTES = 120
"""Two hours: what most restaurants hold a table for when the guest does not say."""
MAX_DURATION_MINUTES = int(MAX_DURATION.total_seconds()) // 60


class ReservationIn(InModel):
    """``POST /api/v1/reservations``: a table request from a website, app or chatbot."""

    location_id: Id
    channel_reservation_id: Id
    time: Moment
    duration_minutes: Annotated[int, Field(strict=True, ge=1, le=MAX_DURATION_MINUTES)] = (
        DEFAULT_DURATION_MINUTES
    )
    guests: Annotated[int, Field(strict=True, ge=MIN_GUESTS, le=MAX_GUESTS)]
    table_id: Id | None = None
    customer: CustomerIn
    note: Note = ""


class ReservationOut(OutModel):
    """``GET /api/v1/reservations/{id}``: a reservation and its history."""

    id: str
    status: ReservationStatus
    location_id: str
    channel: str
    channel_reservation_id: str
    time: AwareDatetime
    duration_minutes: int
    guests: int
    table_id: str | None
    customer: CustomerOut
    note: str
    created_at: AwareDatetime
    updated_at: AwareDatetime
    timeline: list[TimelineEntryOut]
