"""The worker's gather window (``messaging/pacing.py`` ``Gather``), on a fake clock.

A small claim opens a window (the next claim waits for it); an empty or a full claim
opens none; and a window that gathered a full batch turns windows off for a while,
so that a stream fast enough to fill batches by itself is never held back.
"""

from __future__ import annotations

from orderbridge.messaging.pacing import Gather


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_small_claim_opens_a_window_and_an_empty_or_full_one_does_not() -> None:
    clock = _Clock()
    gather = Gather(0.05, clock)
    gather.claimed(2, full=False)
    assert gather.holding()
    assert abs(gather.left() - 0.05) < 1e-9
    clock.now += 0.05
    assert not gather.holding()
    gather.claimed(0, full=False)
    assert not gather.holding()
    gather.claimed(9, full=True)
    assert not gather.holding()


def test_a_window_that_fills_a_batch_turns_windows_off_for_a_spell() -> None:
    """At 200 orders/s a 50 ms window gathers ten jobs: the small claim after that
    full one must not hold the worker for another window."""
    clock = _Clock()
    gather = Gather(0.05, clock)
    gather.claimed(2, full=False)  # a window opens
    clock.now += 0.05
    gather.claimed(10, full=True)  # it gathered a full batch
    clock.now += 0.01
    gather.claimed(3, full=False)  # the few that came since: claimed, no window
    assert not gather.holding()
    clock.now += 0.01
    gather.claimed(1, full=False)
    assert not gather.holding()
    clock.now += Gather.FAST_SPELL  # the spell is over: a trickle gathers again
    gather.claimed(1, full=False)
    assert gather.holding()


def test_a_full_claim_without_a_window_and_a_quiet_spell_keep_windows_on() -> None:
    clock = _Clock()
    gather = Gather(0.05, clock)
    gather.claimed(16, full=True)  # a backlog, not a gathered window
    gather.claimed(2, full=False)
    assert gather.holding()
    clock.now += 0.05
    gather.claimed(10, full=True)  # the window filled a batch: a fast spell
    gather.claimed(0, full=False)  # then nothing at all: the stream stopped
    gather.claimed(1, full=False)
    assert gather.holding()
