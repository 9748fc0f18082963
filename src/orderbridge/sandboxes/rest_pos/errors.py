"""Countertop's errors: an HTTP status and ``{"error": {type, code, message, param}}``."""

from __future__ import annotations

from typing import Any


class CountertopError(Exception):
    """An API refusal, answered with ``status`` and Countertop's error body."""

    def __init__(self, status: int, code: str, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.param = param

    @property
    def type(self) -> str:
        if self.status in (401, 403):
            return "authentication_error"
        if self.status == 429:
            return "rate_limit_error"
        if self.status >= 500:
            return "api_error"
        return "invalid_request_error"

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"type": self.type, "code": self.code, "message": self.message}
        if self.param is not None:
            error["param"] = self.param
        return {"error": error}


def invalid(code: str, message: str, param: str) -> CountertopError:
    return CountertopError(422, code, message, param=param)


def missing(what: str, ident: str) -> CountertopError:
    return CountertopError(404, "resource_missing", f"No such {what}: {ident}")
