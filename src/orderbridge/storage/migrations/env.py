"""Alembic's environment: how a migration run connects, used by ``orderbridge db upgrade``.

The configuration is built in code by :func:`orderbridge.storage.migrate.alembic_config`
(no ``alembic.ini``): the database URL travels in ``config.attributes["url"]`` (never
through the ini parser, which would choke on ``%`` in passwords), or a ready connection
in ``config.attributes["connection"]``. The engine comes from
:func:`orderbridge.storage.db.make_engine`, so migrations run with the same SQLite
pragmas as the application. On PostgreSQL a transaction-level advisory lock makes
concurrent ``db upgrade`` runs (several containers starting at once) wait for each other
instead of racing; on SQLite ``BEGIN IMMEDIATE`` does the same, and ``ALTER`` goes
through Alembic's batch mode.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from orderbridge.storage.db import Base, make_engine
from orderbridge.storage.migrate import import_table_modules

# An arbitrary constant shared by every orderbridge process: "migrations running".
_MIGRATION_LOCK_ID = 0x0B1D6E


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID}
            )
        context.run_migrations()


def _run_online() -> None:
    import_table_modules()
    attributes = context.config.attributes
    connection = attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(attributes["url"])
    try:
        with engine.connect() as conn:
            _run(conn)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise RuntimeError("offline (--sql) migrations are not supported; run against a database")
_run_online()
