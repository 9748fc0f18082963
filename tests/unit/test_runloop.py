"""``orderbridge.runloop``: the loop of ``serve`` and ``worker`` and its heap trimming."""

from __future__ import annotations

import asyncio
import gc
import subprocess
import sys
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


_ARENAS_AFTER_SIX_THREADS = """
import ctypes, sys, threading
from orderbridge import runloop
if sys.argv[1] == "limit":
    assert runloop.limit_malloc_arenas()
kept = []
started, done = threading.Barrier(6), threading.Barrier(7)
def allocate():
    started.wait()  # all six alive at once: each may want an arena of its own
    kept.append([bytearray(1000) for _ in range(100)])
    done.wait()
threads = [threading.Thread(target=allocate) for _ in range(6)]
for thread in threads:
    thread.start()
done.wait()
ctypes.CDLL(None).malloc_stats()  # one "Arena N:" block per arena, on stderr
for thread in threads:
    thread.join()
"""


def _arenas(mode: str, **env: str) -> int:
    ran = subprocess.run(
        [sys.executable, "-c", _ARENAS_AFTER_SIX_THREADS, mode],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    return sum(line.startswith("Arena ") for line in ran.stderr.splitlines())


def test_limit_malloc_arenas_caps_glibcs_arenas_per_thread() -> None:
    """Six threads allocating at once: six arenas besides the main one by default, at
    most ``MALLOC_ARENAS`` once limited."""
    assert _arenas("default") > runloop.MALLOC_ARENAS
    assert _arenas("limit") <= runloop.MALLOC_ARENAS


def test_malloc_arena_max_in_the_environment_wins() -> None:
    assert _arenas("default", MALLOC_ARENA_MAX="4") == 4
    assert not _limit_with_environment("4")


def _limit_with_environment(value: str) -> bool:
    probe = "from orderbridge import runloop\nprint(runloop.limit_malloc_arenas())\n"
    ran = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", "MALLOC_ARENA_MAX": value},
    )
    return ran.stdout.strip() == "True"
