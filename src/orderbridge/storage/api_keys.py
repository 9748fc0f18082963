"""Who an API key belongs to, and a short-lived cache of the answer for the HTTP layer.

Every storefront and admin request presents a key; reading ``api_keys`` for each one
cost a query and, from an async route, a hop to a thread. :class:`ApiKeyCache` keeps
the keys recently seen in this process (by their SHA-256 digest, never the plain key)
for ``ttl`` seconds (:data:`DEFAULT_TTL_SECONDS`, 5), with these rules:

* A key revoked, re-scoped or deleted in this process (``admin.revoke_api_key``, the
  admin API, the dashboard …) is refused as soon as that change commits
  (:meth:`ApiKeyCache.watch` empties the cache after each commit that touched an
  ``api_keys`` or ``tenants`` row through the ORM). A change made by another process
  (the CLI, another API replica) or by raw SQL is seen within ``ttl``: a key revoked
  there keeps working here for at most that long.
* Unknown and revoked keys are never cached: each such request reads the table, so a
  key issued by another process works at once and a refusal is always fresh.
* At most ``max_entries`` keys are kept (:data:`DEFAULT_MAX_ENTRIES`); past that the
  oldest entry goes first.

:meth:`ApiKeyCache.get` only looks in memory; :meth:`ApiKeyCache.load` reads the table
(call it from a thread in async code) and remembers what it found.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Select, Table, bindparam, select
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.security import hash_api_key
from orderbridge.storage import tables as t
from orderbridge.storage.commit_hooks import invalidate_on_commit

DEFAULT_TTL_SECONDS = 5.0
DEFAULT_MAX_ENTRIES = 1024
_WATCHED = (t.ApiKey, t.Tenant)


@dataclass(frozen=True)
class Caller:
    """Who an API key belongs to.

    ``owner_id`` is what the orders and reservations it places carry (``placed_by``):
    a storefront key reads and cancels only those.
    """

    tenant_id: str
    key_id: str
    scope: str
    owner_id: str = ""

    @property
    def is_admin(self) -> bool:
        return self.scope == "admin"

    def owns(self, placed_by: str | None) -> bool:
        """Whether this caller may see what was placed by ``placed_by``: an admin key
        sees everything of its tenant, a storefront key what its owner placed."""
        return self.is_admin or (placed_by is not None and placed_by == self.owner_id)


def _by_digest() -> Select[Any]:
    keys = cast(Table, t.ApiKey.__table__)
    return select(
        keys.c.id, keys.c.tenant_id, keys.c.scope, keys.c.revoked_at, keys.c.owner_id
    ).where(keys.c.key_hash == bindparam("key_hash"))


# Built once, on the Core table (no ORM entity to load): it runs for each key not cached.
_BY_DIGEST = _by_digest()


def find_caller(session: Session, digest: str) -> Caller | None:
    """The caller whose key has SHA-256 ``digest``, or None (unknown or revoked)."""
    row = session.execute(_BY_DIGEST, {"key_hash": digest}).first()
    if row is None or row.revoked_at is not None:
        return None
    return Caller(
        tenant_id=row.tenant_id, key_id=row.id, scope=row.scope, owner_id=row.owner_id or row.id
    )


class ApiKeyCache:
    """Key digest → :class:`Caller`, cached in this process (see the module docstring)."""

    def __init__(
        self,
        sessions: Callable[[], Session],
        *,
        ttl: float = DEFAULT_TTL_SECONDS,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl < 0:
            raise ValueError("ttl must not be negative")
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self._sessions = sessions
        self._ttl = ttl
        self._max_entries = max_entries
        self._monotonic = monotonic
        self._guard = threading.Lock()
        self._generation = 0
        self._entries: dict[str, tuple[float, Caller]] = {}

    @staticmethod
    def digest(key: str) -> str:
        """What the cache and the table know a key by."""
        return hash_api_key(key)

    def get(self, digest: str) -> Caller | None:
        """The cached caller of ``digest`` if it has not expired; never reads the table."""
        entry = self._entries.get(digest)
        if entry is None or entry[0] <= self._monotonic():
            return None
        return entry[1]

    def load(self, digest: str) -> Caller | None:
        """Read ``digest`` from the table; a live key is remembered for ``ttl`` seconds."""
        # Read the generation before the table: a revocation committed while this read
        # runs empties the cache after it, and the stale answer is then not kept.
        generation = self._generation
        expires = self._monotonic() + self._ttl
        with self._sessions() as session:
            found = find_caller(session, digest)
        with self._guard:
            self._entries.pop(digest, None)
            if found is not None and generation == self._generation:
                if len(self._entries) >= self._max_entries:
                    del self._entries[next(iter(self._entries))]
                self._entries[digest] = (expires, found)
        return found

    def __len__(self) -> int:
        return len(self._entries)

    def invalidate(self) -> None:
        """Forget every cached key (one was revoked, re-scoped or deleted)."""
        with self._guard:
            self._generation += 1
            self._entries.clear()

    def watch(self, sessions: sessionmaker[Session]) -> None:
        """Invalidate after each commit of ``sessions`` that changed a key or a tenant."""
        invalidate_on_commit(sessions, _WATCHED, self)
