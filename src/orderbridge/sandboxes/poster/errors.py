"""Poster API errors, with the codes of the reference's "Error Codes" table."""

from __future__ import annotations

from typing import Any

# Code → the reference's own description, used as the default message.
ERROR_CODES: dict[int, str] = {
    10: "access_token is not specified",
    11: "Invalid access_token",
    12: "access_token expired",
    20: "The application is not authorized to call this method",
    32: "The ID doesn't exist",
    34: "Absence of required properties",
    36: "The variable must be an array",
    38: "The name already exists",
    42: "The variable does not exist",
    44: "Error saving data",
    45: "Time is less than the order opening time",
    52: "The date range must be no more than 3 days",
    54: "Access denied",
    99: "Entity repetition",
    142: "Invalid verify",
    143: "Invalid application_id",
    153: "You are not allowed to make changes",
    154: "The name of the modifier must be unique",
    155: "The direct value of the parameter",
    400: "Invalid request format, required data missing",
    404: "Record not found",
    700: "Rate restriction",
    701: "The field must be an integer",
    4001: "Invalid currency",
}


class PosterError(Exception):
    """An API error answered as ``{"error": {"code": N, "message": "..."}}``.

    Poster answers API errors with HTTP 200 and the error object in the body; clients
    must look at the body, not the status line. ``field`` names the offending parameter
    where one is known (Poster adds it on the auth endpoints; the sandbox adds it on API
    methods too, as an extra key clients ignore).
    """

    def __init__(self, code: int, message: str | None = None, *, field: str | None = None):
        self.code = code
        self.message = message or ERROR_CODES.get(code, "Error")
        self.field = field
        super().__init__(f"{code}: {self.message}")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.field is not None:
            error["field"] = self.field
        return {"error": error}


def missing(field: str) -> PosterError:
    """Error 34 for a required parameter that did not come."""
    return PosterError(34, f"Field {field} is required", field=field)


def not_found(field: str, value: object) -> PosterError:
    """Error 32 for an id that names nothing."""
    return PosterError(32, f"{field} {value} doesn't exist", field=field)
