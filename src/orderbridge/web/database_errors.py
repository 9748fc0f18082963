"""What a database error raised while serving a request says about the request.

Most database errors in a request are bugs (a 500). One family is not: the database
refusing a *value* the request brought. The request models bound what they can (no
NUL in any string, integers within 64 bits, lengths within their columns), so these
are the safety net behind them — a bound forgotten on some route must still answer a
4xx, not a 500 with a traceback. :func:`unstorable` recognises them:

- PostgreSQL's data exceptions about a value's content: ``22P05`` (a ``\\u0000`` in
  ``jsonb``), ``22021`` (a byte sequence invalid in the encoding), ``22003`` (a number
  out of its type's range), ``22001`` (a string longer than its ``varchar``);
- psycopg's own refusal to send a NUL in a text parameter (PostgreSQL's text types
  cannot hold one; psycopg raises before the query leaves, with no SQLSTATE);
- ``OverflowError``: sqlite3 binding an integer past 64 bits ("Python int too large to
  convert to SQLite INTEGER"), or date arithmetic on a huge number from a form.

Other data exceptions (``22P02``, text that is not a UUID …) stay 500s: the hub, not the
client, wrote that SQL and chose those types.
"""

from __future__ import annotations

from sqlalchemy.exc import DataError, DBAPIError

# SQLSTATEs (class 22, data exception) that name a value the column cannot hold.
_UNSTORABLE_STATES = frozenset({"22P05", "22021", "22003", "22001"})
# psycopg's message for a NUL in a text parameter (raised client-side, no SQLSTATE).
_PSYCOPG_NUL = "cannot contain NUL (0x00) bytes"

INPUT_SUSPECTS: tuple[type[Exception], ...] = (OverflowError, DataError)
"""The exception types :func:`unstorable` may answer for (handlers register these)."""


def sqlstate(exc: DBAPIError) -> str | None:
    """The SQLSTATE of the driver error ``exc`` wraps (psycopg's ``sqlstate``), if any."""
    state = getattr(exc.orig, "sqlstate", None)
    return state if isinstance(state, str) else None


def unstorable(exc: BaseException) -> bool:
    """Whether ``exc`` is the database (or its driver) refusing a value the request
    brought — bad input the route's bounds did not catch — rather than a bug."""
    if isinstance(exc, OverflowError):
        return True
    if isinstance(exc, DataError):
        return sqlstate(exc) in _UNSTORABLE_STATES or _PSYCOPG_NUL in str(exc.orig)
    return False
