"""Writes a handler hands to the worker, to commit with the record of its try.

A handler that learned something worth keeping from its remote call (the POS's order
id, the status it implies, the notifications that follow) could write it in a
transaction of its own, then the worker writes the try's outcome in another. Handed
over with :func:`write_on_success` instead, the write runs inside the transaction that
records the try as succeeded (``messaging/worker_db.py``): one transaction for both,
shared by every try that ends at the same time. A write that fails there is run
again alone, in a transaction of its own on a Session (the old path), and if that
fails too the try counts as failed and is retried.

Nothing changes for a crash: until that transaction commits, neither the write nor the
try's success is stored, so a killed worker leaves the job to be retaken once its lease
lapses, as it did between the call and a separate write; the retry looks the result up
at the remote side before calling again (``services/submission.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from sqlalchemy.orm import Session

from orderbridge.messaging.direct_sqlite import DirectTransaction

SettleWrite = Callable[[Session | DirectTransaction], None]
"""Writes into the transaction that settles the try (it must not commit: the worker
does, for the whole batch): a Session, or on a SQLite file the batch's direct
transaction (``direct_sqlite.py``), which a write that needs the ORM refuses by
raising — the worker then records that try alone, on a Session."""

CURRENT_WRITES: ContextVar[list[SettleWrite] | None] = ContextVar(
    "orderbridge_settle_writes", default=None
)


def write_on_success(write: SettleWrite) -> bool:
    """Hand ``write`` to the worker running this try; ``False`` outside a worker (a
    handler called directly, in a test or the CLI): the caller writes it itself."""
    writes = CURRENT_WRITES.get()
    if writes is None:
        return False
    writes.append(write)
    return True
