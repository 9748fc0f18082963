"""End-to-end tests may run on both databases: the integration suite's fixtures
(``db_url`` parametrised over SQLite and PostgreSQL) are shared here."""

from __future__ import annotations

from tests.integration.conftest import db_url, postgres_url, sqlite_template

__all__ = ["db_url", "postgres_url", "sqlite_template"]
