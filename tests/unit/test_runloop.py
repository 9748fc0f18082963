"""``orderbridge.runloop``: the loop of ``serve`` and ``worker`` and its heap trimming."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator

import pytest

from orderbridge import runloop


@pytest.fixture(autouse=True)
def _collector_as_it_was() -> Iterator[None]:
    """``runloop.run`` tunes the collector process-wide (gctune.py; tested in
    test_gctune.py); the test process gets its own settings back."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_run_returns_what_main_returns() -> None:
    async def main() -> str:
        await asyncio.sleep(0)
        return "done"

    assert runloop.run(main()) == "done"


def test_malloc_trim_is_found_on_glibc_and_callable() -> None:
    """The hub's platforms (Linux, glibc: the container's Debian) have it."""
    trim = runloop.malloc_trim()
    assert trim is not None
    assert trim() in (0, 1)  # 1: memory was released, 0: there was none to release


def test_trimmed_trims_while_main_runs_and_stops_with_it() -> None:
    calls: list[int] = []

    def trim() -> None:
        calls.append(1)

    async def main() -> int:
        # Wait on the condition (two trims), with a generous safety net.
        for _ in range(10_000):
            if len(calls) >= 2:
                return len(calls)
            await asyncio.sleep(0.001)
        raise AssertionError("never trimmed")

    async def scenario() -> tuple[int, int]:
        seen = await runloop.trimmed(main(), trim, first=0.0, every=0.0)
        after = len(calls)
        await asyncio.sleep(0.01)  # a stopped trimmer calls no more
        return seen, len(calls) - after

    seen, later = asyncio.run(scenario())
    assert seen >= 2
    assert later == 0


def test_trimmed_without_a_trim_just_runs_main() -> None:
    async def main() -> str:
        return "plain"

    assert asyncio.run(runloop.trimmed(main(), None)) == "plain"
