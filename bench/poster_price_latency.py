"""Benchmark: from a price change at Poster to the new price on the storefront menu.

Starts ``orderbridge demo`` as a real process (the hub and the Poster sandbox on free
ports of 127.0.0.1, a fresh SQLite file, default settings), waits for the menus, then
changes a product's price at the sandbox (``POST /_sandbox/products/{id}``, what the
back office does) ``--changes`` times. Each time the clock runs from just before that
call until ``GET /api/v1/locations/{id}/menu`` first shows the new price; the menu is
polled every ``--poll-ms`` (with ``If-None-Match``, as a website would). The path
measured: Poster's ``dish`` webhook → ingress (verify, inbox) → a worker's
``inbox.poster`` job (menu.getProduct) → diff → stored menu → storefront. Runnable
alone::

    uv run python bench/poster_price_latency.py [--changes 20] [--poll-ms 10]

Prints each change, then the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx

KEY = "ob_demo_brioche_storefront_key"
LOCATION = "loc_podil"
PRODUCT = 114  # Капучино at spot 1 of the seeded café
SPOT = 1


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextlib.contextmanager
def demo_process(folder: Path) -> Iterator[tuple[str, str]]:
    """``orderbridge demo`` until the block ends; yields (hub URL, sandbox URL)."""
    hub_port, poster_port, wix_port = free_port(), free_port(), free_port()
    args = [
        sys.executable,
        "-m",
        "orderbridge",
        "demo",
        "--port",
        str(hub_port),
        "--poster-port",
        str(poster_port),
        "--wix-port",
        str(wix_port),
        "--db",
        str(folder / "bench.db"),
    ]
    with (folder / "demo.log").open("wb") as log:
        process = subprocess.Popen(
            args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            hub = f"http://127.0.0.1:{hub_port}"
            with httpx.Client() as probe:
                wait(lambda: menu_answer(hub, probe).status_code == 200, process)
            yield hub, f"http://127.0.0.1:{poster_port}"
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def wait(ready: Any, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"orderbridge demo exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if ready():
                return
        time.sleep(0.1)
    raise TimeoutError("orderbridge demo did not serve its menu in time")


def menu_answer(hub: str, client: httpx.Client, etag: str = "") -> httpx.Response:
    headers = {"authorization": f"Bearer {KEY}"}
    if etag:
        headers["if-none-match"] = etag
    return client.get(f"{hub}/api/v1/locations/{LOCATION}/menu", headers=headers, timeout=10)


def price_of(menu: dict[str, Any]) -> int:
    for category in menu["categories"]:
        for item in category["items"]:
            if item["id"] == str(PRODUCT):
                return int(item["price"])
    raise LookupError(f"product {PRODUCT} is not on the menu")


def one_change(hub: str, poster: str, client: httpx.Client, price: int, poll: float) -> float:
    """Seconds from the price change at Poster until the storefront shows it."""
    first = menu_answer(hub, client)
    etag = first.headers.get("etag", "")
    started = time.perf_counter()
    changed = client.post(
        f"{poster}/_sandbox/products/{PRODUCT}", json={"spot_id": SPOT, "price": price}
    )
    changed.raise_for_status()
    deadline = started + 30
    while time.perf_counter() < deadline:
        answer = menu_answer(hub, client, etag)
        if answer.status_code == 200 and price_of(answer.json()) == price:
            return time.perf_counter() - started
        time.sleep(poll)
    raise TimeoutError(f"price {price} did not reach the storefront within 30 s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=20)
    parser.add_argument("--poll-ms", type=float, default=10.0)
    args = parser.parse_args()
    poll = args.poll_ms / 1000

    times = []
    with (
        tempfile.TemporaryDirectory(prefix="orderbridge-bench.") as folder,
        demo_process(Path(folder)) as (hub, poster),
        httpx.Client() as client,
    ):
        base = price_of(menu_answer(hub, client).json())
        for n in range(1, args.changes + 1):
            price = base + 100 * n
            seconds = one_change(hub, poster, client, price, poll)
            times.append(seconds)
            print(f"change {n:2d}: {price / 100:.2f} UAH after {seconds * 1000:.0f} ms")
    figures = {
        "median_ms": round(statistics.median(times) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
        "min_ms": round(min(times) * 1000, 1),
        "max_ms": round(max(times) * 1000, 1),
    }
    print(
        f"price change → storefront menu over {args.changes} changes: median "
        f"{figures['median_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms "
        f"(min {figures['min_ms']:.0f}, max {figures['max_ms']:.0f}; "
        f"polled every {args.poll_ms:g} ms)"
    )
    print(
        json.dumps(
            {
                "benchmark": "poster_price_latency",
                "changes": args.changes,
                "poll_ms": args.poll_ms,
                **figures,
            }
        )
    )


if __name__ == "__main__":
    main()
