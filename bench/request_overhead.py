"""Benchmark: the CPU the hub's request observer adds to every HTTP request.

``web/observe.py`` wraps every request (the webhook ingest's and the order API's): a
request id, two Prometheus series and an access-log line. This measures what that
costs per request, in-process and without the network, so other load on the machine
hardly moves it: a minimal ASGI app answering 200 is called ``--requests`` times
directly (a POST to ``/webhooks/poster``, as the ingest's requests are), alone and
wrapped, with the access log off, on in JSON and on in the console format (written
to ``/dev/null``). CPU time is the process's (``time.process_time``). Runnable alone::

    uv run python bench/request_overhead.py [--requests 50000] [--rounds 3]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from prometheus_client import CollectorRegistry
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from orderbridge.log import configure_logging
from orderbridge.web.metrics import HubMetrics
from orderbridge.web.observe import RequestObserver

BODY = b'{"status":"accept"}'


async def endpoint(scope: Scope, receive: Receive, send: Send) -> None:
    await receive()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", b"application/json")],
        }
    )
    await send({"type": "http.response.body", "body": BODY})


ROUTE = Route("/webhooks/poster", endpoint, methods=["POST"])


class App:
    """The smallest app with a route, as the observer sees the hub's (``scope["app"]``)."""

    routes = (ROUTE,)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["endpoint"] = endpoint
        await endpoint(scope, receive, send)


def scope_for(app: Any) -> Scope:
    return {
        "type": "http",
        "method": "POST",
        "path": "/webhooks/poster",
        "raw_path": b"/webhooks/poster",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1:8000"),
            (b"content-type", b"application/json"),
            (b"content-length", b"412"),
            (b"user-agent", b"poster-webhooks"),
        ],
        "app": app,
    }


async def run(asgi: Callable[..., Any], requests: int) -> float:
    inner = App()

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        return None

    started = time.process_time()
    for _ in range(requests):
        await asgi(scope_for(inner), receive, send)
    return (time.process_time() - started) / requests * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    devnull = open(os.devnull, "w")  # noqa: SIM115 (for the whole run)
    real_stderr = sys.stderr
    cases: dict[str, list[float]] = {}

    def case(name: str, asgi: Callable[..., Any], *, access: str | None) -> None:
        sys.stderr = devnull
        try:
            configure_logging("INFO", json=access == "json", access_log=access is not None)
            cases.setdefault(name, []).append(asyncio.run(run(asgi, args.requests)))
        finally:
            sys.stderr = real_stderr

    for _ in range(args.rounds):
        observed = RequestObserver(App(), HubMetrics(CollectorRegistry()))
        case("bare app", App(), access=None)
        case("observer, no access log", observed, access=None)
        case("observer, JSON access log", observed, access="json")
        case("observer, console access log", observed, access="console")
    medians = {name: round(statistics.median(values), 2) for name, values in cases.items()}
    base = medians["bare app"]
    print(f"{args.requests} requests per case, {args.rounds} rounds, median CPU per request:")
    for name, value in medians.items():
        extra = "" if name == "bare app" else f"  (+{value - base:.1f} µs)"
        print(f"  {name:32s} {value:7.2f} µs{extra}")
    print(
        json.dumps(
            {
                "benchmark": "request_overhead",
                "requests": args.requests,
                "rounds": args.rounds,
                "cpu_us_per_request": medians,
                "added_us": {k: round(v - base, 2) for k, v in medians.items()},
            }
        )
    )


if __name__ == "__main__":
    main()
