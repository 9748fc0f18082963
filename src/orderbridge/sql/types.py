"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time zones and no JSONB, and its ``INTEGER PRIMARY KEY`` is the only
auto-incrementing integer, so each portable type here picks the right native type per
dialect and normalises what comes back:

* :class:`UTCDateTime` refuses naive datetimes, stores UTC and always returns aware UTC
  values, so ``row.created_at < now`` never compares naive with aware.
* :data:`JSONType` is ``JSONB`` on PostgreSQL (indexable, compact) and ``JSON`` elsewhere;
  the ``JSONB`` class is imported only once a PostgreSQL dialect asks for it
  (:class:`_JSONB`), so a hub on SQLite never loads SQLAlchemy's PostgreSQL dialect
  (about 4 MiB of resident memory per process).
* :data:`BigIntId` is ``BIGINT`` on PostgreSQL and ``INTEGER`` (the rowid alias) on SQLite.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Dialect, Integer
from sqlalchemy.types import TypeDecorator, TypeEngine


class _JSONB(TypeDecorator[Any]):
    """PostgreSQL's ``JSONB``, its class imported when a PostgreSQL dialect compiles or
    binds it: :data:`JSONType`'s variant for ``postgresql``. Elsewhere it is plain JSON."""

    impl = JSON
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import JSONB

            return dialect.type_descriptor(JSONB())
        return dialect.type_descriptor(JSON())


JSONType: TypeEngine[Any] = JSON().with_variant(_JSONB(), "postgresql")
BigIntId: TypeEngine[int] = BigInteger().with_variant(Integer(), "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp stored as UTC on every database.

    PostgreSQL gets ``TIMESTAMP WITH TIME ZONE``; SQLite gets the ISO text SQLAlchemy
    writes, always in UTC so that text order is time order. Binding a naive datetime
    raises ``ValueError``: a naive value is a bug the database must not hide.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: pass a timezone-aware value")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC: the default clock of the storage layer."""
    return datetime.now(UTC)
