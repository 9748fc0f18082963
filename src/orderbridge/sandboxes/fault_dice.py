"""What every sandbox's fault injection shares: seeded dice and a sliding rate window.

Each vendor's ``faults.py`` keeps its own ``FaultConfig`` (the knobs it can suffer,
named as ``POST /_sandbox/faults`` takes them) and decides which of its own answers a
fault becomes (a 503, Poster's error 44/700, a 429 …). The mechanics under those
decisions are the same everywhere and live here: rates draw from an RNG seeded by the
config so a run repeats, reseeded whenever the config is replaced; a rate limit counts
calls in a sliding window of monotonic time; a ``next_*`` counter fails exactly the
next N calls. :class:`PosFaultDice` adds the hang and webhook faults the POS sandboxes
share.
"""

from __future__ import annotations

import random
import time
from collections import deque
from typing import Generic, Protocol, TypeVar


class _Seeded(Protocol):
    @property
    def seed(self) -> int | None: ...


class _PosKnobs(Protocol):
    seed: int | None
    next_hang: int
    hang_rate: float
    webhook_drop_rate: float
    webhook_duplicate_rate: float


ConfigT = TypeVar("ConfigT", bound=_Seeded)
PosConfigT = TypeVar("PosConfigT", bound=_PosKnobs)


class FaultDice(Generic[ConfigT]):
    """A vendor's fault knobs plus the seeded dice and call window they are rolled with.

    ``configure`` replaces the knobs and starts over: the dice reseeded, the window empty.
    """

    def __init__(self, config: ConfigT) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self._calls: deque[float] = deque()

    def configure(self, config: ConfigT) -> None:
        self.config = config
        self.rng = random.Random(config.seed)
        self._calls.clear()

    def _spend(self, counter: str) -> bool:
        """Use up one of the config's ``next_*`` faults; False when none are left."""
        left: int = getattr(self.config, counter)
        if not left:
            return False
        setattr(self.config, counter, left - 1)
        return True

    def _roll(self, rate: float) -> bool:
        """True with probability ``rate``; a zero rate never rolls (the dice stay put)."""
        return rate > 0 and self.rng.random() < rate

    def _over_rate_limit(self, calls: int, window_seconds: float, now: float | None) -> bool:
        """Whether this call is past ``calls`` per ``window_seconds`` (0 calls: no limit).

        A call over the limit is not counted, as a refused call costs the caller nothing.
        """
        if not calls:
            return False
        moment = time.monotonic() if now is None else now
        while self._calls and moment - self._calls[0] >= window_seconds:
            self._calls.popleft()
        if len(self._calls) >= calls:
            return True
        self._calls.append(moment)
        return False


class PosFaultDice(FaultDice[PosConfigT]):
    """The faults both POS sandboxes (Poster, Countertop) add, under the same knob names:
    writes done but never answered, and webhooks dropped or sent twice."""

    def hang_after_write(self) -> bool:
        """Whether to do this write but never send its answer (the ``next_hang``
        counter first, then ``hang_rate``)."""
        return self._spend("next_hang") or self._roll(self.config.hang_rate)

    def drop_webhook(self) -> bool:
        return self._roll(self.config.webhook_drop_rate)

    def duplicate_webhook(self) -> bool:
        return self._roll(self.config.webhook_duplicate_rate)
