"""PostgreSQL-only schema options arrive once a PostgreSQL engine is made.

The table classes leave out ``postgresql_*`` keywords and ``JSONB`` at import (so a
hub on SQLite never loads SQLAlchemy's PostgreSQL dialect); with a PostgreSQL engine
the DDL must be exactly what writing them inline gave. Alembic's schema comparison
does not compare an index's ``WHERE``, so this checks the compiled DDL itself.
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Integer, MetaData, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.schema import CreateIndex, CreateTable

from orderbridge.sql.postgresql_options import postgresql_option
from orderbridge.sql.types import JSONType
from orderbridge.storage import tables  # noqa: F401  (incidents' foreign keys)
from orderbridge.storage.alert_tables import Incident
from orderbridge.storage.db import make_engine


def _open_unique_ddl(dialect: object) -> str:
    (index,) = (i for i in Incident.__table__.indexes if i.name == "uq_incidents_open")
    return str(CreateIndex(index).compile(dialect=dialect))  # type: ignore[arg-type]


def test_the_open_incidents_index_is_partial_on_postgresql_and_sqlite() -> None:
    make_engine("postgresql://u@127.0.0.1/d")  # no connection: only marks PostgreSQL in use
    assert _open_unique_ddl(postgresql.dialect()).endswith("WHERE status = 'open'")
    assert _open_unique_ddl(sqlite.dialect()).endswith("WHERE status = 'open'")


def test_json_columns_are_jsonb_on_postgresql_and_json_on_sqlite() -> None:
    assert JSONType.compile(dialect=postgresql.dialect()) == "JSONB"
    assert JSONType.compile(dialect=sqlite.dialect()) == "JSON"
    ddl = str(CreateTable(Incident.__table__).compile(dialect=postgresql.dialect()))  # type: ignore[arg-type]
    assert "data JSONB" in ddl


def test_an_option_recorded_after_postgresql_is_in_use_is_set_at_once() -> None:
    make_engine("postgresql://u@127.0.0.1/d")
    table = Table("t", MetaData(), Column("a", Integer))
    index = Index("ix_t_a", table.c.a)
    postgresql_option(index, "where", table.c.a > 0)
    assert str(CreateIndex(index).compile(dialect=postgresql.dialect())).endswith("WHERE a > 0")
