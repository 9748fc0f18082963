"""Waking a worker in this process the moment jobs are committed, instead of at its next poll.

When the API and a worker share a process (``orderbridge serve``, the demo), a job
enqueued by a request can be claimed at once: :func:`notify_on_commit` makes every
session of a factory call :meth:`Wakeup.notify` after a commit that enqueued jobs (see
:func:`orderbridge.messaging.outbox.enqueue`), and the worker waits on its
:meth:`Wakeup.subscribe` event as well as on its poll timer. Polling stays: it is how a
worker hears of jobs committed by other processes on SQLite, and it covers a missed
signal. On PostgreSQL the same commits also send ``NOTIFY orderbridge_jobs``, which
``messaging/listen.py`` relays to the workers of every other process.

Commits happen on any thread (the API's thread pool, the worker's ``to_thread`` calls);
``notify`` hands the signal to each subscriber's event loop thread-safely.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

# Set in ``session.info`` by ``outbox.enqueue``; read and cleared when the session commits.
ENQUEUED = "orderbridge_enqueued"
# The PostgreSQL notification channel of committed jobs (messaging/listen.py).
JOBS_CHANNEL = "orderbridge_jobs"


class Wakeup:
    """A signal from committers to the workers of this process: "jobs are waiting".

    >>> wakeup = Wakeup()
    >>> wakeup.notify()  # nobody listening yet: nothing happens
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._subscribers: list[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = []

    def subscribe(self) -> asyncio.Event:
        """An event of the running loop that is set whenever :meth:`notify` is called."""
        signal = asyncio.Event()
        with self._guard:
            self._subscribers.append((asyncio.get_running_loop(), signal))
        return signal

    def unsubscribe(self, signal: asyncio.Event) -> None:
        with self._guard:
            self._subscribers = [s for s in self._subscribers if s[1] is not signal]

    def notify(self) -> None:
        """Set every subscriber's event; callable from any thread."""
        with self._guard:
            subscribers = list(self._subscribers)
        for loop, signal in subscribers:
            if loop.is_closed():
                continue
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                running = None
            if running is loop:
                signal.set()
            else:
                try:
                    loop.call_soon_threadsafe(signal.set)
                except RuntimeError:  # the loop closed meanwhile: its worker is gone
                    continue


def notify_on_commit(sessions: sessionmaker[Session], wakeup: Wakeup) -> None:
    """Make sessions of ``sessions`` wake ``wakeup``'s workers after committing new jobs.

    On PostgreSQL such a commit also notifies the workers of other processes.
    """

    def committing(session: Session) -> None:
        if session.info.get(ENQUEUED) and session.get_bind().dialect.name == "postgresql":
            # Delivered to listeners when (and only if) the transaction commits.
            session.connection().exec_driver_sql(f"NOTIFY {JOBS_CHANNEL}")

    def committed(session: Session) -> None:
        if session.info.pop(ENQUEUED, False):
            wakeup.notify()

    def rolled_back(session: Session, *_: Any) -> None:
        session.info.pop(ENQUEUED, None)

    _WAKEUPS[sessions] = wakeup
    event.listen(sessions, "before_commit", committing)
    event.listen(sessions, "after_commit", committed)
    event.listen(sessions, "after_rollback", rolled_back)


_WAKEUPS: weakref.WeakKeyDictionary[Callable[[], Session], Wakeup] = weakref.WeakKeyDictionary()


def notify_committed(sessions: Callable[[], Session]) -> None:
    """Wake the workers that :func:`notify_on_commit` tied to ``sessions``, for jobs
    committed on SQLite without a session (``messaging/direct_sqlite.py``)."""
    wakeup = _WAKEUPS.get(sessions)
    if wakeup is not None:
        wakeup.notify()
