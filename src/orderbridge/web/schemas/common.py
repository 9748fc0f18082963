"""Building blocks every storefront schema shares: base classes, bounded types, customers.

Inputs derive from :class:`InModel`, which refuses unknown fields (``"quantiy": 2``
is an error, not a line of one) and trims whitespace off every string. Outputs derive
from :class:`OutModel`. The bounded types below are where the API's limits live, so
a limit changes in one place and shows up in the OpenAPI document by itself:

- money is an ``int`` of minor units, ``0..MAX_AMOUNT``, never a float or a string;
- quantities are ``1..99``, as the domain's validation expects;
- ids are at most 100 characters, names 200, notes 1000.

Money and quantity fields are strict: ``"2"`` or ``2.0`` is refused rather than
guessed at, because a client that sends strings for numbers has a bug worth seeing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from orderbridge.web.contacts import (
    MAX_EMAIL_LENGTH,
    MAX_PHONE_LENGTH,
    check_phone_shape,
    looks_international,
    normalize_email,
    normalize_phone,
)

MAX_ID_LENGTH = 100
MAX_NAME_LENGTH = 200
MAX_NOTE_LENGTH = 1000
MAX_AMOUNT = 1_000_000_000
"""Ten million in major units: above any real order, below any integer overflow."""
MAX_QUANTITY = 99
MAX_ROW_ID = 2**63 - 1
"""The largest row id the databases' signed 64-bit integers hold."""

PHONE_REGION_CONTEXT = "phone_region"
"""Validation-context key with an ISO 3166 region for national phone numbers.

``OrderIn.model_validate(data, context={PHONE_REGION_CONTEXT: "PL"})`` normalises every
phone at validation time. Without it (FastAPI passes no context) only international
numbers are normalised here; national ones are checked for shape and normalised by
``convert`` once the location, and so its country, is known.
"""


class InModel(BaseModel):
    """Base of request bodies: unknown fields are errors, strings are trimmed, and no
    string may hold a NUL character (no name, note or id has one, and PostgreSQL
    refuses to store it: it would be a 500 instead of this 422)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if _holds_nul(value):
            raise PydanticCustomError("invalid_value", "must not contain a NUL character")
        return value


def _holds_nul(value: Any) -> bool:
    """Whether a validated field value is or holds (in lists, dicts) a string with NUL;
    nested models check their own fields."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list | tuple | set | frozenset):
        return any(_holds_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    return False


class OutModel(BaseModel):
    """Base of response bodies, built by ``convert`` from domain objects."""

    model_config = ConfigDict(frozen=True)


Id = Annotated[str, StringConstraints(min_length=1, max_length=MAX_ID_LENGTH)]
Name = Annotated[str, StringConstraints(max_length=MAX_NAME_LENGTH)]
Note = Annotated[str, StringConstraints(max_length=MAX_NOTE_LENGTH)]
Amount = Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT, description="minor units")]
Quantity = Annotated[int, Field(strict=True, ge=1, le=MAX_QUANTITY)]
Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$"), Field(examples=["UAH"])]


def _moment_as_text(value: Any) -> Any:
    # Pydantic would read a number as Unix time: ``"time": 0`` was an order for 1970.
    if not isinstance(value, str | datetime):
        raise PydanticCustomError("datetime_type", "Input should be an ISO 8601 date-time")
    return value


Moment = Annotated[
    AwareDatetime,
    BeforeValidator(_moment_as_text),
    Field(examples=["2026-11-22T18:30:00+02:00"]),
]
"""A moment with its UTC offset, as ISO 8601 text; a naive ``2026-11-22T18:30:00`` and a
number are refused."""


def _phone_region(info: ValidationInfo) -> str | None:
    context: Any = info.context
    if isinstance(context, dict):
        region = context.get(PHONE_REGION_CONTEXT)
        return str(region) if region else None
    return None


class CustomerIn(InModel):
    """Who ordered: every part optional, but what is given must be valid.

    An empty ``phone`` or ``email`` is read as not given.
    """

    name: Name = ""
    phone: Annotated[str | None, Field(max_length=MAX_PHONE_LENGTH, examples=["+380671234567"])] = (
        None
    )
    email: Annotated[str | None, Field(max_length=MAX_EMAIL_LENGTH)] = None

    @field_validator("phone")
    @classmethod
    def _normalise_phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        if not value:
            return None
        region = _phone_region(info)
        try:
            if region is not None or looks_international(value):
                return normalize_phone(value, region or "ZZ")
            return check_phone_shape(value)
        except ValueError as exc:
            raise PydanticCustomError("invalid_phone", str(exc)) from None

    @field_validator("email")
    @classmethod
    def _normalise_email(cls, value: str | None) -> str | None:
        if not value:
            return None
        try:
            return normalize_email(value)
        except ValueError as exc:
            raise PydanticCustomError("invalid_email", str(exc)) from None


class CustomerOut(OutModel):
    """The customer as stored: phone in E.164, or null."""

    name: str
    phone: str | None
    email: str | None


class TimelineEntryOut(OutModel):
    """One line of history: ``status`` is the status after ``event`` happened."""

    at: AwareDatetime
    status: str
    event: str
    detail: str
