"""Benchmark: the CPU of the order path's HTTP requests through the whole app stack.

In-process, no network and no HTTP client: the hub's ASGI app (``Hub.app()``, every
middleware included: request observer, body-size limit, control-character guard,
exception middleware, routing, dependencies) is called directly with ASGI messages,
as uvicorn would call it once it has parsed a request. Two requests of the order path:

* ``POST /api/v1/orders`` → 201, ``--burst`` requests in flight at once (the group
  commit shares their transaction, as under load);
* ``POST /webhooks/poster``: the signed ``incoming_order`` *added* that Poster sends
  back for every order the hub created (stored processed, no job).

CPU is the process's (``time.process_time``: user + system), so other load on the
machine moves it far less than wall time. The cyclic collector is set as ``serve`` sets
it (``gctune.tune()`` after the warm-up). The access log is on in JSON (``serve``'s
production form) and written to ``/dev/null``. ``--profile`` runs the placing under
cProfile and prints the functions with the most own time. Runnable alone::

    uv run python bench/request_cpu.py [--orders 2000] [--burst 16] [--rounds 3] [--profile]
        [--steps]

``--steps`` adds the thread CPU per step of placing (``bench/_steps.py``), from one
more pass of ``--orders`` orders with a clock around each step.

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import event

from _root import stack
from _steps import StepClock
from orderbridge import gctune
from orderbridge.bootstrap import Hub, build_hub
from orderbridge.config import Settings
from orderbridge.demo import queue_menu_imports, seed
from orderbridge.log import configure_logging
from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import (
    DEMO_ACCOUNT,
    DEMO_ACCOUNT_NUMBER,
    OAUTH_APP_SECRET,
    demo_world,
)
from orderbridge.sandboxes.poster.webhooks import sign
from orderbridge.storage.migrate import upgrade

POSTER = "http://poster.test"
ASGIApp = Callable[..., Awaitable[None]]


async def call(
    app: ASGIApp, method: str, path: str, headers: dict[str, str], body: bytes = b""
) -> tuple[int, bytes]:
    """One request straight into the ASGI app; (status, body)."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            await asyncio.sleep(3600)
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    status = 0
    chunks: list[bytes] = []

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


def build(folder: Path) -> Hub:
    """The hub on a SQLite file, the demo tenant seeded; its menus are imported from an
    in-process Poster sandbox by the worker (:func:`measure`)."""
    url = f"sqlite:///{folder / 'hub.db'}"
    upgrade(url)
    settings = Settings(
        database_url=url,
        secret_key=SecretStr(stack.SECRET_KEY),
        allow_private_urls=True,
        rate_limit_per_second=0,  # one key posts every order, as in e2e_orders
    )
    sandbox = httpx.ASGITransport(app=create_app(PosterSandbox(demo_world())))
    hub = build_hub(settings, pos_transport=sandbox)
    seed(hub, poster_url=POSTER, api_key=stack.API_KEY)
    queue_menu_imports(hub)
    return hub


async def lines_of(app: ASGIApp, headers: dict[str, str]) -> dict[str, Any]:
    """Order lines from each location's menu: the seed's own menu (no POS import)."""
    found: dict[str, Any] = {}
    for location in stack.LOCATIONS:
        status, body = await call(app, "GET", f"/api/v1/locations/{location}/menu", headers)
        assert status == 200, body
        found[location] = stack.simple_lines(json.loads(body))
    return found


class Statements:
    """SQL statements the hub's engine runs (its ``before_cursor_execute`` events)."""

    def __init__(self, hub: Hub) -> None:
        self.count = 0
        event.listen(hub.engine, "before_cursor_execute", self._seen)

    def _seen(self, *_args: Any) -> None:
        self.count += 1


async def place(
    app: ASGIApp, headers: dict[str, str], lines: dict[str, Any], numbers: range, burst: int
) -> float:
    """CPU seconds to place ``numbers`` orders, ``burst`` in flight at once."""
    bodies = [
        (json.dumps(stack.order_body(n, lines, "cpu")).encode(), {"idempotency-key": f"cpu-{n}"})
        for n in numbers
    ]

    async def post(body: bytes, extra: dict[str, str]) -> None:
        status, answer = await call(
            app,
            "POST",
            "/api/v1/orders",
            {**headers, **extra, "content-type": "application/json"},
            body,
        )
        assert status == 201, answer

    started = time.process_time()
    for at in range(0, len(bodies), burst):
        await asyncio.gather(*(post(b, h) for b, h in bodies[at : at + burst]))
    return time.process_time() - started


def echo_body(n: int, start: int) -> bytes:
    """The webhook Poster sends back for an incoming order the hub created."""
    body: dict[str, Any] = {
        "account": DEMO_ACCOUNT,
        "account_number": DEMO_ACCOUNT_NUMBER,
        "object": "incoming_order",
        "object_id": 5_000_000 + n,
        "action": "added",
        "time": str(start),
    }
    body["verify"] = sign(body, OAUTH_APP_SECRET)
    return json.dumps(body).encode()


async def echo(app: ASGIApp, numbers: range, burst: int) -> float:
    """CPU seconds to ingest the echoes of ``numbers``, ``burst`` in flight at once."""
    start = int(time.time())
    return await post_webhooks(app, [echo_body(n, start) for n in numbers], burst)


async def post_webhooks(app: ASGIApp, bodies: list[bytes], burst: int) -> float:
    """CPU seconds to answer ``POST /webhooks/poster`` with each of ``bodies`` (each must
    be accepted), ``burst`` in flight at once."""
    headers = {"content-type": "application/json"}

    async def post(body: bytes) -> None:
        status, answer = await call(app, "POST", "/webhooks/poster", headers, body)
        assert status == 200, answer

    started = time.process_time()
    for at in range(0, len(bodies), burst):
        await asyncio.gather(*(post(b) for b in bodies[at : at + burst]))
    return time.process_time() - started


class BatchClock:
    """The CPU the order intake's batch transactions spend, on their own thread's clock
    (``time.thread_time``: what the writing costs, whatever else runs meanwhile); the
    intake is made here, as its first order would make it."""

    def __init__(self, app: Any) -> None:
        from orderbridge.web.order_intake import OrderIntake

        state = app.state
        if getattr(state, "order_intake", None) is None:
            state.order_intake = OrderIntake(state.context)
        group = state.order_intake._group
        write = group._write_batch
        self.spent = 0.0

        def timed(items: Any) -> Any:
            started = time.thread_time()
            try:
                return write(items)
            finally:
                self.spent += time.thread_time() - started

        group._write_batch = timed


async def measure(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    hub = build(folder)
    app = hub.app()
    headers = stack.auth()
    try:
        await hub.worker().run_until_idle()  # the menu imports the seed queued
        lines = await lines_of(app, headers)
        await place(app, headers, lines, range(0, 200), args.burst)  # warm-up
        await echo(app, range(0, 200), args.burst)
        # The collector as ``serve`` sets it (runloop.run; the app's lifespan freezes
        # again): without it a full collection walks the whole heap every few hundred
        # orders, and a round's figures jumped by ~200 µs per order with where one fell.
        gctune.tune()
        placing: list[float] = []
        writing: list[float] = []
        echoes: list[float] = []
        statements = Statements(hub)
        batches = BatchClock(app)
        before = statements.count
        await place(app, headers, lines, range(500, 500 + args.orders), args.burst)
        per_order = (statements.count - before) / args.orders
        n = 500 + args.orders
        for _ in range(args.rounds):
            batches.spent = 0.0
            cpu = await place(app, headers, lines, range(n, n + args.orders), args.burst)
            placing.append(cpu * 1e6 / args.orders)
            writing.append(batches.spent * 1e6 / args.orders)
            cpu = await echo(app, range(n, n + args.orders), args.burst)
            echoes.append(cpu * 1e6 / args.orders)
            n += args.orders
        steps_text = None
        if args.steps:
            clock = StepClock()
            with clock.running():
                await place(app, headers, lines, range(n, n + args.orders), args.burst)
            n += args.orders
            steps_text = "\n".join(
                [f"thread CPU per order, by step ({args.orders} orders):", *clock.rows(args.orders)]
            )
        profile_text = None
        if args.profile:
            # The loop's side and the batch transactions' thread, profiled apart (a
            # cProfile profiler follows the thread that enables it), each timing its thread's CPU
            # (a wall-clock timer would count waits for the GIL as work).
            loop_side = cProfile.Profile(time.thread_time)
            thread_side = cProfile.Profile(time.thread_time)
            group = app.state.order_intake._group  # type: ignore[attr-defined]
            write = group._write_batch

            def profiled(items: Any) -> Any:
                thread_side.enable()
                try:
                    return write(items)
                finally:
                    thread_side.disable()

            group._write_batch = profiled
            loop_side.enable()
            await place(app, headers, lines, range(n, n + args.orders), args.burst)
            loop_side.disable()
            group._write_batch = write
            echo_side = cProfile.Profile(time.thread_time)  # inline on SQLite: all on the loop
            echo_side.enable()
            await echo(app, range(n, n + args.orders), args.burst)
            echo_side.disable()
            out = io.StringIO()
            for title, profiler in (
                (f"placing {args.orders} orders: event loop", loop_side),
                (f"placing {args.orders} orders: batch thread", thread_side),
                (f"{args.orders} echo webhooks", echo_side),
            ):
                out.write(f"---- {title} ----\n")
                stats = pstats.Stats(profiler, stream=out)
                stats.sort_stats("tottime").print_stats(args.top)
                stats.sort_stats("cumtime").print_stats(args.top)
            profile_text = out.getvalue()
    finally:
        await hub.aclose()
        hub.engine.dispose()
    if profile_text:
        print(profile_text)
    if steps_text:
        print(steps_text)
    return {
        "place_statements_per_order": round(per_order, 2),
        "place_us_per_order": round(statistics.median(placing), 1),
        "place_us_rounds": [round(x, 1) for x in placing],
        "place_batch_thread_us_per_order": round(statistics.median(writing), 1),
        "place_batch_thread_us_rounds": [round(x, 1) for x in writing],
        "echo_us_per_webhook": round(statistics.median(echoes), 1),
        "echo_us_rounds": [round(x, 1) for x in echoes],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--burst", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile the placing")
    parser.add_argument(
        "--steps", action="store_true", help="thread CPU per step of placing (bench/_steps.py)"
    )
    parser.add_argument("--top", type=int, default=40, help="functions listed per profile")
    args = parser.parse_args()
    devnull = open(os.devnull, "w")  # noqa: SIM115 - the access lines go nowhere
    sys.stderr = devnull
    configure_logging("INFO", json=True, access_log=True)
    try:
        with tempfile.TemporaryDirectory(prefix="orderbridge-reqcpu-") as tmp:
            result = asyncio.run(measure(args, Path(tmp)))
    finally:
        sys.stderr = sys.__stderr__
    load = os.getloadavg()[0]
    print(
        f"POST /api/v1/orders → 201, burst {args.burst}: {result['place_us_per_order']} µs CPU, "
        f"{result['place_statements_per_order']} SQL statements"
    )
    thread = result["place_batch_thread_us_per_order"]
    print(f"  of which the batch transactions' thread:  {thread} µs")
    print(f"POST /webhooks/poster (the echo):           {result['echo_us_per_webhook']} µs CPU")
    print(json.dumps({"benchmark": "request_cpu", "load_average": load, **vars(args), **result}))


if __name__ == "__main__":
    main()
