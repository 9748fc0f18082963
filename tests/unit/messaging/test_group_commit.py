"""GroupCommit: every submitted item gets its own outcome, from batches written one
at a time (or ``writers`` at a time), and nothing submitted is left waiting."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence

import pytest

from orderbridge.messaging.group_commit import GroupCommit


class Recorder:
    """A ``write`` that doubles each item, refuses 13, and notes its batches."""

    def __init__(self) -> None:
        self.batches: list[list[int]] = []
        self.running = 0
        self.most_at_once = 0
        self._lock = threading.Lock()
        self.release = threading.Event()

    def write(self, items: Sequence[int]) -> list[int | BaseException]:
        with self._lock:
            self.batches.append(list(items))
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        self.release.wait(timeout=10)
        with self._lock:
            self.running -= 1
        return [ValueError(f"no {i}") if i == 13 else i * 2 for i in items]


def test_items_arriving_together_share_batches_and_get_their_own_outcomes() -> None:
    recorder = Recorder()
    group: GroupCommit[int, int] = GroupCommit(recorder.write)

    async def main() -> list[int | BaseException]:
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, recorder.release.set)
        return await asyncio.gather(*(group.submit(i) for i in range(20)), return_exceptions=True)

    outcomes = asyncio.run(main())
    assert outcomes[:13] == [i * 2 for i in range(13)]
    assert isinstance(outcomes[13], ValueError)
    assert outcomes[14:] == [i * 2 for i in range(14, 20)]
    # All were waiting when the writer started: one batch, in arrival order.
    assert recorder.batches == [list(range(20))]
    assert recorder.most_at_once == 1


def test_several_writers_write_batches_at_once_and_strand_nothing() -> None:
    recorder = Recorder()
    group: GroupCommit[int, int] = GroupCommit(recorder.write, writers=3, max_batch=2)

    async def main() -> tuple[list[int], int]:
        loop = asyncio.get_running_loop()
        loop.call_later(0.05, recorder.release.set)
        first = await asyncio.gather(*(group.submit(i) for i in range(10)))
        later = await group.submit(21)  # the lane went idle: a new writer serves it
        return first, later

    first, later = asyncio.run(main())
    assert first == [i * 2 for i in range(10)] and later == 42
    assert sorted(i for batch in recorder.batches for i in batch) == [*range(10), 21]
    assert recorder.most_at_once == 3


def test_a_failed_batch_is_written_again_one_item_at_a_time() -> None:
    calls: list[list[int]] = []

    def write(items: Sequence[int]) -> list[int | BaseException]:
        calls.append(list(items))
        if len(items) > 1:
            raise RuntimeError("the transaction failed")
        if items[0] == 2:
            raise RuntimeError("this one is bad")
        return [items[0]]

    group: GroupCommit[int, int] = GroupCommit(write, inline=True)

    async def main() -> list[int | BaseException]:
        return await asyncio.gather(*(group.submit(i) for i in range(4)), return_exceptions=True)

    outcomes = asyncio.run(main())
    assert outcomes[0] == 0 and outcomes[1] == 1 and outcomes[3] == 3
    assert isinstance(outcomes[2], RuntimeError)
    assert calls == [[0, 1, 2, 3], [0], [1], [2], [3]]


def test_writers_must_be_at_least_one() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        GroupCommit(lambda items: list(items), writers=0)
