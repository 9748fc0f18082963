"""The two failures that cross every port, and the clock services take.

``TransientError`` (retry later) and ``PermanentError`` (stop; a person must fix
something) are shared by services and connectors; the worker in
``orderbridge.messaging`` decides retries from the class alone.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime


class TransientError(Exception):
    """A failure that may go away by itself; retry later.

    ``retry_after`` is the remote system's hint in seconds (an HTTP ``Retry-After``
    header, a rate-limit reset); the next try waits at least that long.

    >>> raise TransientError("Poster answered 503", retry_after=30)
    Traceback (most recent call last):
    orderbridge.ports.errors.TransientError: Poster answered 503
    """

    def __init__(self, message: str = "transient failure", *, retry_after: float | None = None):
        super().__init__(message)
        if retry_after is not None and retry_after < 0:
            raise ValueError("retry_after must not be negative")
        self.retry_after = retry_after


class PermanentError(Exception):
    """A failure that retrying cannot fix; stop at once and ask an operator.

    ``code`` is machine-readable (``unknown_product``, ``invalid_token``), ``reason`` is
    what the operator reads in the dashboard.

    >>> str(PermanentError("unknown_product", "product 42 is not on the menu"))
    'unknown_product: product 42 is not on the menu'
    """

    def __init__(self, code: str, reason: str):
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason


class DuplicateKey(Exception):
    """Another transaction stored the same order (same channel id or idempotency key) at
    the same moment. Start over in a new unit of work: the lookup will find it now."""


Clock = Callable[[], datetime]
"""Now, timezone-aware. Services take one so tests can fix time."""
