"""The declarative base of every orderbridge table, in one metadata for one migration history."""

from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from orderbridge.sql.types import JSONType, UTCDateTime

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """The declarative base of every orderbridge table.

    Constraint and index names follow :data:`NAMING_CONVENTION`, so Alembic can drop or
    alter them by name on both databases. ``Mapped[datetime]`` columns are
    :class:`~orderbridge.sql.types.UTCDateTime` and ``Mapped[dict[str, Any]]``
    columns are JSON (``JSONB`` on PostgreSQL) unless a column says otherwise.
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
    }
