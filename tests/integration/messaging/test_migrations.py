"""The migrations build exactly the schema the table classes describe, both ways."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect

from orderbridge.storage.db import Base
from orderbridge.storage.migrate import (
    current_revision,
    downgrade,
    head_revision,
    import_table_modules,
    upgrade,
)


def test_migrated_schema_matches_the_table_classes(db_url: str, engine: Engine) -> None:
    import_table_modules()
    assert current_revision(db_url) == head_revision() == "0006_money"
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_downgrade_to_base_and_upgrade_again(db_url: str, engine: Engine) -> None:
    downgrade(db_url, "base")
    assert current_revision(db_url) is None
    assert "outbox_jobs" not in inspect(engine).get_table_names()
    upgrade(db_url)
    upgrade(db_url)  # a second run on an up-to-date database changes nothing
    assert current_revision(db_url) == "0006_money"
    assert {"inbox_events", "outbox_jobs", "job_attempts"} <= set(inspect(engine).get_table_names())
