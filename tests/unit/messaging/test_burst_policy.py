"""Burst priority's policy (``messaging/pressure.py`` ``BurstPolicy``), on a fake clock.

Orders waiting at or above the threshold make the worker keep only its floor of slots;
the burst ends below half the threshold; a deferral never lasts longer than
``longest``, and is followed by as long at full concurrency whatever the gauge says.
"""

from __future__ import annotations

import pytest

from orderbridge.messaging.pressure import BurstPolicy, IntakeGauge


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _policy(clock: _Clock, gauge: IntakeGauge, threshold: int = 64) -> BurstPolicy:
    return BurstPolicy(gauge, threshold=threshold, slots=2, longest=5.0, clock=clock)


def _waiting(gauge: IntakeGauge, count: int) -> None:
    gauge.in_flight = count


def test_steady_load_below_the_threshold_keeps_every_slot() -> None:
    clock, gauge = _Clock(), IntakeGauge()
    policy = _policy(clock, gauge)
    for waiting in (0, 10, 63):
        _waiting(gauge, waiting)
        assert policy.slots(64) == 64
    assert not policy.deferring
    assert policy.recheck_in() is None
    assert policy.deferrals == 0


def test_a_burst_leaves_the_floor_until_the_queue_falls_below_half() -> None:
    clock, gauge = _Clock(), IntakeGauge()
    policy = _policy(clock, gauge)
    _waiting(gauge, 300)
    assert policy.slots(64) == 2
    assert policy.deferring
    assert policy.recheck_in() == BurstPolicy.RECHECK
    clock.now += 1.0
    _waiting(gauge, 40)  # below the threshold, not below half of it: still a burst
    assert policy.slots(64) == 2
    _waiting(gauge, 31)
    assert policy.slots(64) == 64
    assert not policy.deferring
    assert policy.deferrals == 1


def test_a_deferral_ends_after_longest_and_full_speed_follows_as_long() -> None:
    """Overload that never ends: the worker still runs at full concurrency at least
    half of the time."""
    clock, gauge = _Clock(), IntakeGauge()
    policy = _policy(clock, gauge)
    _waiting(gauge, 1000)
    assert policy.slots(64) == 2
    clock.now += 4.99
    assert policy.slots(64) == 2
    assert policy.recheck_in() == pytest.approx(0.01)  # the bound is near: look then
    clock.now += 0.01
    assert policy.slots(64) == 64  # the bound
    clock.now += 4.99
    assert policy.slots(64) == 64  # as long at full speed, though the burst goes on
    clock.now += 0.01
    assert policy.slots(64) == 2  # then it may defer again
    assert policy.deferrals == 2


def test_the_floor_never_exceeds_the_concurrency_and_zero_turns_it_off() -> None:
    clock, gauge = _Clock(), IntakeGauge()
    _waiting(gauge, 10_000)
    assert _policy(clock, gauge).slots(1) == 1
    off = _policy(clock, gauge, threshold=0)
    assert off.slots(64) == 64
    assert not off.deferring


def test_the_gauge_counts_what_is_inside_even_when_it_raises() -> None:
    gauge = IntakeGauge()
    with gauge, gauge:
        assert gauge.in_flight == 2
    with pytest.raises(RuntimeError), gauge:
        raise RuntimeError("refused")
    assert gauge.in_flight == 0


def test_nonsense_settings_are_refused() -> None:
    gauge = IntakeGauge()
    with pytest.raises(ValueError):
        BurstPolicy(gauge, threshold=64, slots=0, longest=5.0)
    with pytest.raises(ValueError):
        BurstPolicy(gauge, threshold=64, slots=2, longest=0.0)
