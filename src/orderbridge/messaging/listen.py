"""Waking workers of every process on PostgreSQL: ``LISTEN``/``NOTIFY`` on job commits.

A transaction that enqueues jobs sends ``NOTIFY orderbridge_jobs`` just before it
commits (:func:`orderbridge.messaging.wakeup.notify_on_commit`); PostgreSQL delivers
it to listeners only once the commit is done, and folds repeats within a transaction
into one. :func:`listen_for_jobs` keeps one connection per worker process listening
and turns each notification into :meth:`Wakeup.notify`, so ``orderbridge worker``
processes claim a job committed by ``orderbridge serve --no-workers`` at once instead
of at their next poll. Polling stays as the fallback: a notification sent while the
listener was reconnecting is simply caught by the next poll.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import URL

from orderbridge.log import get_logger
from orderbridge.messaging.wakeup import JOBS_CHANNEL, Wakeup

_log = get_logger("orderbridge.listen")


def conninfo(url: URL) -> str:
    """A libpq connection string for an SQLAlchemy ``postgresql+psycopg`` URL."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


async def listen_for_jobs(url: URL, wakeup: Wakeup, *, retry_seconds: float = 1.0) -> None:
    """Relay ``NOTIFY orderbridge_jobs`` to ``wakeup`` until cancelled; reconnects on loss."""
    # psycopg is imported here, by PostgreSQL hubs only: on SQLite its ~7 MiB would sit
    # idle in every process (docs/benchmarks.md, "Idle RSS").
    import psycopg

    while True:
        try:
            async with await psycopg.AsyncConnection.connect(
                conninfo(url), autocommit=True
            ) as conn:
                await conn.execute(f"LISTEN {JOBS_CHANNEL}")
                wakeup.notify()  # anything committed while we were not listening
                async for _ in conn.notifies():
                    wakeup.notify()
        except psycopg.Error as exc:
            _log.warning("job listener lost its connection", error=str(exc))
            await asyncio.sleep(retry_seconds)
