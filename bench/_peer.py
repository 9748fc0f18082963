"""What ``bench/peers.py``'s phases (and ``recovery.py``, ``pos_faults.py``) share: a
running peer as the phases see it, its warm-up, and the machine's figures (load
average, a process's resident memory).
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from e2e_orders import steady_load

WARM_UP_RATE = 20.0  # orders per second while warming up (see warm_up)
DRAIN_SECONDS = 60.0  # how long a peer may take after the last POST to reach the POS


def rss_mib(pid: int, field_name: str = "VmHWM") -> float:
    """The process's peak (``VmHWM``) or current (``VmRSS``) resident memory, MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    return float("nan")


def load_average() -> float:
    return round(os.getloadavg()[0], 2)


@dataclass
class Peer:
    """What a phase needs from a running peer: where to post, which processes to
    measure, how to read what reached the POS, how to kill and restart it."""

    url: str
    poster_url: str
    processes: dict[str, int]  # name → pid, measured for CPU and RSS
    # (order id → send time, order id → ack latency) → order id → at-POS latency
    at_pos: Callable[[dict[str, float], dict[str, float]], dict[str, float]]
    restart: Callable[[], None]
    # The ids of the orders the peer has stored (orderbridge: its database).
    stored: Callable[[], Collection[str]] = frozenset


def warm_up(peer: Peer, lines: dict[str, Any], seconds: float) -> None:
    """Post ``WARM_UP_RATE`` orders a second for ``seconds`` under their own ids and wait
    until they are at the POS: both peers meet the measured load warm.

    A process that has just started pays once for what it loads on first use (the hub
    imports its POS client, phone numbers and credential cipher with the first order,
    to keep its idle memory small) and for its start-up work (menu imports); a
    restaurant's hub meets its Friday peak hours after it started. Not counted in any
    figure; the kill test's restarted process meets its load cold, as in production.
    """
    if seconds <= 0:
        return
    sent, _latency, _failures = asyncio.run(
        steady_load([peer.url], lines, WARM_UP_RATE, seconds, tag="warmup")
    )
    deadline = time.time() + DRAIN_SECONDS
    while len(peer.at_pos(sent, {})) < len(sent) and time.time() < deadline:
        time.sleep(0.25)
