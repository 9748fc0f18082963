"""Alembic revisions, one file each; ids are stable names such as ``0001_messaging``."""
