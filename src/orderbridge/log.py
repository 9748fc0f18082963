"""Structured logging with personal data and secrets redacted before anything is written.

Redaction works on keys (``token``, ``phone``, ``email``, ``secret`` …) and on values
(anything that looks like an e-mail address, a phone number or a Poster token), so a
payload logged by mistake still leaks nothing.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from datetime import UTC, datetime
from json import dumps as json_dumps
from typing import Any

import structlog

from orderbridge.log_context import merge_log_context

REDACTED = "[redacted]"

_SENSITIVE_KEY = re.compile(
    r"(token|secret|password|passwd|authorization|api[_-]?key|phone|email|e-mail|verify|"
    r"signature|card|cookie|client_name|firstname|lastname|first_name|last_name|address)",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
# A phone is "+" and 8+ digits with separators, or 11–13 bare digits (Poster stores
# "380684112224"). Dates and ten-digit unix times do not match.
_PHONE = re.compile(r"(?<![\w+])\+\d[\d\s().-]{6,}\d(?![\w])|(?<![\w.])\d{11,13}(?![\w.])")
# Poster tokens look like ``687409:4164553abf6a031302898da7800b59fb``.
_POSTER_TOKEN = re.compile(r"\b\d+(?::|%3A)[0-9a-f]{32}\b", re.IGNORECASE)
_BEARER = re.compile(r"(Bearer\s+)[\w.~+/=-]+", re.IGNORECASE)


def redact_text(text: str) -> str:
    """Mask e-mail addresses, phone numbers, Poster tokens and bearer tokens in free text."""
    text = _POSTER_TOKEN.sub(REDACTED, text)
    text = _BEARER.sub(r"\1" + REDACTED, text)
    text = _EMAIL.sub(REDACTED, text)
    return _PHONE.sub(REDACTED, text)


def redact(value: Any, key: str | None = None) -> Any:
    """Return a copy of ``value`` with sensitive keys and values masked, recursively."""
    if key is not None and _SENSITIVE_KEY.search(key):
        return REDACTED if value not in (None, "", [], {}) else value
    if isinstance(value, Mapping):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def _redact_processor(
    _logger: Any, _method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    return {k: (redact(v, k) if k != "event" else redact(v)) for k, v in event_dict.items()}


class _OurHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The root handler :func:`configure_logging` installs (and replaces on a second
    call). It writes to whatever ``sys.stderr`` is when a record comes, not to the one
    of configuration time (a test's captured stream may have been closed since)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


class _StderrLogger:
    """structlog's output: one ``write`` of the whole line to the current ``sys.stderr``."""

    def msg(self, message: str) -> None:
        sys.stderr.write(message + "\n")

    log = debug = info = warn = warning = msg
    fatal = failure = err = error = critical = exception = msg


def _stderr_logger(*_args: Any) -> _StderrLogger:
    return _STDERR_LOGGER


_STDERR_LOGGER = _StderrLogger()


def configure_logging(level: str = "INFO", *, json: bool = False, access_log: bool = True) -> None:
    """Set up structlog and the standard library's logging once per process.

    Both write to stderr through the same chain: the current request's or job's fields
    (``log_context``), the level, the logger's name, redaction, an ISO timestamp, then
    JSON (``json=True``) or the console format. Records of other libraries (uvicorn's
    start-up lines and its reports of unhandled errors among them) go through it too, so
    with ``json=True`` every line on stderr is one JSON object. ``access_log`` turns the
    one-line-per-request access log on (at INFO).
    """
    global _ACCESS
    numeric = logging.getLevelName(level.upper())
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        merge_log_context,
        structlog.processors.add_log_level,
        _redact_processor,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    if json:  # the console renderer prints tracebacks itself
        shared.append(structlog.processors.format_exc_info)
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, _OurHandler)]:
        root.removeHandler(handler)
    handler = _OurHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
            foreign_pre_chain=[structlog.stdlib.add_logger_name, *shared],
        )
    )
    root.addHandler(handler)
    root.setLevel(numeric)
    # uvicorn's own access log is replaced by the hub's (web/observe.py): one line per
    # request with its id and route, the query string left out.
    for noisy in ("uvicorn.access", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    structlog.configure(
        processors=[*shared, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=_stderr_logger,
        cache_logger_on_first_use=False,
    )
    _ACCESS = _AccessWriter(json=json) if access_log and numeric <= logging.INFO else None


class _AccessWriter:
    """Writes access-log lines straight to stderr, in the configured format.

    An access line is written for every request, so it skips structlog's chain (about
    30 µs, a fifth of what storing a webhook costs): its fields are the hub's own (no
    body, no query string, no header but the request id), and only the path is passed
    through :func:`redact_text`.
    """

    def __init__(self, *, json: bool) -> None:
        self.json = json

    def write(self, fields: Mapping[str, Any]) -> None:
        stamp = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        if self.json:
            line = json_dumps(
                {
                    "event": "request",
                    "level": "info",
                    "logger": ACCESS_LOGGER,
                    **fields,
                    "timestamp": stamp,
                },
                default=str,
            )
        else:
            pairs = " ".join(f"{key}={value}" for key, value in fields.items())
            line = f"{stamp} [info     ] request  {pairs}"
        sys.stderr.write(line + "\n")


ACCESS_LOGGER = "orderbridge.access"
_ACCESS: _AccessWriter | None = None


def access_log_enabled() -> bool:
    """Whether :func:`write_access_line` writes anything (spares building the line)."""
    return _ACCESS is not None


def write_access_line(fields: Mapping[str, Any]) -> None:
    """Write one access-log line (nothing unless :func:`configure_logging` enabled it)."""
    writer = _ACCESS
    if writer is not None:
        writer.write(fields)


def get_logger(name: str) -> Any:
    """A structlog logger bound to a component name."""
    return structlog.get_logger(name)
