"""Benchmark: import a 10,000-item Poster menu through the connector.

Builds a sandbox account with ``generate_menu(account, 10_000)``, then times
``PosterConnector.fetch_menu`` for spot 1 twice: in-process (``httpx.ASGITransport``)
and over real loopback HTTP (uvicorn on 127.0.0.1, a random port, stopped at the end).
Peak Python memory of each import is measured with ``tracemalloc``. Runnable alone::

    uv run python bench/poster_menu_import.py [--items 10000] [--runs 3]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import statistics
import threading
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import uvicorn
from pydantic import SecretStr

from orderbridge.connectors.poster import PosterConnector, PosterSettings
from orderbridge.ports import LocationBinding
from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import DEMO_TOKEN, demo_world
from orderbridge.sandboxes.poster.seed_menu import generate_menu
from orderbridge.sandboxes.poster.state import World

PODIL = LocationBinding(
    location_id="podil", external_id="1", currency="UAH", timezone="Europe/Kyiv"
)


def world_with_menu(items: int) -> World:
    """The demo world whose api-demo account holds a generated menu of ``items``."""
    world = demo_world()
    account = world.accounts["api-demo"]
    account.products.clear()
    account.categories.clear()
    generate_menu(account, items)
    return world


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def loopback_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 in a thread until the block ends."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def import_once(
    base_url: str, transport: httpx.AsyncBaseTransport | None, *, trace: bool
) -> dict[str, Any]:
    """One fetch_menu: seconds, peak traced memory (if ``trace``), and what came back.

    tracemalloc slows Python down severalfold, so timed runs do not trace and the
    memory figure comes from a separate traced run. The sandbox answers from the same
    process, so the peak includes its building of the ~16 MiB answer.
    """
    settings = PosterSettings(
        account="api-demo", base_url=base_url, token=SecretStr(DEMO_TOKEN), timeout_seconds=60
    )
    connector = PosterConnector.from_settings(settings, transport=transport)
    peak = 0
    try:
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        menu = await connector.fetch_menu(location=PODIL)
        seconds = time.perf_counter() - started
        if trace:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
    finally:
        await connector.aclose()
    return {
        "seconds": seconds,
        "peak_mib": peak / 2**20,
        "items": sum(1 for _ in menu.items()),
        "categories": len(menu.categories),
        "version": menu.version,
    }


def summarise(runs: list[dict[str, Any]], traced: dict[str, Any]) -> dict[str, Any]:
    return {
        "median_seconds": round(statistics.median(r["seconds"] for r in runs), 3),
        "max_peak_mib": round(traced["peak_mib"], 1),
        "items": runs[0]["items"],
        "categories": runs[0]["categories"],
    }


async def bench_in_process(sandbox: PosterSandbox, runs: int) -> dict[str, Any]:
    transport = httpx.ASGITransport(app=create_app(sandbox))
    base = "http://api-demo.localhost"
    results = [await import_once(base, transport, trace=False) for _ in range(runs)]
    return summarise(results, await import_once(base, transport, trace=True))


def bench_loopback(sandbox: PosterSandbox, runs: int) -> dict[str, Any]:
    with loopback_server(create_app(sandbox)) as base_url:
        results = [asyncio.run(import_once(base_url, None, trace=False)) for _ in range(runs)]
        traced = asyncio.run(import_once(base_url, None, trace=True))
    return summarise(results, traced)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    started = time.perf_counter()
    sandbox = PosterSandbox(world_with_menu(args.items))
    print(f"generated a {args.items}-item Poster menu in {time.perf_counter() - started:.2f} s")
    in_process = asyncio.run(bench_in_process(sandbox, args.runs))
    print(
        f"in-process (ASGITransport): {in_process['median_seconds']:.3f} s median of "
        f"{args.runs}, peak {in_process['max_peak_mib']:.1f} MiB, "
        f"{in_process['items']} items in {in_process['categories']} categories"
    )
    loopback = bench_loopback(sandbox, args.runs)
    print(
        f"loopback HTTP (uvicorn):    {loopback['median_seconds']:.3f} s median of "
        f"{args.runs}, peak {loopback['max_peak_mib']:.1f} MiB"
    )
    print(
        json.dumps(
            {
                "benchmark": "poster_menu_import",
                "poster_products": args.items,
                "runs": args.runs,
                "in_process": in_process,
                "loopback_http": loopback,
            }
        )
    )


if __name__ == "__main__":
    main()
