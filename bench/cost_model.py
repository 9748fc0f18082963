"""Benchmark: what one order costs, step by step — transactions, statements, rows, HTTP
calls and CPU — measured in-process.

The hub (``build_hub``, SQLite file, the demo tenant) and the Poster sandbox run in
this process: orders are placed through the hub's ASGI app (``POST /api/v1/orders``,
no network: uvicorn's HTTP parsing is not counted) and submitted by the hub's worker,
whose POS calls reach the sandbox through ``httpx.ASGITransport``. Per step the
benchmark counts, from SQLAlchemy's engine events, the transactions (``BEGIN``), the
statements, the rows written per table, and the HTTP calls, and measures the step's
CPU time (``time.process_time``) less the CPU the sandbox spent answering. Two shapes:
*one at a time* (place an order, run the worker until idle: a quiet hour) and *a
backlog* (place ``--orders`` orders one after the other, then one worker run); *a
burst* (the same, posted 16 at a time, as a busy storefront would: the orders'
group commit shares transactions); with ``--trickle RATE``, *a trickle* as well (one
order posted every ``1/RATE`` s while the hub's worker runs as in ``serve``, woken by
each commit and gathering, placing and worker counted together, the worker's idle
polls included). With ``--loopback aiohttp`` (or ``httpcore``) the
sandbox runs as its own process on 127.0.0.1 instead and the worker's POS calls go
over real HTTP through the hub's production client (the SSRF-pinned aiohttp transport,
or httpx's own httpcore transport as before #12), so the worker's figures include the
client's wire work and no sandbox CPU is subtracted. Not counted here:
the Poster webhook that echoes each created order back to the hub (one more POST, one
inbox row, no job; ``bench/ingest.py`` measures that path) and uvicorn. Runnable alone::

    uv run python bench/cost_model.py [--orders 200] [--sql] [--loopback aiohttp|httpcore]
        [--trickle 100]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import event

from _root import servers, stack
from orderbridge.bootstrap import Hub, build_hub
from orderbridge.config import Settings
from orderbridge.connectors._base import MAX_CONNECTIONS
from orderbridge.connectors.storefront.ssrf import pinned_transport
from orderbridge.demo import queue_menu_imports, seed
from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import demo_world
from orderbridge.storage.migrate import upgrade

POSTER = "http://poster.test"
Loopback = tuple[str, str] | None  # the sandbox's URL and the client's name
HUB = "http://hub.test"
_INSERT = re.compile(r"^\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+\"?(\w+)", re.IGNORECASE)
_UPDATE = re.compile(r"^\s*UPDATE\s+\"?(\w+)", re.IGNORECASE)


class Counts:
    """Engine events and HTTP calls, counted into the current step."""

    def __init__(self) -> None:
        self.steps: dict[str, Counter[str]] = {}
        self.step = "setup"
        self.sandbox_cpu: dict[str, float] = {}
        self.client_cpu: dict[str, float] = {}  # --loopback: the HTTP client's, in calls
        self.sql: dict[str, Counter[str]] = {}  # step → statement's first words → times

    def add(self, what: str, n: int = 1) -> None:
        self.steps.setdefault(self.step, Counter())[what] += n


class CountingTransport(httpx.AsyncBaseTransport):
    """The sandbox's ASGI transport, counting calls and the CPU the sandbox spends."""

    def __init__(
        self, inner: httpx.AsyncBaseTransport, counts: Counts, *, sandbox_here: bool = True
    ) -> None:
        self.inner, self.counts, self.sandbox_here = inner, counts, sandbox_here

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.counts.add(f"http {request.url.path.rsplit('/', 1)[-1]}")
        started = time.process_time()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        spent = time.process_time() - started
        step = self.counts.step
        # In process, the CPU of the call is the sandbox's; over loopback, the client's.
        spent_by = self.counts.sandbox_cpu if self.sandbox_here else self.counts.client_cpu
        spent_by[step] = spent_by.get(step, 0.0) + spent
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def instrument(hub: Hub, counts: Counts) -> None:
    @event.listens_for(hub.engine, "begin")
    def begin(_conn: Any) -> None:
        counts.add("transactions")

    @event.listens_for(hub.engine, "before_cursor_execute")
    def statement(
        _conn: Any, _cursor: Any, sql: str, params: Any, _context: Any, executemany: bool
    ) -> None:
        counts.add("statements")
        head = " ".join(sql.split())[:70]
        counts.sql.setdefault(counts.step, Counter())[head] += 1
        if head.upper().startswith("BEGIN IMMEDIATE"):
            counts.add("write transactions (BEGIN IMMEDIATE)")
        elif head.upper().startswith(("SELECT", "WITH")):
            counts.add("reads")
        rows = len(params) if executemany else 1
        if found := _INSERT.match(sql):
            counts.add(f"rows inserted {found.group(1)}", rows)
        elif found := _UPDATE.match(sql):
            counts.add(f"updates {found.group(1)}", rows)


def build(folder: Path, counts: Counts, loopback: Loopback) -> tuple[Hub, httpx.AsyncClient]:
    url = f"sqlite:///{folder / 'hub.db'}"
    upgrade(url)
    poster = POSTER
    if loopback is None:
        sandbox = PosterSandbox(demo_world())
        transport = CountingTransport(httpx.ASGITransport(app=create_app(sandbox)), counts)
    else:
        poster, client = loopback
        inner: httpx.AsyncBaseTransport = (
            pinned_transport(allow_private=True)
            if client == "aiohttp"
            else httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=MAX_CONNECTIONS))
        )
        transport = CountingTransport(inner, counts, sandbox_here=False)
    settings = Settings(
        database_url=url,
        secret_key=SecretStr(stack.SECRET_KEY),
        allow_private_urls=True,
        log_level="WARNING",
        rate_limit_per_second=0,  # one key posts every order, as in e2e_orders
    )
    hub = build_hub(settings, pos_transport=transport)
    seed(hub, poster_url=poster, api_key=stack.API_KEY)
    queue_menu_imports(hub)
    instrument(hub, counts)
    client = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=hub.app()), base_url=HUB, headers=stack.auth()
    )
    return hub, client


async def measure(
    orders: int, folder: Path, *, show_sql: bool, loopback: Loopback = None, trickle: float = 0
) -> dict[str, Any]:
    counts = Counts()
    hub, client = build(folder, counts, loopback)
    cpu: Counter[str] = Counter()
    try:
        await hub.worker().run_until_idle()  # the menu imports the seed queued
        lines = {
            location: stack.simple_lines(
                (await client.get(f"/api/v1/locations/{location}/menu")).json()
            )
            for location in stack.LOCATIONS
        }
        await place_and_submit(hub, client, lines, range(20), counts, cpu, "warm-up")

        async def one_at_a_time() -> None:
            for n in range(100, 100 + orders):
                await place_and_submit(hub, client, lines, [n], counts, cpu, "single")

        await one_at_a_time()
        backlog = range(100_000, 100_000 + orders)
        await place_and_submit(hub, client, lines, backlog, counts, cpu, "backlog")
        burst = range(200_000, 200_000 + orders)
        await place_and_submit(hub, client, lines, burst, counts, cpu, "burst", together=16)
        if trickle:
            flowing = range(300_000, 300_000 + orders)
            await trickle_through(hub, client, lines, flowing, counts, cpu, trickle)
    finally:
        await client.aclose()
        await hub.aclose()
        hub.engine.dispose()
    result: dict[str, Any] = {}
    for step, counted in counts.steps.items():
        if step.startswith(("setup", "warm-up")):
            continue
        sandbox = counts.sandbox_cpu.get(step, 0.0)
        result[step] = {
            "cpu_ms_per_order": round((cpu[step] - sandbox) * 1000 / orders, 3),
            "sandbox_cpu_ms_per_order": round(sandbox * 1000 / orders, 3),
            "http_client_cpu_ms_per_order": round(
                counts.client_cpu.get(step, 0.0) * 1000 / orders, 3
            ),
            **{what: round(n / orders, 2) for what, n in sorted(counted.items())},
        }
    if show_sql:
        for step in ("single place", "single worker"):
            print(f"{step}, statements per order:")
            for head, n in counts.sql[step].most_common():
                print(f"    {n / orders:6.2f}  {head}")
    return result


async def place_and_submit(
    hub: Hub,
    client: httpx.AsyncClient,
    lines: dict[str, Any],
    numbers: Any,
    counts: Counts,
    cpu: Counter[str],
    shape: str,
    together: int = 1,
) -> None:
    """Place the orders (one POST each, ``together`` in flight at once), then run the
    worker until idle."""
    counts.step = f"{shape} place"
    started = time.process_time()

    numbers = list(numbers)
    for at in range(0, len(numbers), together):
        await asyncio.gather(*(post(client, lines, n) for n in numbers[at : at + together]))
    cpu[counts.step] += time.process_time() - started
    counts.step = f"{shape} worker"
    started = time.process_time()
    await hub.worker().run_until_idle()
    cpu[counts.step] += time.process_time() - started


async def post(client: httpx.AsyncClient, lines: dict[str, Any], n: int) -> None:
    body = stack.order_body(n, lines, "cost")
    answer = await client.post(
        "/api/v1/orders", json=body, headers={"idempotency-key": f"cost-{n}"}
    )
    assert answer.status_code == 201, answer.text


async def trickle_through(
    hub: Hub,
    client: httpx.AsyncClient,
    lines: dict[str, Any],
    numbers: range,
    counts: Counts,
    cpu: Counter[str],
    rate: float,
) -> None:
    """Post one order every ``1/rate`` s (open loop) while one worker runs as in
    ``serve``; the step ends once every order's job has run."""
    counts.step = "trickle"
    worker = hub.worker()
    started = time.process_time()
    running = asyncio.create_task(worker.run())
    loop = asyncio.get_running_loop()
    start = loop.time()
    posts = []
    for i, n in enumerate(numbers):
        await asyncio.sleep(max(start + i / rate - loop.time(), 0))
        posts.append(asyncio.create_task(post(client, lines, n)))
    await asyncio.gather(*posts)
    while worker.processed < len(numbers):  # noqa: ASYNC110 (the worker has no such event)
        await asyncio.sleep(0.01)
    worker.stop()
    await running
    cpu[counts.step] += time.process_time() - started
    counts.add("claims that took jobs", worker.claims)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--sql", action="store_true", help="list the statements per order")
    parser.add_argument(
        "--loopback",
        choices=["aiohttp", "httpcore"],
        help="the sandbox in its own process, called over HTTP with this client",
    )
    parser.add_argument(
        "--trickle", type=float, default=0, help="also post one order per 1/RATE s, worker running"
    )
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="orderbridge-cost-") as tmp,
        contextlib.ExitStack() as on_exit,
    ):
        loopback: Loopback = None
        if args.loopback:
            port = servers.free_port()
            poster = f"http://127.0.0.1:{port}"
            args_ = ["sandbox", "poster", "--port", str(port), "--webhook-url", ""]
            on_exit.enter_context(
                servers.orderbridge_process(
                    args_, ready_url=f"{poster}/_sandbox/faults", log=Path(tmp) / "sandbox.log"
                )
            )
            loopback = (poster, args.loopback)
        result = asyncio.run(
            measure(
                args.orders, Path(tmp), show_sql=args.sql, loopback=loopback, trickle=args.trickle
            )
        )
    for step, figures in result.items():
        print(f"{step}:")
        for what, value in figures.items():
            print(f"    {what:<40} {value}")
    print(
        json.dumps(
            {
                "benchmark": "cost_model",
                "orders": args.orders,
                "loopback": args.loopback,
                "steps": result,
            }
        )
    )


if __name__ == "__main__":
    main()
