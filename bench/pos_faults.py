"""Benchmark: orders reaching the POS while the POS answers a share of calls with 503.

Real processes on 127.0.0.1, one fresh set per fault rate: the Poster sandbox
(``orderbridge sandbox poster``) and one ``orderbridge serve`` running the API and a
worker (the demo's setup) on SQLite, with the production defaults for the lease, the
retry schedule (5 s doubling; the cap lowered to ``--retry-cap`` so the drain ends
within minutes) and the circuit breaker. Once the menus are imported, the sandbox's
``http_5xx_rate`` fault (the knob ``--http-5xx-rate`` sets; here through its control
API, since a menu import of a dozen calls at 50% 503s would not finish) answers every
API call 503 with probability R, seeded dice. Orders are posted open-loop at ``--rate`` for
``--seconds`` (order ``i`` leaves at ``t0 + i / rate``, whatever the answers). Figures
per fault rate:

* *during*: orders whose ``order.submitted`` entry (written once Poster answered the
  create) falls inside the load window, per second of the window — what the issue
  calls "orders/s reaching the POS"; and that figure as a share of the no-fault run's;
* the circuit openings the hub logged (``circuit opened``), and how long after the
  faults began the first came (``--faults 1`` shows how soon a POS that is down opens it);
* then the faults are switched off and the run waits until every acknowledged order is
  at the POS: *lost* (acknowledged, never at the POS) and *doubled* (at the POS twice,
  by the hub's ``[ob:<id>]`` marker) must both be 0.

The goal from issue #15: under 20% 503s, orders reach the POS at ≥ 70% of the
no-fault rate. Runnable alone::

    uv run python bench/pos_faults.py [--faults 0 0.2 0.5] [--rate 5] [--seconds 60]
        [--retry-cap 60]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import subprocess
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from _peer import load_average
from _root import ROOT, stack
from e2e_orders import database, hub_env, percentile, steady_load, submitted_latency

DRAIN_SECONDS = 900.0  # safety net only: a drain normally ends within --retry-cap × 2
GOAL_SHARE_AT_20 = 0.7


def fault_phase(
    fault: float, rate: float, seconds: float, retry_cap: float, folder: Path
) -> dict[str, Any]:
    """One fresh hub and sandbox answering ``fault`` of calls with 503; the figures."""
    env = hub_env(poll=0.2, concurrency=16, pos_rate=1000.0)
    env["ORDERBRIDGE_RETRY_CAP_SECONDS"] = f"{retry_cap:g}"
    env["ORDERBRIDGE_LOG_LEVEL"] = "WARNING"  # circuit changes are warnings
    with (
        database("sqlite", folder) as (db_url, _postmaster),
        stack.hub_stack(
            db_url, folder, workers=0, api_worker=True, poster_timeout=10, **env
        ) as running,
    ):
        lines = stack.menu_lines(running.hub_url)
        running.faults(http_5xx_rate=fault)
        faulty_since = time.time()
        load_before = load_average()
        began = time.time()
        sent, post_latency, failures = asyncio.run(
            steady_load([running.hub_url], lines, rate, seconds, retry_seconds=30.0)
        )
        window_end = began + seconds
        during = _submitted_between(sent, db_url, began, window_end)
        posted = time.time()
        # Faults off: what is left is the retry schedule's doing, not the POS's.
        running.faults(http_5xx_rate=0.0)
        latency: dict[str, float] = {}
        while time.time() < posted + DRAIN_SECONDS:
            latency = submitted_latency(sent, db_url)
            if len(latency) == len(sent):
                break
            time.sleep(0.5)
        drained = time.time()
        markers = stack.pos_markers(running.poster_url)
        opened = _circuit_openings((folder / "api.log").read_text(errors="replace"))
    drained_all = len(latency) == len(sent)
    at_pos = list(latency.values())
    return {
        "fault_503_rate": fault,
        "rate": rate,
        "seconds": seconds,
        "load_average_before": load_before,
        "orders_sent": int(rate * seconds),
        "acknowledged": len(sent),
        "post_failures": failures,
        "post_p99_ms": round(percentile(post_latency, 99) * 1000, 1),
        "at_pos_during_window": during,
        "at_pos_per_second": round(during / seconds, 2),
        "at_pos_p50_s": round(percentile(at_pos, 50), 2) if at_pos else None,
        "at_pos_max_s": round(max(at_pos), 2) if at_pos else None,
        "circuit_openings": len(opened),
        "circuit_opened_after_s": round(opened[0] - faulty_since, 1) if opened else None,
        "drain_seconds": round(drained - posted, 1),
        "lost": sum(1 for order in sent if markers[order] == 0) if drained_all else None,
        "doubled": sum(1 for count in markers.values() if count > 1),
    }


def _circuit_openings(log: str) -> list[float]:
    """When the hub logged ``circuit opened`` (Unix times, from each line's timestamp)."""
    found = []
    for line in log.splitlines():
        if "circuit opened" in line:
            stamp = line.split(" ", 1)[0].rstrip("Z")
            found.append(datetime.fromisoformat(stamp).replace(tzinfo=UTC).timestamp())
    return found


def _submitted_between(sent: dict[str, float], db_url: str, start: float, end: float) -> int:
    """Orders of ``sent`` whose ``order.submitted`` entry lies in ``[start, end]``."""
    submitted = submitted_latency(sent, db_url)
    return sum(1 for order, took in submitted.items() if start <= sent[order] + took <= end)


def revision() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faults", type=float, nargs="+", default=[0.0, 0.2, 0.5])
    parser.add_argument("--rate", type=float, default=5.0, help="orders per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to post")
    parser.add_argument(
        "--retry-cap", type=float, default=60.0, help="ORDERBRIDGE_RETRY_CAP_SECONDS (s)"
    )
    args = parser.parse_args()

    phases = []
    for fault in args.faults:
        with tempfile.TemporaryDirectory(prefix="ob-pos-faults-") as tmp:
            phase = fault_phase(fault, args.rate, args.seconds, args.retry_cap, Path(tmp))
        phases.append(phase)
        print(
            f"503 rate {fault:>4.0%} (load {phase['load_average_before']}): "
            f"{phase['at_pos_during_window']}/{phase['acknowledged']} orders at the POS "
            f"during the {args.seconds:g} s window = {phase['at_pos_per_second']}/s; "
            f"circuit opened {phase['circuit_openings']}× (first after "
            f"{phase['circuit_opened_after_s']} s); at-POS p50 "
            f"{phase['at_pos_p50_s']} s, max {phase['at_pos_max_s']} s; drained in "
            f"{phase['drain_seconds']} s; lost {phase['lost']}, doubled {phase['doubled']}"
        )
    baseline = next((p["at_pos_per_second"] for p in phases if p["fault_503_rate"] == 0), None)
    for phase in phases:
        share = phase["at_pos_per_second"] / baseline if baseline else None
        phase["share_of_no_fault"] = round(share, 3) if share is not None else None
    at_20 = next((p for p in phases if p["fault_503_rate"] == 0.2), None)
    goal_met = None
    if at_20 is not None and at_20["share_of_no_fault"] is not None:
        goal_met = at_20["share_of_no_fault"] >= GOAL_SHARE_AT_20
        print(
            f"under 20% 503s: {at_20['share_of_no_fault']:.0%} of the no-fault rate "
            f"(goal ≥ {GOAL_SHARE_AT_20:.0%}: {'met' if goal_met else 'NOT met'})"
        )
    summary = {
        "bench": "pos_faults",
        "revision": revision(),
        "machine": f"{platform.machine()} {platform.processor() or ''}".strip(),
        "cpus": len(os.sched_getaffinity(0)),
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "goal_20pct_met": goal_met,
        "phases": phases,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
