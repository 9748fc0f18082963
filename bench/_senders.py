"""Open-loop order POSTs from several processes, for rates one process cannot send.

``e2e_orders.steady_load`` sends from one asyncio loop. At a few thousand orders a
second that loop spends most of a core itself (building each body, the HTTP exchange,
a task per POST): it would post late and set the rate instead of the server under
test. :func:`open_loop` runs ``steady_load`` in ``processes`` spawned processes, each
at ``rate / processes`` under a tag of its own (so channel order ids and Idempotency-Keys
never meet), their schedules interleaved (process ``i`` starts ``i / rate`` later), all
released together once every one has started. Each reports how late its POSTs left
against their schedule (``lag``) and the CPU it spent, so a run can show that the load
generator kept up. The senders run on uvloop, as ``serve`` does: the same POSTs cost
them less CPU, which on a two-core machine is CPU left to the server under test.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from queue import Queue
from typing import Any

import uvloop

from e2e_orders import steady_load

START_TIMEOUT = 120.0  # seconds for every sender to import and reach the start line


@dataclass
class Posted:
    """What the senders saw: order id → send time (wall clock), POST latencies,
    failures, each POST's lag behind its schedule, each sender's CPU seconds, and
    the wall time from the start until the last answer."""

    sent: dict[str, float]
    latency: list[float]
    failures: int
    lag: list[float]
    cpu_seconds: list[float]
    wall_seconds: float


def open_loop(
    url: str, lines: dict[str, Any], rate: float, seconds: float, *, processes: int, tag: str
) -> Posted:
    """POST ``rate`` orders a second for ``seconds`` at ``url`` from ``processes``
    sender processes (see the module docstring)."""
    context = multiprocessing.get_context("spawn")  # no state of this process inherited
    barrier = context.Barrier(processes + 1)
    results: Queue[tuple[Any, ...]] = context.Queue()
    share = rate / processes
    senders = [
        context.Process(
            target=_send,
            args=(url, lines, share, seconds, f"{tag}s{i}", i / rate, barrier, results),
            daemon=True,
        )
        for i in range(processes)
    ]
    for sender in senders:
        sender.start()
    try:
        barrier.wait(timeout=START_TIMEOUT)
        began = time.perf_counter()
        outcome = [results.get(timeout=seconds + START_TIMEOUT) for _ in senders]
        wall = time.perf_counter() - began
    finally:
        for sender in senders:
            sender.join(timeout=10)
            if sender.is_alive():
                sender.kill()
    posted = Posted({}, [], 0, [], [], wall)
    for sent, latency, failures, lag, cpu in outcome:
        posted.sent.update(sent)
        posted.latency.extend(latency)
        posted.failures += failures
        posted.lag.extend(lag)
        posted.cpu_seconds.append(cpu)
    return posted


def _send(
    url: str,
    lines: dict[str, Any],
    rate: float,
    seconds: float,
    tag: str,
    offset: float,
    barrier: Barrier,
    results: Queue[tuple[Any, ...]],
) -> None:
    """One sender process: wait for the others, then post its share."""
    barrier.wait(timeout=START_TIMEOUT)
    time.sleep(offset)
    lag: list[float] = []
    cpu = time.process_time()
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:  # the cheaper loop
        sent, latency, failures = runner.run(
            steady_load([url], lines, rate, seconds, tag=tag, lag=lag)
        )
    results.put((sent, latency, failures, lag, time.process_time() - cpu))
