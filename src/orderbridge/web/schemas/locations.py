"""Locations as storefronts see them, and the command that pauses or resumes one.

``status`` is computed for the moment of the request: ``open``, ``paused`` (the
restaurant stopped taking orders, until ``paused_until`` or a manual resume) or
``closed`` (outside opening hours; ``opens_at`` says when that ends).
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field, model_validator
from pydantic_core import PydanticCustomError

from orderbridge.domain.locations import LocationState
from orderbridge.web.schemas.common import InModel, Moment, Name, OutModel
from orderbridge.web.schemas.location_ops import BusyOut, HoursIO


class LocationOut(OutModel):
    """One restaurant in ``GET /api/v1/locations``."""

    id: str
    name: str
    status: LocationState
    paused_until: AwareDatetime | None
    timezone: str = Field(examples=["Europe/Kyiv"])
    currency: str
    opens_at: AwareDatetime | None = Field(
        default=None, description="when a closed location opens next, if within two weeks"
    )
    hours: HoursIO | None = Field(
        default=None, description="the weekly opening hours and exceptions; null: always open"
    )
    next_open_at: AwareDatetime | None = Field(
        default=None, description="when the opening hours next begin (null: no hours)"
    )
    next_close_at: AwareDatetime | None = Field(
        default=None, description="when the opening hours next end (null: no hours)"
    )
    busy: BusyOut | None = Field(
        default=None, description="busy mode: promised times are extra_minutes later"
    )
    prep_minutes: int | None = Field(
        default=None, description="how long an order takes now, busy minutes included"
    )


class LocationsOut(OutModel):
    """``GET /api/v1/locations``."""

    locations: list[LocationOut]


class LocationStatusIn(InModel):
    """Pause a location (optionally until a moment, with a reason) or resume it.

    ``{"action": "pause", "until": "2026-11-22T19:00:00+02:00", "reason": "kitchen full"}``
    or ``{"action": "resume"}``. A pause without ``until`` lasts until a resume.
    """

    action: Literal["pause", "resume"]
    until: Moment | None = None
    reason: Name = ""

    @model_validator(mode="after")
    def _resume_takes_nothing(self) -> LocationStatusIn:
        if self.action == "resume" and (self.until is not None or self.reason):
            raise PydanticCustomError("invalid_value", "a resume takes no until and no reason")
        return self
