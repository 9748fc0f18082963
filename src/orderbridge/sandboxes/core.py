"""What every sandbox object holds besides its vendor's rules.

A sandbox (Poster, Wix, Countertop) is one world (a pydantic model, saved to its
``--state`` file through :class:`~orderbridge.sandboxes.persistence.StateFile`), its
fault dice, a clock and a sleep. The clock and the sleep are injected so that tests can
move time and sit through latency and hang faults without real waiting. Each sandbox
adds its own event sink, keys and API on top.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Generic, TypeVar

from pydantic import BaseModel

from orderbridge.sandboxes.persistence import StateFile

W = TypeVar("W", bound=BaseModel)
F = TypeVar("F")

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[None]]


def utcnow() -> datetime:
    """The real clock, aware and in UTC (the default ``clock``)."""
    return datetime.now(UTC)


class SandboxCore(StateFile[W], Generic[W, F]):
    """One sandbox's world, faults, clock and sleep; not thread-safe (one event loop)."""

    def __init__(
        self,
        world: W,
        *,
        faults: F,
        clock: Clock = utcnow,
        state_file: Path | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.world = world
        self.faults = faults
        self.clock = clock
        self.state_file = state_file
        self.sleep = sleep
        self.dirty = False
