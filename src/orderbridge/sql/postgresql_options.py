"""PostgreSQL-only options of table classes, set once PostgreSQL is in use.

A ``postgresql_where=`` (or any ``postgresql_*``) keyword on an ``Index`` makes
SQLAlchemy load its whole PostgreSQL dialect package to check the keyword, at import
time of the table class: about 4 MiB resident in every process of a hub that runs on
SQLite and never talks to PostgreSQL. :func:`postgresql_option` records the option
instead; :func:`postgresql_in_use` (called by ``storage.db.make_engine`` for a
PostgreSQL URL, so before any DDL, migration or schema comparison there) sets every
recorded option through SQLAlchemy's public, writable ``dialect_kwargs``. An option
recorded after that is set at once. The result on PostgreSQL is the same table
metadata as writing the keyword in the ``Index(...)`` call.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.sql.base import DialectKWArgs

_pending: list[tuple[DialectKWArgs, str, Any]] = []
_in_use = False


def postgresql_option(construct: DialectKWArgs, name: str, value: Any) -> None:
    """Give ``construct`` (an ``Index``, a ``Table`` …) ``postgresql_<name>=value``."""
    if _in_use:
        construct.dialect_kwargs[f"postgresql_{name}"] = value
    else:
        _pending.append((construct, name, value))


def postgresql_in_use() -> None:
    """PostgreSQL is used in this process: set the recorded options (loads the dialect)."""
    global _in_use
    _in_use = True
    while _pending:
        construct, name, value = _pending.pop(0)
        construct.dialect_kwargs[f"postgresql_{name}"] = value
