"""Schema migrations from code: what ``orderbridge db upgrade`` calls.

Alembic is configured programmatically (:func:`alembic_config`); its environment and
revisions ship inside the package (``orderbridge/storage/migrations``), so an installed
wheel can migrate its database without an ``alembic.ini`` or a source checkout.

Revisions describe the schema as it was when they were written (``op.create_table``),
never by importing today's table classes, so an old revision keeps meaning the same
thing. The table classes matter only to autogenerate, which compares them with the
database: :data:`TABLE_MODULES` lists every module that defines tables.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection
from sqlalchemy.engine import URL

from orderbridge.storage.db import make_engine

SCRIPT_LOCATION = str(Path(__file__).with_name("migrations"))

# Every module that defines tables on ``Base``; autogenerate sees only these.
TABLE_MODULES: tuple[str, ...] = (
    "orderbridge.messaging.tables",
    "orderbridge.storage.tables",
    "orderbridge.storage.channel_refs",
    "orderbridge.storage.tables_availability",
    "orderbridge.storage.mapping_tables",
    "orderbridge.storage.rate_limits",
    "orderbridge.storage.alert_tables",
)


def import_table_modules() -> None:
    """Import :data:`TABLE_MODULES` so ``Base.metadata`` knows every table."""
    for name in TABLE_MODULES:
        importlib.import_module(name)


def alembic_config(url: str | URL | None = None, *, connection: Connection | None = None) -> Config:
    """An Alembic configuration for ``url`` (or an open ``connection``), built in code."""
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("path_separator", "os")
    if url is not None:
        config.attributes["url"] = url
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(url: str | URL, revision: str = "head") -> None:
    """Bring the database at ``url`` up to ``revision`` (default: the newest).

    Safe to run from several processes at once and on an up-to-date database (it does
    nothing then).
    """
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str | URL, revision: str) -> None:
    """Take the database at ``url`` back to ``revision`` (``"base"`` drops everything)."""
    command.downgrade(alembic_config(url), revision)


def current_revision(url: str | URL) -> str | None:
    """The revision the database at ``url`` is at, ``None`` for an empty database."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str | None:
    """The newest revision shipped with this version of orderbridge."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()
