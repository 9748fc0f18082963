"""Holding a job's lease across a call that must not happen twice.

A worker renews its leases in the background, but a renewal can be late (a busy
database), and a lease that lapses mid-call lets another worker take the job over and
repeat the call. A handler about to make a non-idempotent call (creating an order at
the POS) first calls :func:`confirm_lease`: the lease is extended to a full term from
now, so it cannot lapse before the call's own deadline (keep ``lease_seconds`` above
the longest call), or — if the job was already taken over — the try stops here with a
``TransientError`` and the call is not made. The worker skips the database write while
the lease it last wrote still has nearly a full term (``messaging/worker_db.py`` says
why that is as safe): a try that calls right after its claim costs no extra write.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar

CURRENT_LEASE: ContextVar[Callable[[], Awaitable[None]] | None] = ContextVar(
    "orderbridge_current_lease", default=None
)


async def confirm_lease() -> None:
    """Extend the running job's lease now, or raise ``TransientError`` if it was lost.

    Outside a worker (a handler called directly, in a test or the CLI) it does nothing.
    """
    confirm = CURRENT_LEASE.get()
    if confirm is not None:
        await confirm()
