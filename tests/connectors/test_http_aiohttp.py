"""The hub's aiohttp-backed transport against a real server on 127.0.0.1.

Each test starts a small ``aiohttp.web`` server on a free port in its own event loop
and stops it at the end; the client is the one connectors get from
``make_http_client`` (no transport given: aiohttp) or ``ssrf.pinned_transport``.
"""

from __future__ import annotations

import asyncio
import gc
import gzip
import json
import socket
import subprocess
import sys
import warnings
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import aiohttp
import httpx
import pytest
from aiohttp import web

from orderbridge.connectors._base import USER_AGENT, make_http_client, send
from orderbridge.connectors.http_aiohttp import (
    AiohttpTransport,
    as_httpx_error,
)
from orderbridge.connectors.storefront.delivery import deliver
from orderbridge.connectors.storefront.ssrf import pinned_transport, refused_code
from orderbridge.ports import EndpointRecord, PermanentError, TransientError
from tests.connectors.aiohttp_support import Handler
from tests.patience import patience

pytestmark = pytest.mark.anyio


def dripping(stop: asyncio.Event) -> Handler:
    """A handler promising 1000 bytes and sending one every 20 ms until ``stop``."""

    async def drip(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": "1000"})
        await response.prepare(request)
        while not stop.is_set():
            await response.write(b" ")
            await asyncio.sleep(0.02)
        return response

    return drip


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_the_default_client_is_on_aiohttp_and_round_trips_body_and_headers(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    async def echo(request: web.Request) -> web.Response:
        answer = {
            "method": request.method,
            "query": dict(request.query),
            "body": await request.json(),
            "user_agent": request.headers["User-Agent"],
            "accept": request.headers["Accept"],
            "custom": request.headers.getall("X-Custom"),
        }
        response = web.json_response(answer, status=201)
        response.headers.add("X-Many", "one")
        response.headers.add("X-Many", "two")
        return response

    url = await serve({"/echo": echo})
    async with make_http_client(base_url=url, timeout=5) as client:
        assert isinstance(client._transport, AiohttpTransport)
        response = await send(
            client,
            "POST",
            "/echo",
            system="POS",
            deadline=patience(10),
            params={"token": "a b&c"},
            json={"name": "Борщ", "count": 2},
            headers=[("X-Custom", "1"), ("X-Custom", "2")],
        )
    assert response.status_code == 201
    assert response.json() == {
        "method": "POST",
        "query": {"token": "a b&c"},
        "body": {"name": "Борщ", "count": 2},
        "user_agent": USER_AGENT,
        "accept": "application/json",
        "custom": ["1", "2"],
    }
    assert response.headers.get_list("X-Many") == ["one", "two"]


async def test_streamed_request_bodies_are_sent_whole(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    async def length(request: web.Request) -> web.Response:
        return web.json_response({"length": len(await request.read())})

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(3):
            yield b"x" * 1000

    url = await serve({"/len": length})
    async with make_http_client(base_url=url) as client:
        response = await client.post("/len", content=chunks())
    assert response.json() == {"length": 3000}


async def test_statuses_are_classified_as_before(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    calls: list[str] = []

    async def busy(request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "7"})

    async def broken(request: web.Request) -> web.Response:
        return web.Response(status=503)

    async def refused(request: web.Request) -> web.Response:
        return web.Response(status=401)

    async def moved(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "/elsewhere"})

    async def elsewhere(request: web.Request) -> web.Response:
        calls.append("elsewhere")
        return web.Response(text="{}")

    url = await serve(
        {"/busy": busy, "/broken": broken, "/refused": refused, "/moved": moved,
         "/elsewhere": elsewhere}
    )  # fmt: skip
    async with make_http_client(base_url=url) as client:
        with pytest.raises(TransientError) as limited:
            await send(client, "GET", "/busy", system="POS", deadline=patience(10))
        assert limited.value.retry_after == 7.0
        with pytest.raises(TransientError):
            await send(client, "GET", "/broken", system="POS", deadline=patience(10))
        with pytest.raises(PermanentError) as auth:
            await send(client, "GET", "/refused", system="POS", deadline=patience(10))
        assert auth.value.code == "reauth_required"
        with pytest.raises(PermanentError) as redirect:
            await send(client, "GET", "/moved", system="POS", deadline=patience(10))
        assert redirect.value.code == "unexpected_redirect"
    assert calls == []  # the redirect was not followed


async def test_a_dripping_server_is_cut_at_the_deadline(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    stop = asyncio.Event()
    url = await serve({"/drip": dripping(stop)})
    async with make_http_client(base_url=url, timeout=5) as client:
        with pytest.raises(TransientError) as slow:
            await send(client, "GET", "/drip", system="POS", deadline=0.3)
    stop.set()
    assert "did not answer within 0.3 s" in str(slow.value)


async def test_a_silent_server_times_out_on_read(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    stop = asyncio.Event()

    async def silent(request: web.Request) -> web.Response:
        await stop.wait()
        return web.Response()

    url = await serve({"/silent": silent})
    async with make_http_client(base_url=url, timeout=0.2) as client:
        with pytest.raises(httpx.ReadTimeout):
            await client.get("/silent")
        with pytest.raises(TransientError) as slow:
            await send(client, "GET", "/silent", system="POS", deadline=patience(30))
    stop.set()
    assert "timed out" in str(slow.value)


async def test_connection_refused_and_dropped_connections_are_transient(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    async def hang_up(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.close()
        return web.Response()

    async def cut(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Length": "100"})
        await response.prepare(request)
        await response.write(b"{")
        assert request.transport is not None
        request.transport.close()
        return response

    url = await serve({"/hang-up": hang_up, "/cut": cut})
    nowhere = f"http://127.0.0.1:{_free_port()}"
    async with make_http_client(base_url="") as client:
        with pytest.raises(TransientError) as refused:
            await send(client, "GET", nowhere + "/", system="POS", deadline=patience(10))
        assert "unreachable: ConnectError" in str(refused.value)
        for path in ("/hang-up", "/cut"):
            with pytest.raises(TransientError) as dropped:
                await send(client, "GET", url + path, system="POS", deadline=patience(10))
            assert "RemoteProtocolError" in str(dropped.value)


async def test_bodies_are_decoded_once_and_cookies_not_kept(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    cookies: list[str | None] = []

    async def zipped(request: web.Request) -> web.Response:
        cookies.append(request.headers.get("Cookie"))
        body = gzip.compress(json.dumps({"ok": True}).encode())
        return web.Response(
            body=body,
            headers={
                "Content-Encoding": "gzip",
                "Content-Type": "application/json",
                "Set-Cookie": "session=abc; Path=/",
            },
        )

    url = await serve({"/zipped": zipped})
    async with make_http_client(base_url=url) as client:
        for _ in range(2):
            response = await send(client, "GET", "/zipped", system="POS", deadline=patience(10))
            assert response.json() == {"ok": True}
    assert cookies == [None, None]


async def test_concurrent_requests_are_held_to_the_connection_limit(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    in_flight = 0
    most = 0
    two_at_once = asyncio.Event()

    async def slow(request: web.Request) -> web.Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        if in_flight == 2:
            two_at_once.set()
        await asyncio.wait_for(two_at_once.wait(), patience(10))
        await asyncio.sleep(0.01)
        in_flight -= 1
        return web.json_response({})

    url = await serve({"/slow": slow})
    transport = AiohttpTransport(limit=2)
    async with make_http_client(base_url=url, transport=transport) as client:
        answers = await asyncio.gather(*(client.get("/slow") for _ in range(6)))
    assert [a.status_code for a in answers] == [200] * 6
    assert most == 2


async def test_the_pinned_transport_refuses_private_names_and_literals(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    heard: list[str] = []

    async def hook(request: web.Request) -> web.Response:
        heard.append(request.host)
        return web.Response(text="ok")

    url = await serve({"/h": hook})
    port = url.rsplit(":", 1)[1]

    async def loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    guarded = pinned_transport(allow_private=False, resolve=loopback)
    async with make_http_client(base_url="", transport=guarded) as client:
        for target in (f"http://pos.example.com:{port}/h", f"http://127.0.0.1:{port}/h"):
            with pytest.raises(httpx.ConnectError) as refused:
                await client.get(target)
            assert refused_code(refused.value) == "private_address"
        with pytest.raises(TransientError):  # a POS call: retried, never sent
            await send(client, "GET", url + "/h", system="POS", deadline=patience(10))
    assert heard == []

    allowed = pinned_transport(allow_private=True, resolve=loopback)
    async with make_http_client(base_url="", transport=allowed) as client:
        for target in (f"http://pos.example.com:{port}/h", f"http://127.0.0.1:{port}/h"):
            assert (await client.get(target)).text == "ok"
    assert heard == [f"pos.example.com:{port}", f"127.0.0.1:{port}"]


async def test_closing_the_client_closes_the_session_without_warnings(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    async def ok(request: web.Request) -> web.Response:
        return web.json_response({})

    url = await serve({"/ok": ok})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = make_http_client(base_url=url)
        await client.get("/ok")
        transport = client._transport
        assert isinstance(transport, AiohttpTransport)
        session = transport._session
        assert session is not None and not session.closed
        await client.aclose()
        assert session.closed and transport._session is None
        del client, transport, session
        gc.collect()
    assert [str(w.message) for w in caught if "nclosed" in str(w.message)] == []


def test_a_transport_used_from_a_second_event_loop_opens_a_new_session() -> None:
    """A CLI command may run ``asyncio.run`` twice on one hub: the second loop gets a
    session of its own, and the first one's sockets are dropped."""

    async def ok(request: web.Request) -> web.Response:
        return web.json_response({"ok": True})

    async def once(client: httpx.AsyncClient) -> object:
        app = web.Application()
        app.router.add_get("/ok", ok)
        runner = web.AppRunner(app, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        try:
            port = runner.addresses[0][1]
            answer = await client.get(f"http://127.0.0.1:{port}/ok")
            return answer.json()
        finally:
            await runner.cleanup()

    client = make_http_client(base_url="")
    assert asyncio.run(once(client)) == {"ok": True}
    assert asyncio.run(once(client)) == {"ok": True}
    asyncio.run(client.aclose())


def test_building_the_hub_does_not_import_aiohttp() -> None:
    """aiohttp (~7 MB of RSS) comes with the first outbound client, not with ``serve``'s
    imports: an idle process that never calls out does not carry it."""
    probe = (
        "import sys, orderbridge.bootstrap, orderbridge.cli\n"
        "print('aiohttp' in sys.modules)\n"
        "from orderbridge.connectors.storefront.ssrf import pinned_transport\n"
        "pinned_transport(allow_private=False)\n"
        "print('aiohttp' in sys.modules)\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == ["False", "True"]


async def test_a_webhook_receiver_dripping_its_answer_is_cut_at_the_deadline(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    """Storefront webhook delivery has a whole-call deadline (twice the read timeout)
    like ``send``: reads that each arrive in time do not hold a worker for ever."""
    stop = asyncio.Event()
    url = await serve({"/hook": dripping(stop)})
    endpoint = EndpointRecord(
        id="whe_1",
        tenant_id="ten_1",
        url=f"{url}/hook",
        events=("order.received",),
        secrets=("whsec_" + "A" * 32,),
    )
    transport = pinned_transport(allow_private=True)
    async with make_http_client(base_url="", timeout=0.15, transport=transport) as client:
        with pytest.raises(TransientError) as slow:
            await deliver(
                client,
                endpoint,
                msg_id="msg_1",
                message={"type": "order.received"},
                now=datetime(2026, 12, 7, tzinfo=UTC),
                allow_private=True,
            )
    stop.set()
    assert "did not answer within 0.3 s" in str(slow.value)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (aiohttp.ConnectionTimeoutError("connect"), httpx.ConnectTimeout),
        (aiohttp.SocketTimeoutError("read"), httpx.ReadTimeout),
        (aiohttp.ServerDisconnectedError(), httpx.RemoteProtocolError),
        (aiohttp.ClientPayloadError("cut"), httpx.RemoteProtocolError),
        (aiohttp.ClientOSError(104, "reset"), httpx.ReadError),
        (aiohttp.InvalidURL("http://[::1"), httpx.UnsupportedProtocol),
        (aiohttp.ClientConnectionError("closed"), httpx.NetworkError),
    ],
)
async def test_aiohttp_errors_become_the_httpx_errors_send_classifies(
    error: aiohttp.ClientError, expected: type[httpx.TransportError]
) -> None:
    request = httpx.Request("GET", "http://pos.test/")
    mapped = as_httpx_error(error, request)
    assert type(mapped) is expected
    assert type(error).__name__ in str(mapped)

    def raising(request: httpx.Request) -> httpx.Response:
        raise mapped

    async with make_http_client(base_url="", transport=httpx.MockTransport(raising)) as client:
        with pytest.raises(TransientError):
            await send(client, "GET", "http://pos.test/", system="POS", deadline=patience(10))
