"""Per-API-key request rates: a token bucket, in memory or shared through PostgreSQL.

Each key may make ``rate`` requests per second on average and ``burst`` at once. The
bucket is kept as GCRA (the generic cell rate algorithm) keeps it: one number per key,
the *theoretical arrival time* ``tat`` — when the bucket would be full again. A request
at ``now`` is allowed when ``tat - now`` leaves room for one more within the burst,
and moves ``tat`` on by ``1 / rate``; refused, it learns how long until there is room
(the 429's ``Retry-After``).

One API process on SQLite keeps the buckets in memory (:class:`MemoryRateLimits`).
Several API processes on PostgreSQL share them (:class:`SqlRateLimits`): one statement
per request, an upsert on ``rate_limits`` that moves ``tat`` only when the request is
allowed, so concurrent requests of a key across processes never overdraw it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, Float, String, text
from sqlalchemy.orm import Mapped, mapped_column

from orderbridge.storage.db import Base


class RateLimitRow(Base):
    """One API key's bucket: when it would be full again (Unix seconds)."""

    __tablename__ = "rate_limits"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    tat: Mapped[float] = mapped_column(Float)


@dataclass(frozen=True)
class Rate:
    """``per_second`` requests on average, ``burst`` at once."""

    per_second: float
    burst: int

    @property
    def interval(self) -> float:
        return 1.0 / self.per_second

    @property
    def window(self) -> float:
        """How far ``tat`` may run ahead of now before a request is refused."""
        return self.interval * self.burst


class MemoryRateLimits:
    """The buckets of this process (SQLite: one API process)."""

    def __init__(self, rate: Rate, *, clock: Callable[[], float] = time.time) -> None:
        self.rate = rate
        self._clock = clock
        self._tat: dict[str, float] = {}
        self._lock = threading.Lock()

    def take(self, key: str) -> float | None:
        """None if ``key`` may make a request now, else the seconds until it may."""
        now = self._clock()
        with self._lock:
            tat = max(self._tat.get(key, now), now) + self.rate.interval
            if tat - now > self.rate.window:
                return tat - now - self.rate.window
            self._tat[key] = tat
            return None


_TAKE = text(
    "INSERT INTO rate_limits (key, tat) VALUES (:key, :now + :interval) "
    "ON CONFLICT (key) DO UPDATE SET tat = GREATEST(rate_limits.tat, :now) + :interval "
    "WHERE GREATEST(rate_limits.tat, :now) + :interval - :now <= :window "
    "RETURNING tat"
)
_LOOK = text("SELECT tat FROM rate_limits WHERE key = :key")


class SqlRateLimits:
    """The buckets in PostgreSQL's ``rate_limits``, shared by every API process."""

    def __init__(self, engine: Engine, rate: Rate, *, clock: Callable[[], float] = time.time):
        self.rate = rate
        self._engine = engine.execution_options(isolation_level="AUTOCOMMIT")
        self._clock = clock

    def take(self, key: str) -> float | None:
        """None if ``key`` may make a request now, else the seconds until it may."""
        now = self._clock()
        params = {
            "key": key,
            "now": now,
            "interval": self.rate.interval,
            "window": self.rate.window,
        }
        with self._engine.connect() as conn:
            if conn.execute(_TAKE, params).first() is not None:
                return None
            tat = conn.execute(_LOOK, {"key": key}).scalar_one()
        return max(0.0, float(tat) + self.rate.interval - now - self.rate.window)


RateLimits = MemoryRateLimits | SqlRateLimits


def rate_limits_for(engine: Engine, rate: Rate) -> RateLimits:
    """Shared buckets on PostgreSQL, this process's on SQLite."""
    if engine.dialect.name == "postgresql":
        return SqlRateLimits(engine, rate)
    return MemoryRateLimits(rate)
