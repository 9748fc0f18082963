"""A mapping whose values are made on their first lookup: the connector registry's
entries (a kind's package imported when that kind is first looked up) and the
composition root's connection set-ups use it, to keep what a deployment never
connects out of its memory (docs/benchmarks.md, "Idle RSS … (round 7, rss3)")."""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Mapping
from typing import TypeVar

V = TypeVar("V")


class OnFirstLookup(Mapping[str, V]):
    """``key → make(key)`` for every key of ``keys``, each made once, when first looked
    up (thread-safe: API threads may look up the same key at once). Iterating lists the
    keys without making anything; ``.items()``/``.values()`` make them all."""

    def __init__(self, keys: Collection[str], make: Callable[[str], V]) -> None:
        self._keys = keys
        self._make = make
        self._made: dict[str, V] = {}
        self._lock = threading.Lock()

    def __getitem__(self, key: str) -> V:
        found = self._made.get(key)
        if found is not None:
            return found
        if key not in self._keys:
            raise KeyError(key)
        with self._lock:
            found = self._made.get(key)
            if found is None:
                found = self._made[key] = self._make(key)
        return found

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys)

    def __len__(self) -> int:
        return len(self._keys)

    def made(self, key: str) -> bool:
        """Whether ``key``'s value has been made by a lookup."""
        return key in self._made
