"""When ``bench/peers.py``'s acknowledgement phase counts a rate as acknowledged in full.

Issue #12's goal: the hub's acknowledgement (201) capacity is at least five times the
rate Node-RED's synchronous forward holds in the same run — a burst is absorbed by the
queue and the worker catches up. The phase offers rising rates open-loop; a rate
counts (:func:`ack_held`) when every POST was answered 201 without a failure, ack p99
stayed under :data:`ACK_P99`, every 201'd order is in the database, none was lost or
doubled at the POS once the worker caught up, and the load generator itself kept up
(its POSTs left within :data:`SENDER_LAG_P99` of their schedule at p99; a generator that
falls behind sends a lower rate than the one named, so that rate is not shown). The
sweep stops at the first rate that does not count; the capacity is the highest rate
counted from the lowest up (:func:`ack_capacity`). Pure functions over the phase's
figures, so they can be tested without servers.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

ACK_P99 = 0.25  # seconds, the same bound as the sweep's
SENDER_LAG_P99 = 0.025  # seconds a POST may leave late (p99): a tenth of the ack bound
RATE_PER_SENDER = 1000.0  # orders per second one sender process is given at most
FEWEST_SENDERS = 2
"""Never one sender alone: at 1,000/s a lone sender used 0.16 of a core and still
posted 189 ms late at p99 (a quiet run, round 7) — not its own CPU but its wake-ups
queued behind ``serve``'s threads on the machine's two cores. Two processes halve what
each must send between two wake-ups, and each is scheduled on its own; the rule still
checks every sender's lag, so a rate they did not send on time is not counted."""


def senders_for(rate: float, per_sender: float = RATE_PER_SENDER) -> int:
    """How many sender processes share ``rate`` (each at most ``per_sender``, and
    never fewer than :data:`FEWEST_SENDERS`)."""
    return max(FEWEST_SENDERS, math.ceil(rate / per_sender))


def sender_kept_up(phase: Mapping[str, Any]) -> bool:
    """Whether the load generator posted on schedule."""
    lag = phase.get("sender_lag_p99_ms")
    return lag is not None and lag < SENDER_LAG_P99 * 1000


def ack_held(phase: Mapping[str, Any]) -> bool:
    """Whether the phase acknowledged its whole rate (see the module docstring)."""
    return (
        phase["failures"] == 0
        and phase["acknowledged"] == phase["orders_sent"]
        and phase["ack_p99_ms"] < ACK_P99 * 1000
        and phase["missing_in_database"] == 0
        and not phase.get("lost")
        and not phase.get("doubled")
        and sender_kept_up(phase)
    )


def ack_capacity(phases: Sequence[Mapping[str, Any]]) -> float:
    """The highest rate acknowledged in full, counting from the lowest rate up."""
    best = 0.0
    for phase in sorted(phases, key=lambda p: p["rate"]):
        if not ack_held(phase):
            break
        best = phase["rate"]
    return best


def ack_ratio(capacity: float, node_red_held: float) -> float | None:
    """The acknowledgement capacity over Node-RED's held rate (None: Node-RED held none)."""
    return round(capacity / node_red_held, 2) if node_red_held else None
