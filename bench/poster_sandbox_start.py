"""Benchmark: the Poster sandbox with a 10,000-item menu — how long it takes to start,
and to answer menu.getProducts.

*start*: ``build_sandbox(menu_size=N)`` (what ``orderbridge sandbox poster
--menu-size N`` does before serving: the seeded accounts, the generated menu, the
app), timed in a fresh interpreter each run so no cache helps. *getProducts*: the
whole menu over real loopback HTTP (uvicorn on 127.0.0.1, a random port, stopped at
the end), from the request to the last byte received, the first call and the median
of the next ones. Each figure comes as wall time and as the CPU time the work took
(the start's process; the server thread and the client, which share one process):
on a shared machine the wall time waits for other processes, the CPU time does not.
Runnable alone::

    uv run python bench/poster_sandbox_start.py [--items 10000] [--runs 5]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

import httpx
import uvicorn

from orderbridge.sandboxes.poster.launch import build_sandbox
from orderbridge.sandboxes.poster.seed import DEMO_TOKEN

START = (
    "import time; t = time.perf_counter();"
    "from orderbridge.sandboxes.poster.launch import build_sandbox;"
    "imported = time.perf_counter(); cpu = time.process_time();"
    "build_sandbox(menu_size={items});"
    "print(imported - t, time.perf_counter() - imported, time.process_time() - cpu)"
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def time_starts(items: int, runs: int) -> list[tuple[float, float, float]]:
    """(import, build, build CPU) seconds of ``runs`` fresh interpreters."""
    found = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", START.format(items=items)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.split()
        found.append((float(out[0]), float(out[1]), float(out[2])))
    return found


def time_get_products(items: int, runs: int) -> tuple[float, list[float], list[float], int]:
    """(first call, later calls, their CPU times, bytes) of menu.getProducts over
    loopback HTTP."""
    app, _ = build_sandbox(menu_size=items)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{port}/api/menu.getProducts"
    timings, cpu = [], []
    size = 0
    try:
        with httpx.Client(timeout=60) as client:
            for _ in range(runs + 1):
                started, cpu_started = time.perf_counter(), time.process_time()
                answer = client.get(url, params={"token": DEMO_TOKEN})
                timings.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                size = len(answer.content)
                assert len(answer.json()["response"]) == items
    finally:
        server.should_exit = True
        thread.join()
    return timings[0], timings[1:], cpu[1:], size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    starts = time_starts(args.items, args.runs)
    builds = [b for _, b, _ in starts]
    first, later, later_cpu, size = time_get_products(args.items, args.runs)
    result = {
        "items": args.items,
        "runs": args.runs,
        "import_s_median": round(statistics.median(i for i, _, _ in starts), 3),
        "start_s_median": round(statistics.median(builds), 3),
        "start_s_max": round(max(builds), 3),
        "start_cpu_s_median": round(statistics.median(c for _, _, c in starts), 3),
        "get_products_first_s": round(first, 3),
        "get_products_s_median": round(statistics.median(later), 3),
        "get_products_cpu_s_median": round(statistics.median(later_cpu), 3),
        "get_products_bytes": size,
        "load_average": [round(x, 1) for x in os.getloadavg()],
    }
    print(f"start ({args.items} items, {args.runs} fresh processes): "
          f"median {result['start_s_median']} s (CPU {result['start_cpu_s_median']} s), "
          f"max {result['start_s_max']} s, + {result['import_s_median']} s of imports")  # fmt: skip
    print(f"menu.getProducts over loopback: first {result['get_products_first_s']} s, "
          f"median of {args.runs} more {result['get_products_s_median']} s "
          f"(CPU {result['get_products_cpu_s_median']} s), {size / 2**20:.1f} MiB")  # fmt: skip
    print(f"load average: {result['load_average']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
