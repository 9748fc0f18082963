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

from orderbridge.ports import PermanentError, TransientError

__all__ = ["PermanentError", "TransientError"]
