"""Benchmark: the client side's CPU for one POS call, by HTTP client.

The worker's POS call (``connectors/_base.py``: ``make_http_client`` + ``send``) is
one of the larger items of an order's cost. Here the same POST — a createIncomingOrder
body, JSON both ways, keep-alive — goes from this process to a minimal server in
another process (uvicorn on 127.0.0.1, answering a fixed Poster-shaped JSON), so this
process's CPU time is the client's alone. Compared, per request:

- *hub*: ``send()`` on the hardened ``make_http_client`` (deadline, classification), as
  the Poster connector calls it, with ``json=`` encoding and ``response.json()`` — on
  its default transport (aiohttp, ``connectors/http_aiohttp.py``), on the SSRF-pinned
  one production uses (``ssrf.pinned_transport``, aiohttp with the checking resolver),
  and on httpx's own httpcore transport (what it ran on before);
- *hub's transport alone*: ``AiohttpTransport.handle_async_request`` with a built
  ``httpx.Request``, to see what httpx's client layer adds on top;
- *httpx*: a plain ``httpx.AsyncClient`` doing the same;
- *httpcore*: ``httpcore.AsyncConnectionPool`` (what httpx runs on), body encoded
  once with ``json.dumps``, answer parsed with ``json.loads``;
- *streams*: HTTP/1.1 by hand on asyncio streams (the benchmarks' load generator) —
  the floor for Python on this machine.

- *aiohttp*: ``aiohttp.ClientSession`` (C parser) used directly.

Each client sends
``--requests`` requests, ``--concurrency`` at a time, in ``--rounds`` rounds; the
median round is printed. Runnable alone::

    uv run python bench/http_clients.py [--requests 2000] [--concurrency 16] [--rounds 3]

Prints the figures, then one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import httpcore
import httpx

from _root import servers
from e2e_orders import LeanClient
from orderbridge.connectors._base import MAX_CONNECTIONS, make_http_client, send
from orderbridge.connectors.http_aiohttp import AiohttpTransport
from orderbridge.connectors.storefront.ssrf import pinned_transport

BODY = {
    "spot_id": 1,
    "phone": "+380671234567",
    "first_name": "Guest",
    "products": [{"product_id": 114, "count": 1}, {"product_id": 139, "count": 2}],
    "comment": "bench [ob:ord_bench]",
    "service_mode": 2,
}
SERVER = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
ANSWER = b'{"response":{"incoming_order_id":1,"spot_id":1,"status":0,"client_id":0,' \\
    b'"phone":"+380671234567","comment":"bench [ob:ord_bench]","created_at":' \\
    b'"2026-12-06 20:00:00","updated_at":"2026-12-06 20:00:00","transaction_id":null,' \\
    b'"products":[{"io_product_id":1,"product_id":114,"count":1}]}}'
async def create(request):
    await request.body()
    return Response(ANSWER, media_type="application/json")
app = Starlette(routes=[Route("/api/incomingOrders.createIncomingOrder", create, methods=["POST"])])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""
PATH = "/api/incomingOrders.createIncomingOrder"

Call = Callable[[], Awaitable[Any]]


async def measure(call: Call, requests: int, concurrency: int) -> float:
    """CPU seconds of this process per request, ``concurrency`` requests at a time."""
    queue = list(range(requests))

    async def lane() -> None:
        while queue:
            queue.pop()
            await call()

    await asyncio.gather(*(lane() for _ in range(min(concurrency, 4))))  # warm-up
    queue = list(range(requests))
    started = time.process_time()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    return (time.process_time() - started) / requests


async def clients(url: str, args: argparse.Namespace) -> dict[str, list[float]]:
    hub = make_http_client(base_url=url, timeout=10)
    pinned = make_http_client(
        base_url=url, timeout=10, transport=pinned_transport(allow_private=True)
    )
    on_httpcore = make_http_client(
        base_url=url,
        timeout=10,
        transport=httpx.AsyncHTTPTransport(limits=httpx.Limits(max_connections=MAX_CONNECTIONS)),
    )
    bare = AiohttpTransport(limit=MAX_CONNECTIONS)
    plain = httpx.AsyncClient(base_url=url)
    pool = httpcore.AsyncConnectionPool(max_connections=20)
    lean = LeanClient(url, {})
    encoded = json.dumps(BODY).encode()

    async def via_hub() -> Any:
        response = await send(hub, "POST", PATH, system="Poster", deadline=20, json=BODY)
        return response.json()

    async def via_pinned() -> Any:
        response = await send(pinned, "POST", PATH, system="Poster", deadline=20, json=BODY)
        return response.json()

    async def via_hub_httpcore() -> Any:
        response = await send(on_httpcore, "POST", PATH, system="Poster", deadline=20, json=BODY)
        return response.json()

    async def via_transport() -> Any:
        request = httpx.Request(
            "POST",
            url + PATH,
            headers={"Content-Type": "application/json"},
            content=encoded,
            extensions={"timeout": {"connect": 5.0, "read": 10.0, "write": 10.0, "pool": 10.0}},
        )
        return json.loads((await bare.handle_async_request(request)).content)

    async def via_httpx() -> Any:
        return (await plain.post(PATH, json=BODY)).json()

    async def via_httpcore() -> Any:
        response = await pool.request(
            "POST",
            url + PATH,
            headers={"Content-Type": "application/json"},
            content=encoded,
        )
        return json.loads(response.content)

    async def via_streams() -> Any:
        _status, answer = await lean.post(PATH, encoded, {})
        return json.loads(answer)

    cases: dict[str, Call] = {
        "hub, on aiohttp (default)": via_hub,
        "hub, on aiohttp, SSRF-pinned": via_pinned,
        "hub, on httpcore (before)": via_hub_httpcore,
        "hub's aiohttp transport alone": via_transport,
        "httpx": via_httpx,
        "httpcore": via_httpcore,
        "asyncio streams": via_streams,
    }
    session = aiohttp.ClientSession(url)

    async def via_aiohttp() -> Any:
        async with session.post(PATH, json=BODY) as response:
            return await response.json()

    cases["aiohttp"] = via_aiohttp
    results: dict[str, list[float]] = {name: [] for name in cases}
    try:
        for _ in range(args.rounds):
            for name, call in cases.items():
                results[name].append(await measure(call, args.requests, args.concurrency))
    finally:
        await hub.aclose()
        await pinned.aclose()
        await on_httpcore.aclose()
        await bare.aclose()
        await plain.aclose()
        await pool.aclose()
        lean.close()
        await session.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    port = servers.free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(port)])
    try:
        url = f"http://127.0.0.1:{port}"
        servers.wait_until_up(f"{url}/", process=server)
        load = round(os.getloadavg()[0], 2)
        results = asyncio.run(clients(url, args))
    finally:
        server.terminate()
        server.wait(timeout=10)
    figures = {name: round(statistics.median(v) * 1e6, 1) for name, v in results.items()}
    print(f"client CPU per request, µs (median of {args.rounds} rounds; load {load}):")
    for name, value in figures.items():
        print(f"  {name:<32} {value:>8}")
    print(json.dumps({"benchmark": "http_clients", "load_average": load, "cpu_us": figures}))


if __name__ == "__main__":
    main()
