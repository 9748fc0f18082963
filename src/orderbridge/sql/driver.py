"""Values and placeholders for driver-level SQL, shared by ``storage`` and ``messaging``.

The hot paths' inserts (the webhook inbox and outbox jobs, orders and their timeline)
run as driver-level SQL (``Connection.exec_driver_sql``): per row, SQLAlchemy's
parameter processing costs more than SQLite spends inserting. What goes in must then
already be in the form the column types would have written — JSON documents as JSON
text, timestamps as :func:`stored_time` gives them — so that the rows read back
through the ORM's types exactly as if it had written them.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Dialect

from orderbridge.sql.types import UTCDateTime

_STORED_TIME = UTCDateTime()
_time_processors: weakref.WeakKeyDictionary[Dialect, Callable[[Any], Any] | None] = (
    weakref.WeakKeyDictionary()
)


def stored_time(dialect: Dialect, value: datetime) -> object:
    """``value`` as a :class:`~orderbridge.sql.types.UTCDateTime` column stores it on
    ``dialect`` (SQLite: UTC ISO text; PostgreSQL: the aware UTC datetime), to pass to
    driver-level SQL. A naive ``value`` raises ``ValueError``, as the column would."""
    try:
        process = _time_processors[dialect]
    except KeyError:
        process = _STORED_TIME.dialect_impl(dialect).bind_processor(dialect)
        _time_processors[dialect] = process
    return value if process is None else process(value)


def driver_param(dialect: str, *, json: bool = False) -> str:
    """The driver's placeholder for one positional parameter in driver-level SQL;
    ``json``: JSON text for a JSON column (cast to ``jsonb`` on PostgreSQL)."""
    if dialect == "sqlite":
        return "?"
    if dialect == "postgresql":
        return "%s::jsonb" if json else "%s"
    raise NotImplementedError(f"the hub's tables support SQLite and PostgreSQL, not {dialect}")
