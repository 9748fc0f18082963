"""Errors the domain raises, each with a machine-readable ``code``.

The web layer turns any :class:`DomainError` into a 4xx answer of the shape
``{"error": {"code": ..., "message": ..., "field": ...}}`` without knowing which
subclass it caught, so every error carries the three parts itself.

This module also holds the small guards the domain uses to keep its invariants
(aware datetimes), so that every module raises the same errors.
"""

from __future__ import annotations

from datetime import datetime


class DomainError(Exception):
    """Base of every error the domain raises on purpose.

    ``code`` is stable and meant for machines (clients switch on it); ``message`` is
    for people; ``field`` is the path of the offending input when there is one, such
    as ``"customer.phone"``. A subclass sets a default ``code``; a caller may give a
    more precise one (``InvalidValueError("...", code="invalid_phone")``).
    """

    code: str = "domain_error"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if code is not None:
            # An instance attribute shadows the class default for this error only.
            self.code = code

    def as_dict(self) -> dict[str, str | None]:
        """The error as the body of an API error answer."""
        return {"code": self.code, "message": self.message, "field": self.field}


class InvalidValueError(DomainError):
    """A value breaks an invariant of the model (bad phone, negative quantity, ...)."""

    code: str = "invalid_value"


class NaiveDatetimeError(InvalidValueError):
    """A datetime without a timezone reached the domain; every moment must be aware."""

    code: str = "naive_datetime"


class UnknownTimezoneError(InvalidValueError):
    """A location names a timezone that the zoneinfo database does not know."""

    code: str = "unknown_timezone"


class DuplicateIdError(InvalidValueError):
    """Two objects of the same kind share an id where ids must be unique."""

    code: str = "duplicate_id"


class CurrencyMismatchError(DomainError):
    """Amounts in different currencies were combined or compared."""

    code: str = "currency_mismatch"


def require_aware(value: datetime, field: str) -> datetime:
    """Return ``value`` if it is timezone-aware, else raise :class:`NaiveDatetimeError`.

    A naive datetime is ambiguous by a whole timezone, which is exactly the kind of
    bug that surfaces as a pickup time off by two hours, so the domain refuses them.
    """
    if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
        raise NaiveDatetimeError(
            f"{field} must be timezone-aware, got {value.isoformat()}", field=field
        )
    return value
