"""What a use case refuses, in terms the API turns into 4xx answers."""

from __future__ import annotations

from collections.abc import Sequence

from orderbridge.domain.validation import ValidationProblem


class ServiceError(Exception):
    """A refusal with a machine-readable ``code`` and the offending ``field``."""

    status = 400

    def __init__(self, code: str, message: str, *, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class NotFound(ServiceError):
    """Nothing of that id here (or it belongs to another tenant: same answer)."""

    status = 404


class Conflict(ServiceError):
    """The request contradicts what is stored (an idempotency key reused, a final order)."""

    status = 409


class Invalid(ServiceError):
    """A setting or argument that cannot be used as given (an unknown kind, a bad shape)."""

    status = 422


class Unavailable(ServiceError):
    """An external system could not be reached to check what was asked; try again."""

    status = 502


class Rejected(ServiceError):
    """The order (or reservation) is invalid; ``problems`` lists every reason."""

    status = 422

    def __init__(self, problems: Sequence[ValidationProblem]):
        first = problems[0]
        super().__init__(first.code, first.message, field=first.field)
        self.problems = tuple(problems)
