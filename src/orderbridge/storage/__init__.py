"""Storage: engines and sessions, portable column types, Alembic migrations."""
