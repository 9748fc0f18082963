"""Limits every route gets before it runs: body size per route, control characters."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request

from orderbridge.web.errors import install_error_handlers
from orderbridge.web.limits import ROUTE_LIMITS, BodySizeLimit

pytestmark = pytest.mark.anyio
KIB = 1024


def _app(max_bytes: int = 1_048_576) -> FastAPI:
    app = FastAPI()
    install_error_handlers(app, max_body_bytes=max_bytes)

    @app.post("/{path:path}")
    async def echo(path: str, request: Request) -> dict[str, int]:
        return {"read": len(await request.body())}

    @app.get("/{path:path}")
    async def show(path: str) -> dict[str, str]:
        return {"path": path}

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client


def test_the_longest_prefix_sets_the_limit_and_the_global_one_caps_it() -> None:
    limits = BodySizeLimit(_app(), routes=ROUTE_LIMITS)
    assert limits.limit_for("/webhooks/poster") == 64 * KIB
    assert limits.limit_for("/webhooks/wix/con_1") == 512 * KIB
    assert limits.limit_for("/api/v1/orders/ord_1/cancel") == 256 * KIB
    assert limits.limit_for("/api/v1/admin/locations/x/menu") == 1_048_576
    capped = BodySizeLimit(_app(), max_bytes=10 * KIB, routes=ROUTE_LIMITS)
    assert capped.limit_for("/webhooks/wix/con_1") == 10 * KIB
    with pytest.raises(ValueError):
        BodySizeLimit(_app(), routes=[("/x", -1)])


def test_a_limit_for_one_path_is_that_paths_and_others_keep_theirs() -> None:
    """The direct lane's limiter serves one path; any other path is still looked up."""
    one = BodySizeLimit(_app(), routes=ROUTE_LIMITS, path="/webhooks/poster")
    assert one.limit_for("/webhooks/poster") == 64 * KIB
    assert one.limit_for("/api/v1/orders") == 256 * KIB


async def test_the_declared_length_is_read_from_the_raw_headers() -> None:
    """A declared ``Content-Length`` over the path's limit is refused before the app
    runs, whichever position the header has among the others."""
    ran = False

    async def app(scope: dict[str, object], receive: object, send: object) -> None:
        nonlocal ran
        ran = True

    limiter = BodySizeLimit(app, routes=ROUTE_LIMITS, path="/webhooks/poster")
    sent: list[dict[str, object]] = []

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    headers = [(b"host", b"hub.test"), (b"content-length", str(64 * KIB + 1).encode())]
    scope = {"type": "http", "method": "POST", "path": "/webhooks/poster", "headers": headers}
    await limiter(scope, receive, send)
    assert not ran
    assert sent[0]["status"] == 413
    scope["headers"] = [(b"content-length", str(64 * KIB).encode()), (b"host", b"hub.test")]
    await limiter(scope, receive, send)
    assert ran


@pytest.mark.parametrize(
    ("path", "size", "status"),
    [
        ("/webhooks/poster", 64 * KIB, 200),
        ("/webhooks/poster", 64 * KIB + 1, 413),
        ("/api/v1/reservations", 64 * KIB + 1, 413),
        ("/api/v1/admin/locations/x/menu", 64 * KIB + 1, 200),
    ],
)
async def test_a_body_over_its_routes_limit_is_413(
    client: httpx.AsyncClient, path: str, size: int, status: int
) -> None:
    answer = await client.post(path, content=b"x" * size)
    assert answer.status_code == status, answer.text
    if status == 413:
        assert answer.json()["error"]["code"] == "payload_too_large"
        assert str(64 * KIB) in answer.json()["error"]["message"]


async def test_a_streamed_body_over_its_routes_limit_is_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(65):
            yield b"x" * KIB

    answer = await client.post("/webhooks/poster", content=chunks())
    assert "content-length" not in answer.request.headers
    assert answer.status_code == 413


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("/orders/a%00b", "invalid_path"),
        ("/orders/a%0Ab", "invalid_path"),
        ("/orders/a%7Fb", "invalid_path"),
        ("/orders/a%09b", "invalid_path"),
        ("/orders?q=%00", "invalid_query"),
        ("/orders?q=a&%00=b", "invalid_query"),
    ],
)
async def test_control_characters_in_the_path_or_nul_in_the_query_are_400(
    client: httpx.AsyncClient, path: str, code: str
) -> None:
    answer = await client.get(path)
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == code


@pytest.mark.parametrize("path", ["/orders/%D0%87-%20x", "/orders?q=%0A&r=%7F", "/orders?q=%2500"])
async def test_other_escapes_pass(client: httpx.AsyncClient, path: str) -> None:
    """Unicode, spaces, a newline in a query value (a search may hold one), ``%2500``."""
    assert (await client.get(path)).status_code == 200
