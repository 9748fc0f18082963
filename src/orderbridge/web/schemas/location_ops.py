"""The admin API's location operations: opening hours, busy mode, snoozes, ordering
options; and the hours and busy mode storefronts see in ``GET /api/v1/locations``.

Hours are local wall-clock times of the location (``"09:00"``); an interval whose
``closes`` is not after its ``opens`` runs past midnight (``"18:00"``–``"02:00"``).
A weekday left out (or with no intervals) is a day off; ``exceptions`` replace the
hours of one date (no intervals: closed that day).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import AwareDatetime, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from orderbridge.domain.availability import SnoozeTarget
from orderbridge.domain.order_money import ChargeKind
from orderbridge.web.schemas.common import Id, InModel, Moment, Name, OutModel

ClockTime = Annotated[
    str,
    StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$"),
    Field(examples=["09:00"]),
]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date_as_text(value: Any) -> Any:
    # Pydantic would read a number (or "0") as Unix time: ``"date": 0`` was 1970-01-01.
    if isinstance(value, date) or (isinstance(value, str) and _ISO_DATE.fullmatch(value)):
        return value
    raise PydanticCustomError("date_type", "Input should be an ISO 8601 date (YYYY-MM-DD)")


CalendarDate = Annotated[date, BeforeValidator(_date_as_text), Field(examples=["2026-12-31"])]
"""A date as ISO 8601 text (``"2026-12-31"``); a number is refused."""

MAX_INTERVALS = 6
MAX_EXCEPTIONS = 366
MAX_SNOOZE_TARGETS = 200


class IntervalIO(InModel):
    """Opening hours within one day, local time: ``{"opens": "09:00", "closes": "18:00"}``."""

    opens: ClockTime
    closes: ClockTime


Intervals = Annotated[list[IntervalIO], Field(max_length=MAX_INTERVALS)]


class WeeklyIO(InModel):
    """Each weekday's intervals; a day left out or empty is a day off."""

    monday: Intervals = Field(default_factory=list)
    tuesday: Intervals = Field(default_factory=list)
    wednesday: Intervals = Field(default_factory=list)
    thursday: Intervals = Field(default_factory=list)
    friday: Intervals = Field(default_factory=list)
    saturday: Intervals = Field(default_factory=list)
    sunday: Intervals = Field(default_factory=list)


class ExceptionIO(InModel):
    """Other hours on one date: a holiday (no intervals) or a short day."""

    date: CalendarDate
    intervals: Intervals = Field(default_factory=list)
    reason: Name = ""


class HoursIO(InModel):
    """``PUT /api/v1/admin/locations/{id}/hours`` and what ``GET`` answers."""

    weekly: WeeklyIO
    exceptions: Annotated[list[ExceptionIO], Field(max_length=MAX_EXCEPTIONS)] = Field(
        default_factory=list
    )


class BusyIn(InModel):
    """``POST /api/v1/admin/locations/{id}/busy``: promised times ``extra_minutes`` later
    until ``until`` (null: until ``DELETE``)."""

    extra_minutes: Annotated[int, Field(strict=True, ge=1, le=240)]
    until: Moment | None = None


class BusyOut(OutModel):
    """Busy mode as storefronts see it; ``source`` is ``manual`` or ``auto``."""

    extra_minutes: int
    until: AwareDatetime | None
    source: str


class SnoozesIn(InModel):
    """``POST /api/v1/admin/locations/{id}/snoozes``: these menu ids off until ``until``."""

    item_ids: Annotated[list[Id], Field(max_length=MAX_SNOOZE_TARGETS)] = Field(
        default_factory=list
    )
    variant_ids: Annotated[list[Id], Field(max_length=MAX_SNOOZE_TARGETS)] = Field(
        default_factory=list
    )
    modifier_ids: Annotated[list[Id], Field(max_length=MAX_SNOOZE_TARGETS)] = Field(
        default_factory=list
    )
    until: Moment
    reason: Name = ""


class SnoozeOut(OutModel):
    """One snooze: what it switches off, until when, and how long that still is."""

    id: str
    target: SnoozeTarget
    target_id: str
    name: str
    until: AwareDatetime
    remaining_seconds: int
    reason: str


class SnoozesOut(OutModel):
    snoozes: list[SnoozeOut]


class OrderingIO(InModel):
    """``GET``/``PATCH /api/v1/admin/locations/{id}/ordering``: how the location takes
    orders. In a ``PATCH`` every field is optional; what is left out stays."""

    lead_time_minutes: Annotated[int, Field(strict=True, ge=0, le=1440)] | None = None
    prep_time_minutes: Annotated[int, Field(strict=True, ge=0, le=1440)] | None = None
    auto_busy_threshold: Annotated[int, Field(strict=True, ge=0, le=1000)] | None = None
    auto_busy_minutes: Annotated[int, Field(strict=True, ge=1, le=240)] | None = None
    charge_products: (
        dict[ChargeKind, Annotated[str, StringConstraints(pattern=r"^\d{1,18}$")]] | None
    ) = None
    promotions: (
        dict[
            Annotated[str, StringConstraints(min_length=1, max_length=64)],
            Annotated[str, StringConstraints(pattern=r"^\d{1,18}$")],
        ]
        | None
    ) = None
