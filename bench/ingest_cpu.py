"""Benchmark: the hub's CPU per signed Poster webhook, in-process (no network, no server).

``bench/ingest.py`` compares two uvicorn servers; on a shared machine their CPU per
request moves by tens of percent between runs. This drives ``Hub.app()`` directly with
ASGI messages (``request_cpu.post_webhooks``) on uvloop, as uvicorn would once it has
parsed the request: ``--burst`` distinct signed ``incoming_order`` *changed* webhooks in
flight at once (the group commit shares their transaction), the collector set as
``orderbridge serve`` sets it (``gctune.tune()``: frozen after start-up, the young
generation's threshold raised), and reports the process CPU per webhook of each round. For A/B runs
of a change, alternated. ``--profile`` adds a cProfile of one more round. Runnable alone::

    uv run python bench/ingest_cpu.py [--webhooks 4000] [--burst 64] [--rounds 3] [--profile]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import uvloop
from pydantic import SecretStr

from ingest import SECRET_KEY, prepare_hub_db, webhook_request
from orderbridge import gctune
from orderbridge.bootstrap import build_hub
from orderbridge.config import Settings
from request_cpu import post_webhooks


def bodies(numbers: range, start: int) -> list[bytes]:
    """Signed webhook bodies, one distinct event per number."""
    return [webhook_request(n, 1, start).split(b"\r\n\r\n", 1)[1] for n in numbers]


async def measure(args: argparse.Namespace, folder: Path) -> dict[str, Any]:
    db = folder / "hub.db"
    prepare_hub_db(db)
    hub = build_hub(Settings(database_url=f"sqlite:///{db}", secret_key=SecretStr(SECRET_KEY)))
    app = hub.app()
    gctune.tune()  # as ``serve`` runs (runloop.run)
    start = int(time.time())
    try:
        await post_webhooks(app, bodies(range(0, 500), start), args.burst)  # warm-up
        n, rounds = 1000, []
        for _ in range(args.rounds):
            batch = bodies(range(n, n + args.webhooks), start)
            rounds.append(await post_webhooks(app, batch, args.burst) * 1e6 / args.webhooks)
            n += args.webhooks
        if args.profile:
            batch = bodies(range(n, n + args.webhooks), start)
            profiler = cProfile.Profile(time.thread_time)
            profiler.enable()
            await post_webhooks(app, batch, args.burst)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    finally:
        await hub.aclose()
        hub.engine.dispose()
    return {
        "us_per_webhook": round(statistics.median(rounds), 1),
        "us_rounds": [round(x, 1) for x in rounds],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhooks", type=int, default=4000)
    parser.add_argument("--burst", type=int, default=64)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="orderbridge-ingest-cpu-") as tmp:
        result = uvloop.run(measure(args, Path(tmp)))
    print(
        f"CPU per signed webhook: {result['us_per_webhook']} µs "
        f"(rounds: {', '.join(str(x) for x in result['us_rounds'])})"
    )
    print(json.dumps({"benchmark": "ingest_cpu", "database": "sqlite", **result}))


if __name__ == "__main__":
    main()
