"""The one error body every 4xx answers with.

``{"error": {"code": "unknown_item", "message": "…", "field": "items[0].item_id"}}``

``code`` is stable and meant for programs to switch on; ``message`` is for people and
may change; ``field`` is the path of the offending input in the request body, or null
when the error is about the request as a whole. When several things are wrong at once
(a body with three bad fields, an order with two unknown items), ``error`` describes
the first and ``problems`` lists them all, in input order.
"""

from __future__ import annotations

from pydantic import Field

from orderbridge.web.schemas.common import OutModel


class ProblemOut(OutModel):
    """One thing wrong with the request."""

    code: str = Field(examples=["unknown_item"])
    message: str
    field: str | None = Field(examples=["items[0].item_id"])


class ErrorDetail(ProblemOut):
    """The error; ``problems`` appears only when the request had a list of them."""

    problems: list[ProblemOut] | None = Field(default=None, exclude_if=lambda v: v is None)


class ErrorBody(OutModel):
    """The body of every 4xx (and of the rare 5xx) answer."""

    error: ErrorDetail
