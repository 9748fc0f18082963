"""``bench/peers.py``'s acknowledgement phase: when a rate counts, where the sweep stops,
the ratio against Node-RED (``bench/_ack_rule.py``; pure, so tested without servers)."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.fixture(scope="module")
def rule() -> Any:
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("_ack_rule")
    finally:
        sys.path.remove(str(BENCH))


def phase(rate: float, **changes: Any) -> dict[str, Any]:
    """A phase that acknowledged ``rate`` in full, with ``changes``."""
    figures: dict[str, Any] = {
        "rate": rate,
        "orders_sent": int(rate * 5),
        "acknowledged": int(rate * 5),
        "failures": 0,
        "ack_p99_ms": 40.0,
        "missing_in_database": 0,
        "lost": 0,
        "doubled": 0,
        "sender_lag_p99_ms": 3.0,
    }
    return {**figures, **changes}


def test_a_rate_answered_in_full_and_on_time_counts(rule: Any) -> None:
    assert rule.ack_held(phase(1000))


@pytest.mark.parametrize(
    "changes",
    [
        {"failures": 1},
        {"acknowledged": 4999},
        {"ack_p99_ms": 250.0},  # the bound itself is too slow
        {"missing_in_database": 1},  # a 201 for an order that is not stored
        {"lost": 1},
        {"doubled": 2},
        {"sender_lag_p99_ms": 25.0},  # the generator sent late: not the rate named
        {"sender_lag_p99_ms": None},  # nothing measured: nothing shown
    ],
)
def test_a_rate_does_not_count_when(rule: Any, changes: dict[str, Any]) -> None:
    assert not rule.ack_held(phase(1000, **changes))


def test_lost_unknown_before_the_worker_caught_up_does_not_fail_the_rate(rule: Any) -> None:
    """Whether acks kept up is the phase's question; a backlog still draining is not a loss."""
    assert rule.ack_held(phase(1000, lost=None))


def test_the_capacity_is_the_highest_rate_counted_from_the_lowest_up(rule: Any) -> None:
    phases = [phase(4000, ack_p99_ms=900.0), phase(1000), phase(2000), phase(8000)]
    assert rule.ack_capacity(phases) == 2000
    assert rule.ack_capacity([phase(1000, failures=3), phase(2000)]) == 0.0
    assert rule.ack_capacity([]) == 0.0


def test_the_ratio_is_over_node_reds_held_rate(rule: Any) -> None:
    assert rule.ack_ratio(2000.0, 800.0) == 2.5
    assert rule.ack_ratio(4000.0, 800.0) == 5.0
    assert rule.ack_ratio(2000.0, 0.0) is None  # Node-RED held nothing: no ratio


def test_each_sender_is_given_at_most_its_share(rule: Any) -> None:
    assert rule.senders_for(400) == 2  # never one alone
    assert rule.senders_for(1000) == 2
    assert rule.senders_for(2001) == 3
    assert rule.senders_for(8000) == 8
    assert rule.senders_for(3000, per_sender=2000) == 2
