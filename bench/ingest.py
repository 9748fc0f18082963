"""Benchmark: signed Poster webhooks committed to the inbox, against a bare baseline.

Two servers, one after the other, each ONE uvicorn process on 127.0.0.1 with the same
settings (``uvicorn.Config(app, log_level="warning")``: no access log in either) and its
own SQLite file (WAL, ``synchronous=NORMAL``), both started the way ``orderbridge
serve`` starts (``runloop.run``: uvloop, and the collector's settings of ``gctune``),
so the two differ only by their app:

* ``hub``: the hub's app (``Hub.app()``: verify md5, store in the inbox, queue the
  worker job, commit, answer ``{"status":"accept"}``), seeded with the demo tenant;
* ``bare``: a Starlette endpoint that inserts the request body into one table and
  commits, per request.

The load comes from a separate process: ``--connections`` keep-alive HTTP/1.1
connections on asyncio streams, each sending its next request when the last answer is
in, for ``--seconds`` after a warm-up. (A hand-rolled client, not httpx: on two cores
httpx itself tops out near the rates measured here, and the point is the servers.)
Every hub request is a distinct, correctly signed event. Besides req/s, each run reports
the server process's CPU time per request (from ``/proc``), which other load on the
machine moves far less than throughput, and each round's hub/bare ratio (the two runs
are back to back). It also reports the load generator's CPU per request: when that
process needs a whole core, req/s measures the client more than the server, and only
the CPU ratio speaks of the servers.

Every run — each round's hub and each round's bare — gets a fresh database file, so
the rounds are alike: a file that already held a round's ~80,000 rows has deeper
B-trees and a colder cache than a new one, and a later round would pay for the
earlier ones. (The ``rows`` each run prints count only its own requests.) The hub's
file holds the demo tenant (its connection verifies the webhooks) and nothing else.
Runnable alone::

    uv run python bench/ingest.py [--seconds 10] [--connections 64] [--rounds 2]

Prints the figures, then one JSON object as the last line. Goal (issue #12): hub ≥ 0.8 ×
bare, by req/s and by CPU per request (bare's CPU / hub's).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import signal
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import uvicorn
from pydantic import SecretStr
from sqlalchemy import text
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from _root import cpu_seconds, servers
from orderbridge import runloop
from orderbridge.bootstrap import build_hub
from orderbridge.config import Settings
from orderbridge.demo import seed
from orderbridge.sandboxes.poster.seed import DEMO_ACCOUNT, DEMO_ACCOUNT_NUMBER, OAUTH_APP_SECRET
from orderbridge.sandboxes.poster.webhooks import sign
from orderbridge.storage.db import make_engine
from orderbridge.storage.migrate import upgrade

SECRET_KEY = "orderbridge-bench-secret-key"
UVICORN = {"host": "127.0.0.1", "log_level": "warning"}


# The two servers (run as `python bench/ingest.py --serve hub|bare --port P --db PATH`) --


def bare_app(db: Path) -> Starlette:
    conn = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, body TEXT)")

    async def ingest(request: Request) -> JSONResponse:
        body = await request.body()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO events (body) VALUES (?)", (body.decode(),))
        conn.execute("COMMIT")
        return JSONResponse({"status": "accept"})

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    return Starlette(
        routes=[Route("/webhooks/poster", ingest, methods=["POST"]), Route("/health", health)]
    )


def hub_app(db: Path) -> Any:
    hub = build_hub(Settings(database_url=f"sqlite:///{db}", secret_key=SecretStr(SECRET_KEY)))
    return hub.app()


def serve(kind: str, port: int, db: Path) -> None:
    app = hub_app(db) if kind == "hub" else bare_app(db)
    server = uvicorn.Server(uvicorn.Config(app, port=port, **UVICORN))  # type: ignore[arg-type]
    runloop.run(server.serve())  # as ``orderbridge serve`` runs: uvloop, gctune


def prepare_hub_db(db: Path) -> None:
    url = f"sqlite:///{db}"
    upgrade(url)
    hub = build_hub(Settings(database_url=url, secret_key=SecretStr(SECRET_KEY)))
    try:
        seed(hub, poster_url="http://127.0.0.1:9", api_key="ob_bench_key")
    finally:
        hub.engine.dispose()


# The load generator (a separate process) -------------------------------------------------


def webhook_request(n: int, port: int, start: int) -> bytes:
    body: dict[str, Any] = {
        "account": DEMO_ACCOUNT,
        "account_number": DEMO_ACCOUNT_NUMBER,
        "object": "incoming_order",
        "object_id": 1_000_000 + n,
        "action": "changed",
        "time": str(start),
    }
    body["verify"] = sign(body, OAUTH_APP_SECRET)
    payload = json.dumps(body).encode()
    head = (
        f"POST /webhooks/poster HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    return head.encode() + payload


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    length = 0
    for line in lines[1:]:
        if line.lower().startswith("content-length:"):
            length = int(line.split(":", 1)[1])
    if length:
        await reader.readexactly(length)
    return status


async def _load(port: int, connections: int, warmup: float, seconds: float) -> dict[str, Any]:
    start = int(time.time())
    counter = iter(range(10**9))
    ok = failed = 0
    measuring = False
    latencies: list[float] = []

    async def lane(deadline: float) -> None:
        nonlocal ok, failed
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while time.perf_counter() < deadline:
                request = webhook_request(next(counter), port, start)
                sent = time.perf_counter()
                writer.write(request)
                status = await _read_response(reader)
                if measuring:
                    latencies.append(time.perf_counter() - sent)
                    if status == 200:
                        ok += 1
                    else:
                        failed += 1
        finally:
            writer.close()

    began = time.perf_counter()
    end = began + warmup + seconds
    lanes = [asyncio.create_task(lane(end)) for _ in range(connections)]
    await asyncio.sleep(warmup)
    measuring = True
    measured_from = time.perf_counter()
    await asyncio.gather(*lanes)
    elapsed = time.perf_counter() - measured_from
    latencies.sort()
    return {
        "ok": ok,
        "failed": failed,
        "seconds": round(elapsed, 2),
        "rps": round(ok / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1) if latencies else None,
    }


def load_process(port: int, connections: int, warmup: float, seconds: float, out: Any) -> None:
    started = time.process_time()
    result = asyncio.run(_load(port, connections, warmup, seconds))
    # Warm-up included, like the server's figure; divided by the rows in ``measure``.
    result["client_cpu_seconds"] = time.process_time() - started
    out.put(result)


# The run ---------------------------------------------------------------------------------


def measure(kind: str, folder: Path, args: argparse.Namespace, round_no: int) -> dict[str, Any]:
    db = folder / f"{kind}-{round_no}.db"
    if kind == "hub":
        prepare_hub_db(db)
    port = servers.free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--port", str(port), "--db", str(db)],
        start_new_session=True,
    )
    try:
        servers.wait_until_up(f"http://127.0.0.1:{port}/health", process=server)
        cpu_before = cpu_seconds(server.pid)
        ctx = multiprocessing.get_context("spawn")
        queue = ctx.Queue()
        loader = ctx.Process(
            target=load_process, args=(port, args.connections, args.warmup, args.seconds, queue)
        )
        loader.start()
        result: dict[str, Any] = queue.get(timeout=args.warmup + args.seconds + 60)
        loader.join(timeout=30)
        cpu = cpu_seconds(server.pid) - cpu_before
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    count = "SELECT count(*) FROM inbox_events" if kind == "hub" else "SELECT count(*) FROM events"
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        result["rows"] = conn.execute(text(count)).scalar()
    engine.dispose()
    # CPU time of the server over warm-up and measurement, per request answered in them
    # (the rows): unlike req/s, barely moved by other load on the machine.
    result["server_cpu_us_per_request"] = round(cpu / max(result["rows"] or 1, 1) * 1e6, 1)
    client = result.pop("client_cpu_seconds")
    result["client_cpu_us_per_request"] = round(client / max(result["rows"] or 1, 1) * 1e6, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=2, help="hub, bare, hub, bare …")
    parser.add_argument("--serve", choices=["hub", "bare"], help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port, args.db)
        return

    results: dict[str, list[dict[str, Any]]] = {"hub": [], "bare": []}
    with tempfile.TemporaryDirectory(prefix="orderbridge-ingest-") as tmp:
        for round_no in range(args.rounds):
            for kind in ("hub", "bare"):
                result = measure(kind, Path(tmp), args, round_no)
                results[kind].append(result)
                print(
                    f"round {round_no + 1} {kind:4}: {result['rps']:8.1f} req/s  "
                    f"p50 {result['p50_ms']} ms  p99 {result['p99_ms']} ms  "
                    f"server CPU {result['server_cpu_us_per_request']} µs/request  "
                    f"(client {result['client_cpu_us_per_request']} µs)  "
                    f"({result['ok']} ok, {result['failed']} failed, {result['rows']} rows)"
                )
    hub_rps = statistics.median(r["rps"] for r in results["hub"])
    bare_rps = statistics.median(r["rps"] for r in results["bare"])
    ratio = hub_rps / bare_rps
    # Each round's hub and bare runs are back to back: their ratio is the least exposed
    # to other load on the machine changing between rounds.
    paired = [h["rps"] / b["rps"] for h, b in zip(results["hub"], results["bare"], strict=True)]
    hub_cpu = statistics.median(r["server_cpu_us_per_request"] for r in results["hub"])
    bare_cpu = statistics.median(r["server_cpu_us_per_request"] for r in results["bare"])
    print(f"hub {hub_rps:.1f} req/s vs bare {bare_rps:.1f} req/s: ratio {ratio:.2f} (goal ≥ 0.8)")
    print(
        f"per round: {', '.join(f'{r:.2f}' for r in paired)}; server CPU per request: "
        f"hub {hub_cpu:.0f} µs, bare {bare_cpu:.0f} µs (bare/hub {bare_cpu / hub_cpu:.2f})"
    )
    print(
        json.dumps(
            {
                "benchmark": "ingest",
                "database": "sqlite",
                "connections": args.connections,
                "seconds": args.seconds,
                "rounds": args.rounds,
                "hub_rps": hub_rps,
                "bare_rps": bare_rps,
                "ratio": round(ratio, 3),
                "ratio_per_round": [round(r, 3) for r in paired],
                "server_cpu_us_per_request": {"hub": hub_cpu, "bare": bare_cpu},
                "goal_ratio_at_least_0_8": ratio >= 0.8,
                "goal_cpu_ratio_at_least_0_8": bare_cpu / hub_cpu >= 0.8,
                "runs": results,
            }
        )
    )


if __name__ == "__main__":
    main()
