"""Benchmark: the first orders of a fresh ``orderbridge serve``, and its memory after them.

The libraries only some work needs (aiohttp for the POS call, phonenumbers for a
customer's phone, cryptography for the connection's credentials) are imported on
first use, to keep an idle process small (docs/benchmarks.md, "Idle RSS of serve").
Imported on the event loop, they stall every request for as long as the import takes.
This bench shows whether they still do.

The setup of ``bench/idle_rss.py`` (a migrated SQLite file, the Poster sandbox, menus
imported), one ``orderbridge serve`` with its worker. Once it uses no CPU and has
idled ``--idle`` seconds, posts ``--orders`` orders one after the other, each waited
for until it is submitted at the POS, while a thread asks ``/health/live`` every 5 ms:
the longest of those answers is how long the event loop stood still. Prints each
order's time to its 201 and to the POS, the longest liveness answer during the first
order and during the others, ``VmRSS`` before the first order and once the process
is idle again after the last (the honest idle figure of a serve that has worked), and
one JSON object as the last line. Runnable alone::

    uv run python bench/first_order.py [--orders 6] [--idle 5] [--env NAME=VALUE]
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time

import httpx

from _idle_hub import add_env_option, env_values, hub_on_fresh_sqlite, memory, wait_until_idle
from _root import stack


class LivenessProbe:
    """Asks ``/health/live`` in a loop from a thread; remembers the slowest answer."""

    def __init__(self, hub_url: str) -> None:
        self._client = httpx.Client(base_url=hub_url, timeout=30.0)
        self._stop = threading.Event()
        self.slowest = 0.0
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            self._client.get("/health/live").raise_for_status()
            self.slowest = max(self.slowest, time.perf_counter() - started)
            time.sleep(0.005)

    def __enter__(self) -> LivenessProbe:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._client.close()


def one_order(
    running: stack.Stack, client: httpx.Client, body: dict[str, object]
) -> dict[str, float]:
    """POST one order; milliseconds to its 201 and until the hub has it submitted."""
    started = time.perf_counter()
    response = client.post(
        "/api/v1/orders", json=body, headers={"idempotency-key": str(body["channel_order_id"])}
    )
    assert response.status_code == 201, response.text
    acked = time.perf_counter()
    order_id = response.json()["id"]
    deadline = time.monotonic() + 60
    while stack.hub_statuses(running.db_url).get(order_id) not in stack.PAST_RECEIVED:
        assert time.monotonic() < deadline, f"order {order_id} not submitted"
        time.sleep(0.002)
    return {
        "ack_ms": round((acked - started) * 1000, 1),
        "at_pos_ms": round((time.perf_counter() - started) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=6, help="orders, one after the other")
    parser.add_argument("--idle", type=float, default=5.0, help="seconds idle before ordering")
    add_env_option(parser)
    args = parser.parse_args()
    extra = env_values(args.env)
    with hub_on_fresh_sqlite("orderbridge-first-", workers=0, env=extra) as running:
        assert running.api is not None
        pid = running.api.pid
        lines = stack.menu_lines(running.hub_url)
        wait_until_idle([pid])
        time.sleep(args.idle)
        before = memory(pid)
        orders, stalls = [], []
        with httpx.Client(base_url=running.hub_url, headers=stack.auth(), timeout=30.0) as client:
            for n in range(args.orders):
                with LivenessProbe(running.hub_url) as probe:
                    orders.append(one_order(running, client, stack.order_body(n, lines, "first")))
                stalls.append(round(probe.slowest * 1000, 1))
        wait_until_idle([pid])
        time.sleep(args.idle)
        after = memory(pid)
    for n, (order, stall) in enumerate(zip(orders, stalls, strict=True), start=1):
        print(
            f"order {n}: 201 in {order['ack_ms']} ms, at the POS in {order['at_pos_ms']} ms;"
            f" slowest /health/live meanwhile {stall} ms"
        )
    print(
        f"serve idle before the first order: {before['rss_mib']} MiB; after: {after['rss_mib']} MiB"
    )
    load = round(os.getloadavg()[0], 2)
    figures = {"orders": orders, "slowest_live_ms": stalls, "before": before, "after": after}
    print(json.dumps({"benchmark": "first_order", "load_average": load, "env": extra, **figures}))


if __name__ == "__main__":
    main()
