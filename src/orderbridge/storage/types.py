"""The portable column types, re-exported from :mod:`orderbridge.sql.types` (their home,
below storage and messaging) for the storage modules that import them from here."""

from orderbridge.sql.types import BigIntId, JSONType, UTCDateTime, utcnow

__all__ = ["BigIntId", "JSONType", "UTCDateTime", "utcnow"]
