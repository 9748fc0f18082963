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
from typing import Any

import structlog

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


def configure_logging(level: str = "INFO", *, json: bool = False) -> None:
    """Set up structlog (and the stdlib root logger it writes through) once per process."""
    logging.basicConfig(format="%(message)s", stream=sys.stderr, level=level.upper())
    for noisy in ("uvicorn.access", "httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json
        else structlog.dev.ConsoleRenderer(colors=sys.stderr.isatty())
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            _redact_processor,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=False,
    )


def get_logger(name: str) -> Any:
    """A structlog logger bound to a component name."""
    return structlog.get_logger(name)
