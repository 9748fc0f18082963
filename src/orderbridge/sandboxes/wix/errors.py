"""Wix API errors in Wix's standard shape.

Wix answers failures with an HTTP status and ``{"message", "details"}``, where
``details`` holds either an ``applicationError`` (business logic said no: ``code``,
``description``, ``data``) or a ``validationError`` (``fieldViolations``). The codes
below follow Wix's "About Errors" article; the per-call codes Wix uses (for a stale
revision, an unknown entity) are not published, so the names here are the sandbox's
choice (*unconfirmed*), kept in one place so they are easy to change.
"""

from __future__ import annotations

from typing import Any


class WixError(Exception):
    """An error answered with ``status`` and Wix's error body."""

    def __init__(
        self,
        status: int,
        code: str,
        description: str,
        *,
        data: dict[str, Any] | None = None,
        violations: list[dict[str, str]] | None = None,
    ):
        self.status = status
        self.code = code
        self.description = description
        self.data = data or {}
        self.violations = violations
        super().__init__(f"{status} {code}: {description}")

    def body(self) -> dict[str, Any]:
        if self.violations is not None:
            return {
                "message": self.description,
                "details": {"validationError": {"fieldViolations": self.violations}},
            }
        return {
            "message": self.description,
            "details": {
                "applicationError": {
                    "code": self.code,
                    "description": self.description,
                    "data": self.data,
                }
            },
        }


def unauthenticated(description: str) -> WixError:
    return WixError(401, "UNAUTHENTICATED", description)


def permission_denied(description: str) -> WixError:
    return WixError(403, "PERMISSION_DENIED", description)


def not_found(kind: str, entity_id: str) -> WixError:
    return WixError(404, "NOT_FOUND", f"{kind} {entity_id} not found", data={"id": entity_id})


def invalid(field: str, description: str, rule: str = "INVALID") -> WixError:
    """400 INVALID_ARGUMENT with one field violation."""
    return WixError(
        400,
        "INVALID_ARGUMENT",
        f"{field}: {description}",
        violations=[{"field": field, "description": description, "violatedRule": rule}],
    )


def revision_mismatch(kind: str, entity_id: str, given: str, current: str) -> WixError:
    """409: the caller's ``revision`` is not the entity's current one."""
    return WixError(
        409,
        "REVISION_MISMATCH",
        f"{kind} {entity_id} is at revision {current}, the request carried {given}",
        data={"id": entity_id, "currentRevision": current},
    )


def failed_precondition(code: str, description: str) -> WixError:
    """428, what Wix answers when an order is in the wrong state for the call."""
    return WixError(428, code, description)
