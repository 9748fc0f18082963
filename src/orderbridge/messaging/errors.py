"""How a failed outbound call is classified: worth retrying, or not.

Connectors translate every failure at their boundary into one of these two exceptions,
and the worker decides from the class alone, never from message text:

* :class:`TransientError`: the same request may succeed later (timeouts, connection
  resets, HTTP 5xx, 429, Poster error 700 "too many requests"). The job is retried on the
  schedule in :mod:`orderbridge.messaging.retry`, sooner than ``retry_after`` never.
* :class:`PermanentError`: the same request will fail again (validation, unknown product,
  revoked token). The job becomes a dead letter at once, with ``code`` and ``reason``
  shown to the operator who fixes the cause and replays it.

Any other exception escaping a handler is treated as transient: a bug or an unexpected
reply should not silently drop an order, and the attempt rows show what happened.
"""

from __future__ import annotations


class TransientError(Exception):
    """A failure that may go away by itself; retry later.

    ``retry_after`` is the remote system's hint in seconds (an HTTP ``Retry-After``
    header, a rate-limit reset); the next try waits at least that long.

    >>> raise TransientError("Poster answered 503", retry_after=30)
    Traceback (most recent call last):
    orderbridge.messaging.errors.TransientError: Poster answered 503
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
