"""Benchmark: storefront order → created at the Poster sandbox, at a steady rate.

Real processes on 127.0.0.1, SQLite: the Poster sandbox and ``orderbridge serve``
running the API and a worker in one process (the demo's setup); or, with ``--workers
N``, ``orderbridge serve --no-workers`` and N ``orderbridge worker`` processes. Orders are posted to
``POST /api/v1/orders`` open-loop (order ``i`` leaves at ``t0 + i / rate``, whatever the
answers), then the run waits until every order is ``submitted``. The latency of an
order is from the moment its POST was sent to the ``order.submitted`` entry of its
timeline, which the worker writes once Poster has answered createIncomingOrder (same
machine, same clock). 0 lost: every 201'd order reached the sandbox, exactly once.
Runnable alone::

    uv run python bench/e2e_orders.py [--rate 100] [--seconds 60] [--workers 0]
        [--poll 0.2] [--concurrency 16]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

from _root import cpu_seconds, stack
from orderbridge.storage.migrate import upgrade


async def steady_load(
    hub_url: str, lines: dict[str, Any], rate: float, seconds: float
) -> tuple[dict[str, float], list[float], int]:
    """POST ``rate * seconds`` orders open-loop; (order id → send time, POST latencies,
    failures)."""
    total = int(rate * seconds)
    sent: dict[str, float] = {}
    post_latency: list[float] = []
    failures = 0
    limits = httpx.Limits(max_connections=500, max_keepalive_connections=500)
    async with httpx.AsyncClient(
        base_url=hub_url, headers=stack.auth(), timeout=60, limits=limits
    ) as client:

        async def one(n: int) -> None:
            nonlocal failures
            body = stack.order_body(n, lines, "bench")
            started_wall = time.time()
            started = time.perf_counter()
            try:
                response = await client.post(
                    "/api/v1/orders", json=body, headers={"idempotency-key": f"bench-{n}"}
                )
            except httpx.HTTPError:
                failures += 1
                return
            if response.status_code != 201:
                failures += 1
                return
            post_latency.append(time.perf_counter() - started)
            sent[response.json()["id"]] = started_wall

        t0 = time.perf_counter()
        tasks = []
        for n in range(total):
            delay = t0 + n / rate - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n)))
        await asyncio.gather(*tasks)
    return sent, post_latency, failures


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
    return ordered[index]


def ms(value: float) -> float:
    return round(value * 1000, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=100.0, help="orders per second")
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to post")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="separate orderbridge worker processes (0: the worker runs inside serve)",
    )
    parser.add_argument("--poll", type=float, default=0.2, help="worker poll interval, s")
    parser.add_argument("--concurrency", type=int, default=16, help="jobs per worker at once")
    parser.add_argument(
        "--pos-rate", type=float, default=1000.0, help="per-worker POS call limit per second"
    )
    args = parser.parse_args()

    env = {
        "ORDERBRIDGE_LEASE_SECONDS": "30",
        "ORDERBRIDGE_POLL_INTERVAL_SECONDS": str(args.poll),
        "ORDERBRIDGE_WORKER_CONCURRENCY": str(args.concurrency),
        "ORDERBRIDGE_RETRY_BASE_SECONDS": "5",
        "ORDERBRIDGE_RETRY_CAP_SECONDS": "900",
        "ORDERBRIDGE_RETRY_MAX_ATTEMPTS": "12",
        "ORDERBRIDGE_POS_RATE_PER_SECOND": str(args.pos_rate),
        "ORDERBRIDGE_POS_RATE_BURST": str(max(20, int(args.pos_rate))),
        "ORDERBRIDGE_BREAKER_COOLDOWN_SECONDS": "30",
    }
    with tempfile.TemporaryDirectory(prefix="orderbridge-bench-") as tmp:
        folder = Path(tmp)
        db_url = f"sqlite:///{folder / 'orderbridge.db'}"
        upgrade(db_url)
        with stack.hub_stack(
            db_url,
            folder,
            workers=args.workers,
            api_worker=args.workers == 0,
            poster_timeout=10,
            **env,
        ) as running:
            lines = stack.menu_lines(running.hub_url)
            print(
                f"hub {running.hub_url}, sandbox {running.poster_url}, "
                f"{args.workers or 'in-process'} worker(s), "
                f"poll {args.poll} s, concurrency {args.concurrency}, SQLite"
            )
            processes = {"api": running.api, "sandbox": running.sandbox}
            processes.update({f"worker{i}": w for i, w in enumerate(running.workers, 1)})
            cpu_before = {name: cpu_seconds(p.pid) for name, p in processes.items() if p}
            began = time.perf_counter()
            sent, post_latency, failures = asyncio.run(
                steady_load(running.hub_url, lines, args.rate, args.seconds)
            )
            posting = time.perf_counter() - began
            statuses = stack.wait_until_submitted(running, set(sent), timeout=120)
            drained = time.perf_counter() - began
            cpu = {
                name: cpu_seconds(p.pid) - cpu_before[name] for name, p in processes.items() if p
            }
            markers = stack.pos_markers(running.poster_url)
            history = stack.timelines(db_url)

    submitted_at: dict[str, datetime] = {}
    for order, entries in history.items():
        for at, _status, event in entries:
            if event == "order.submitted":
                submitted_at[order] = at
    latency = [submitted_at[o].timestamp() - sent[o] for o in sent]
    lost = [o for o in sent if statuses.get(o) not in stack.PAST_RECEIVED or markers[o] == 0]
    doubled = [o for o, n in markers.items() if n > 1]
    figures = {
        "benchmark": "e2e_orders",
        "database": "sqlite",
        "rate_per_second": args.rate,
        "seconds": args.seconds,
        "workers": args.workers,
        "poll_interval_seconds": args.poll,
        "worker_concurrency": args.concurrency,
        "orders_sent": int(args.rate * args.seconds),
        "orders_created": len(sent),
        "post_failures": failures,
        "posting_seconds": round(posting, 1),
        "achieved_rate": round(len(sent) / posting, 1),
        "drained_seconds": round(drained, 1),
        "post_p50_ms": ms(statistics.median(post_latency)),
        "post_p99_ms": ms(percentile(post_latency, 99)),
        "pos_p50_ms": ms(statistics.median(latency)),
        "pos_p90_ms": ms(percentile(latency, 90)),
        "pos_p99_ms": ms(percentile(latency, 99)),
        "pos_max_ms": ms(max(latency)),
        "lost": len(lost),
        "duplicated_at_pos": len(doubled),
        "goal_p99_under_250ms": percentile(latency, 99) < 0.25,
        # CPU time each process spent from the first POST until every order was
        # submitted, per 201'd order (idle polling included).
        "cpu_ms_per_order": {
            name: round(seconds * 1000 / max(len(sent), 1), 2) for name, seconds in cpu.items()
        },
    }
    print(
        f"{figures['orders_created']} orders in {posting:.1f} s "
        f"({figures['achieved_rate']}/s), all submitted after {drained:.1f} s"
    )
    print(f"POST → 201:        p50 {figures['post_p50_ms']} ms, p99 {figures['post_p99_ms']} ms")
    print(
        f"POST → at the POS: p50 {figures['pos_p50_ms']} ms, p90 {figures['pos_p90_ms']} ms, "
        f"p99 {figures['pos_p99_ms']} ms, max {figures['pos_max_ms']} ms"
    )
    print(f"lost {len(lost)}, duplicated at the POS {len(doubled)}, POST failures {failures}")
    print(
        "CPU per order: "
        + ", ".join(f"{name} {value} ms" for name, value in figures["cpu_ms_per_order"].items())
    )
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
