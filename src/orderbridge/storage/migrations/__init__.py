"""Alembic's environment and revisions, shipped inside the package (see ``migrate.py``)."""
