"""What a log line is about: the request or job it was written in.

Every line logged while the hub serves a request carries that request's ``request_id``;
every line logged while a worker runs a job carries ``job_id`` and ``job_kind``; both
carry ``order_id``, ``reservation_id``, ``location_id`` and ``connection_id`` when the
work concerns one. The fields live in a :class:`LogContext` held by a context variable,
so they follow the work across ``await`` and into the threads FastAPI runs sync routes
in (anyio copies the context), and never leak from one request or job into another:
each request and each job runs in its own asyncio task, with its own copy of the
context.

The context is a mutable object shared by the copies, so :func:`bind_log_context`
called deep inside a route (in a worker thread) is seen by the request's access-log
line written afterwards. For a request the ASGI scope is kept too: the ids in its path
(``/api/v1/orders/{order_id}``) are read from it when a line is written, after the
router has matched them.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from contextvars import ContextVar
from typing import Any

ID_FIELDS = ("order_id", "reservation_id", "location_id", "connection_id")
"""Ids a job payload or a path may carry that every line about that work should show."""

# Path parameters by their route name → the field they fill in log lines.
_PATH_IDS = {
    "order_id": "order_id",
    "reservation_id": "reservation_id",
    "location_id": "location_id",
    "connection_id": "connection_id",
    "connection": "connection_id",  # /webhooks/wix/{connection}
    "job_id": "job_id",
}


class LogContext:
    """The fields of one request or job, and the request's ASGI scope if any."""

    __slots__ = ("fields", "scope")

    def __init__(
        self, fields: dict[str, Any], scope: MutableMapping[str, Any] | None = None
    ) -> None:
        self.fields = fields
        self.scope = scope

    def items(self) -> dict[str, Any]:
        """Every field, the path's ids included (bound fields win over path ones)."""
        found: dict[str, Any] = {}
        params = self.scope.get("path_params") if self.scope is not None else None
        if params:
            for name, field in _PATH_IDS.items():
                value = params.get(name)
                if isinstance(value, str | int) and value != "":
                    found[field] = value
        found.update(self.fields)
        return found


_CURRENT: ContextVar[LogContext | None] = ContextVar("orderbridge_log_context", default=None)


def start_log_context(
    fields: dict[str, Any], scope: MutableMapping[str, Any] | None = None
) -> LogContext:
    """Open a fresh context for the current task (a request, a job) and return it.

    Not reset at the end on purpose: the task ends with its work, and whatever logs in
    it last (uvicorn's report of an unhandled error, written after the app returned)
    still carries the request's id. The next request or job opens its own.
    """
    context = LogContext(fields, scope)
    _CURRENT.set(context)
    return context


def bind_log_context(**fields: Any) -> None:
    """Add fields to the current request's or job's context (no-op outside of one)."""
    context = _CURRENT.get()
    if context is not None:
        context.fields.update({k: v for k, v in fields.items() if v is not None})


def current_log_fields() -> dict[str, Any]:
    """The fields of the current request or job (empty outside of one)."""
    context = _CURRENT.get()
    return context.items() if context is not None else {}


def job_fields(
    job_id: int, kind: str, connection_id: str | None, payload: Mapping[str, Any]
) -> dict[str, Any]:
    """The context of one try of an outbox job: its id, kind, connection and the ids
    its payload names."""
    fields: dict[str, Any] = {"job_id": job_id, "job_kind": kind}
    if connection_id:
        fields["connection_id"] = connection_id
    for name in ID_FIELDS:
        value = payload.get(name)
        if isinstance(value, str) and value:
            fields.setdefault(name, value)
    return fields


def merge_log_context(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """structlog processor: add the current context's fields a line does not set."""
    context = _CURRENT.get()
    if context is not None:
        for key, value in context.items().items():
            event_dict.setdefault(key, value)
    return event_dict
