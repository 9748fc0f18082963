"""The aiohttp client's TLS context and the lean lane of POS calls
(``connectors/_base.py``, ``connectors/http_aiohttp.py``): what they send is what httpx
would, and the guards stay. The rest of the client: test_http_aiohttp.py.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from orderbridge.connectors._base import make_http_client, send
from orderbridge.connectors.http_aiohttp import (
    AiohttpTransport,
    shared_ssl_context,
)
from orderbridge.connectors.storefront.ssrf import pinned_transport, refused_code
from orderbridge.ports import TransientError
from tests.connectors.aiohttp_support import Handler
from tests.patience import patience

pytestmark = pytest.mark.anyio


def _self_signed(directory: Path) -> ssl.SSLContext:
    """A server TLS context for 127.0.0.1 with a certificate no root vouches for."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(hours=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    (directory / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(directory / "cert.pem", directory / "key.pem")
    return context


async def test_transports_share_one_tls_context_that_still_checks_certificates(
    tmp_path: Path,
) -> None:
    """Every transport uses the process's one client TLS context (one copy of the
    roots); it verifies: a server whose certificate no root signed is refused."""
    url = httpx.URL("https://127.0.0.1/")
    first, second = AiohttpTransport(limit=1), AiohttpTransport(limit=1)
    context = first._ssl_for(url)
    assert context is second._ssl_for(url) is shared_ssl_context()
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname

    async def ok(request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_get("/", ok)
    runner = web.AppRunner(app, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=_self_signed(tmp_path))
    await site.start()
    try:
        port = runner.addresses[0][1]
        async with make_http_client(base_url="") as client:
            with pytest.raises(TransientError) as refused:
                await send(
                    client, "GET", f"https://127.0.0.1:{port}/", system="POS", deadline=patience(10)
                )
        assert "ConnectError" in str(refused.value)
    finally:
        await runner.cleanup()


class _CountingTransport(AiohttpTransport):
    """The aiohttp transport, counting the requests that came the httpx way."""

    def __init__(self) -> None:
        super().__init__(limit=4)
        self.httpx_way = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.httpx_way += 1
        return await super().handle_async_request(request)


async def test_the_lean_lane_sends_what_httpx_sends(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    """``send``'s lean lane (connectors/_base.py) puts the same request on the wire as
    ``client.request`` does: method, path, query, headers and body, byte for byte."""
    heard: list[tuple[str, str, dict[str, str], bytes]] = []

    async def record(request: web.Request) -> web.Response:
        headers = {k.lower(): v for k, v in request.headers.items()}
        heard.append((request.method, request.raw_path, headers, await request.read()))
        return web.json_response({"response": {"ok": 1}}, headers={"X-Many": "one"})

    url = await serve({"/api/incomingOrders.createIncomingOrder": record, "/api/x": record})
    transport = _CountingTransport()
    params = {"token": "a b&c/ü", "flag": True, "n": 2, "none": None}
    body = {"name": "Борщ", "count": 2, "price": 1.5, "nested": [{"a": None}]}
    async with make_http_client(base_url=url + "/", timeout=5, transport=transport) as client:
        for path, method, payload in (
            ("/api/incomingOrders.createIncomingOrder", "POST", body),
            ("/api/x", "GET", None),
        ):
            lean = await send(
                client, method, path, system="POS", deadline=patience(10),
                params=params, json=payload,
            )  # fmt: skip
            assert transport.httpx_way == 0
            plain = await client.request(method, path, params=params, json=payload)
            assert transport.httpx_way == 1
            transport.httpx_way = 0
            assert heard[-2] == heard[-1]
            assert (lean.status_code, lean.json(), lean.headers.get("X-Many")) == (
                plain.status_code,
                plain.json(),
                "one",
            )
    assert heard[0][2]["content-type"] == "application/json"
    assert json.loads(heard[0][3]) == body


async def test_the_lean_lane_sends_each_calls_own_query_and_the_clients_current_headers(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    """The lean lane keeps a client's base URL, headers, timeouts and last query between
    calls (``HubClient.lean_parts``/``query``): a new token, a number in place of its
    text, headers or a base URL set anew all reach the wire."""
    heard: list[tuple[str, str | None]] = []

    async def record(request: web.Request) -> web.Response:
        heard.append((request.raw_path, request.headers.get("X-Tenant")))
        return web.json_response({})

    url = await serve({"/{tail:.*}": record})
    async with make_http_client(base_url=url + "/v1") as client:

        async def call(**params: object) -> None:
            await send(client, "GET", "/a", system="POS", deadline=patience(10), params=params)

        await call(token="one")
        await call(token="one")
        await call(token="two")
        await call(token="1")
        await call(token=True)
        client.headers = {**client.headers, "X-Tenant": "t1"}
        client.base_url = httpx.URL(url + "/v2")
        await call(token="two")
    assert heard == [
        ("/v1/a?token=one", None),
        ("/v1/a?token=one", None),
        ("/v1/a?token=two", None),
        ("/v1/a?token=1", None),
        ("/v1/a?token=true", None),
        ("/v2/a?token=two", "t1"),
    ]


async def test_the_lean_lane_leaves_other_calls_to_httpx(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    """Arguments, paths and clients the lean lane does not handle go the httpx way."""

    async def ok(request: web.Request) -> web.Response:
        return web.json_response({})

    url = await serve({"/{tail:.*}": ok})
    transport = _CountingTransport()
    async with make_http_client(base_url=url, transport=transport) as client:
        for path, kwargs in (
            ("/a/b", {"headers": {"X-One": "1"}}),
            ("/a/b", {"content": b"{}"}),
            ("/a/./b", {}),
            ("/a//b", {}),
            ("/a/%62", {}),
            ("/a?x=1", {}),
            (url + "/a", {}),
        ):
            await send(client, "GET", path, system="POS", deadline=patience(10), **kwargs)
        await send(client, "POST", "/a", system="POS", deadline=patience(10))  # no body
        assert transport.httpx_way == 8
    with pytest.raises(RuntimeError):  # closed: httpx's own error, no new session opened
        await send(client, "GET", "/a", system="POS", deadline=patience(10))


async def test_the_lean_lane_keeps_the_ssrf_guard(
    serve: Callable[[dict[str, Handler]], Awaitable[str]],
) -> None:
    heard: list[str] = []

    async def hook(request: web.Request) -> web.Response:
        heard.append(request.host)
        return web.Response(text="{}")

    url = await serve({"/h": hook})
    port = url.rsplit(":", 1)[1]

    async def loopback(host: str, port: int) -> list[str]:
        return ["127.0.0.1"]

    for base in (f"http://pos.example.com:{port}", f"http://127.0.0.1:{port}"):
        guarded = pinned_transport(allow_private=False, resolve=loopback)
        async with make_http_client(base_url=base, transport=guarded) as client:
            with pytest.raises(TransientError) as refused:
                await send(client, "GET", "/h", system="POS", deadline=patience(10))
            assert isinstance(refused.value.__cause__, httpx.ConnectError)
            assert refused_code(refused.value.__cause__) == "private_address"
    assert heard == []
