"""Poster's error codes, sorted into what a retry can fix and what it cannot.

Poster answers API errors with HTTP 200 and ``{"error": {"code", "message"}}``, so the
status line says nothing; the code does. The table follows the reference's "Error
Codes" list. Codes the reference does not list are treated as permanent with their
number in the reason: retrying an error nobody understands only repeats it.
"""

from __future__ import annotations

from orderbridge.ports import PermanentError, TransientError

# The reference's own descriptions, for reasons an operator can read.
DESCRIPTIONS: dict[int, str] = {
    10: "access_token is not specified",
    11: "invalid access_token",
    12: "access_token expired",
    20: "the application is not authorized to call this method",
    32: "the ID doesn't exist",
    34: "a required property is missing",
    36: "the variable must be an array",
    38: "the name already exists",
    42: "the variable does not exist",
    44: "error saving data",
    45: "time is less than the order opening time",
    52: "the date range must be no more than 3 days",
    54: "access denied",
    99: "entity repetition",
    142: "invalid verify",
    143: "invalid application_id",
    153: "you are not allowed to make changes",
    154: "the name of the modifier must be unique",
    155: "the direct value of the parameter",
    400: "invalid request format, required data missing",
    404: "record not found",
    700: "rate restriction",
    701: "the field must be an integer",
    4001: "invalid currency",
}

# 44 "error saving data" is Poster failing to write, not the request being wrong.
TRANSIENT_CODES = frozenset({44, 700})
REAUTH_CODES = frozenset({10, 11, 12})
# Machine codes for the permanent ones; the services and the dashboard switch on these.
PERMANENT_CODES: dict[int, str] = {
    20: "forbidden",
    54: "forbidden",
    153: "forbidden",
    32: "not_found",
    404: "not_found",
    4001: "currency_mismatch",
    142: "invalid_application",
    143: "invalid_application",
}


class PosterRejected(PermanentError):
    """Poster refused the request for good; ``poster_code`` is its error number."""

    def __init__(self, code: str, reason: str, *, poster_code: int):
        super().__init__(code, reason)
        self.poster_code = poster_code


def describe(code: int, message: str = "", field: str = "") -> str:
    """``Poster error 32 (the ID doesn't exist): product_id 9 doesn't exist [product_id]``."""
    text = f"Poster error {code} ({DESCRIPTIONS.get(code, 'undocumented')})"
    if message:
        text += f": {message}"
    if field:
        text += f" [{field}]"
    return text


def classify(code: int, message: str = "", field: str = "") -> TransientError | PosterRejected:
    """The exception to raise for a Poster error code (not raised here, so callers chain)."""
    reason = describe(code, message, field)
    if code in TRANSIENT_CODES:
        # Poster publishes no rate-limit window, so 700 carries no Retry-After hint and
        # the worker's own back-off schedule paces the retries.
        return TransientError(reason)
    if code in REAUTH_CODES:
        return PosterRejected("reauth_required", reason, poster_code=code)
    return PosterRejected(PERMANENT_CODES.get(code, "invalid_request"), reason, poster_code=code)
