"""Whether the database is reachable, as every process sees it through its engine.

A PostgreSQL restart, a failover or a stop makes every query of every process fail
for a while. What an operator expects then is not a traceback per request (a hostile
run logged 181 of them in one restart) but one line when the database goes away, one
when it is back, and answers that say "try again shortly". Two parts give that:

- :func:`unavailable` tells an outage (or an overload) from a bug by the exception: a
  DB-API ``OperationalError`` or ``InterfaceError`` (connection refused or reset, the
  server shutting down, SQLite's file locked past its busy timeout or unreadable — but
  not SQLite's "no such table", which sqlite3 calls operational too), any error that
  invalidated its connection, and the pool's own timeout. The HTTP layer answers
  those 503 with ``Retry-After``; the worker hands the try back and waits.
- :class:`AvailabilityWatch`, hooked on an engine (:func:`watch_availability`, which
  ``make_engine`` calls), turns SQLAlchemy's events into the two log lines: the first
  failed connect or dropped connection logs ``database unavailable``, the next
  successful checkout of a connection (after the pool's pre-ping) ``database back``
  with how long it was away. Its :attr:`~AvailabilityWatch.up` feeds the
  ``orderbridge_database_up`` gauge without asking the database.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref
from typing import Any

from sqlalchemy import Engine, event
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from orderbridge.log import get_logger

RETRY_AFTER_SECONDS = 5
"""What a 503 of an outage tells the client to wait (``Retry-After``)."""

_log = get_logger("orderbridge.database")


# sqlite3 calls nearly everything "operational", a misspelt table too; these are the
# ones that mean the file cannot be used right now.
_SQLITE_AWAY = (
    "database is locked",
    "database table is locked",
    "unable to open database",
    "disk i/o error",
    "database or disk is full",
)


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached or cannot serve right now
    (as opposed to a bug, or a value it refuses: see ``web.database_errors``)."""
    if isinstance(exc, PoolTimeout):
        return True
    if isinstance(exc, OperationalError) and isinstance(exc.orig, sqlite3.Error):
        return str(exc.orig).lower().startswith(_SQLITE_AWAY)
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


class AvailabilityWatch:
    """Tracks one engine's view of the database; logs each change of state once.

    Thread-safe: API threads and worker threads report through the same engine.
    """

    def __init__(self, engine: Engine) -> None:
        self._lock = threading.Lock()
        self._down_since: float | None = None
        self._reason = ""
        # Until a first connection succeeds, a failure is the process's start-up
        # failing, which its own one-line error reports (``commands.preflight``): the
        # watch records it (``up`` is False) but says nothing, and nothing when it ends.
        self._reached = False
        self._announced = False
        name = engine.url.get_backend_name()
        self._database = name
        event.listen(engine, "handle_error", self._on_error)
        event.listen(engine, "checkout", self._on_checkout)  # the engine's pool, kept
        # across ``dispose()``

    @property
    def up(self) -> bool:
        """False from the first failed connect (or dropped connection) until a
        connection is checked out again."""
        return self._down_since is None

    def _on_error(self, context: ExceptionContext) -> None:
        # A connect that failed (there is no connection yet) or a connection the
        # database dropped (restart, failover); not a query that was merely wrong.
        connecting = context.connection is None
        failed = context.is_disconnect or (
            connecting and isinstance(context.sqlalchemy_exception, OperationalError)
        )
        if failed:
            self.went_down(type(context.original_exception).__name__)

    def _on_checkout(self, *_args: Any) -> None:
        if self._down_since is not None or not self._reached:  # cheap: attribute reads
            self.came_back()

    def went_down(self, reason: str) -> None:
        """Record that the database could not be reached; logs only the first time."""
        with self._lock:
            if self._down_since is not None:
                return
            self._down_since = time.monotonic()
            self._reason = reason
            self._announced = self._reached
        if self._announced:
            _log.warning("database unavailable", database=self._database, error=reason)

    def came_back(self) -> None:
        """Record that the database answers again; logs once per outage."""
        with self._lock:
            self._reached = True
            if self._down_since is None:
                return
            away = time.monotonic() - self._down_since
            self._down_since = None
            if not self._announced:
                return
        # As loud as the outage: whoever was told it went away must hear it is back.
        _log.warning("database back", database=self._database, seconds_away=round(away, 1))


_WATCHES: weakref.WeakKeyDictionary[Engine, AvailabilityWatch] = weakref.WeakKeyDictionary()
_WATCHES_LOCK = threading.Lock()


def watch_availability(engine: Engine) -> AvailabilityWatch:
    """The engine's :class:`AvailabilityWatch`, hooked on it the first time."""
    with _WATCHES_LOCK:
        watch = _WATCHES.get(engine)
        if watch is None:
            watch = _WATCHES[engine] = AvailabilityWatch(engine)
        return watch
