"""``web.direct.DirectRoutes``: the direct lane keeps the generic stack's guarantees.

Driven with hand-built ASGI messages: a registered endpoint that records its calls (or
raises what a test tells it to), and a generic app that records what reached it.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from starlette.exceptions import HTTPException

from orderbridge.web.direct import DirectRoutes
from orderbridge.web.errors import ApiError, handle_error
from tests.asgi import request_body

PATH = "/hook"
HANDLERS = {ApiError: handle_error, HTTPException: handle_error, Exception: handle_error}


class Endpoint:
    """Reads the whole body, then answers 200 or raises ``fails``."""

    def __init__(self, fails: Exception | None = None) -> None:
        self.fails = fails
        self.bodies: list[bytes] = []
        self.scopes: list[dict[str, Any]] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.scopes.append(scope)
        body = await request_body(receive)
        self.bodies.append(body)
        if self.fails is not None:
            raise self.fails
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


class Generic:
    def __init__(self) -> None:
        self.paths: list[str] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        self.paths.append(scope["path"])
        await send({"type": "http.response.start", "status": 299, "headers": []})
        await send({"type": "http.response.body", "body": b"generic"})


def lane(endpoint: Endpoint, generic: Generic, limit: int | None = 1000) -> DirectRoutes:
    owner = object()
    return DirectRoutes(
        generic, owner=owner, routes={PATH: endpoint}, max_body_bytes=limit, handlers=HANDLERS
    )


def call(
    app: DirectRoutes,
    *,
    method: str = "POST",
    path: str = PATH,
    query: bytes = b"",
    chunks: tuple[bytes, ...] = (b"{}",),
    declared: bool = True,
) -> tuple[int, bytes]:
    headers = []
    if declared:
        headers.append((b"content-length", str(sum(map(len, chunks))).encode()))
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "scheme": "http",
        "headers": headers,
        "server": ("127.0.0.1", 80),
    }
    messages = [
        {"type": "http.request", "body": chunk, "more_body": n < len(chunks) - 1}
        for n, chunk in enumerate(chunks)
    ]
    answer: dict[str, Any] = {"status": 0, "body": b""}

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        else:
            answer["body"] += message.get("body", b"")

    asyncio.run(app(scope, receive, send))
    return answer["status"], answer["body"]


def test_a_post_to_the_exact_path_goes_straight_to_its_endpoint() -> None:
    endpoint, generic = Endpoint(), Generic()
    assert call(lane(endpoint, generic), chunks=(b'{"a":', b"1}")) == (200, b"ok")
    assert endpoint.bodies == [b'{"a":1}'] and generic.paths == []
    # Recorded as the router would, so the request observer names the route.
    assert endpoint.scopes[0]["endpoint"] is endpoint


@pytest.mark.parametrize(
    ("method", "path", "query"),
    [("GET", PATH, b""), ("POST", PATH + "/", b""), ("POST", PATH, b"x=%00"), ("POST", "/", b"")],
)
def test_anything_else_takes_the_generic_stack(method: str, path: str, query: bytes) -> None:
    endpoint, generic = Endpoint(), Generic()
    assert call(lane(endpoint, generic), method=method, path=path, query=query)[0] == 299
    assert generic.paths == [path] and endpoint.bodies == []


def test_a_declared_body_over_the_limit_is_413_before_the_endpoint_runs() -> None:
    endpoint, generic = Endpoint(), Generic()
    status, body = call(lane(endpoint, generic, limit=10), chunks=(b"x" * 11,))
    assert status == 413
    assert json.loads(body)["error"]["code"] == "payload_too_large"
    assert endpoint.bodies == []


def test_a_streamed_body_over_the_limit_is_413() -> None:
    endpoint, generic = Endpoint(), Generic()
    status, body = call(
        lane(endpoint, generic, limit=10), chunks=(b"x" * 6, b"x" * 6), declared=False
    )
    assert status == 413
    assert json.loads(body)["error"]["code"] == "payload_too_large"


def test_an_api_error_is_answered_with_the_error_body() -> None:
    endpoint = Endpoint(fails=ApiError(401, "invalid_signature", "no", "verify"))
    status, body = call(lane(endpoint, Generic()))
    assert status == 401
    assert json.loads(body)["error"] == {
        "code": "invalid_signature",
        "message": "no",
        "field": "verify",
    }


def test_an_unexpected_error_is_answered_500_and_raised_again_for_the_server_log() -> None:
    endpoint = Endpoint(fails=RuntimeError("boom"))
    app = lane(endpoint, Generic())
    answer: dict[str, Any] = {}

    async def send(message: dict[str, Any]) -> None:
        answer.setdefault(message["type"], message)

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    scope = {"type": "http", "method": "POST", "path": PATH, "headers": [], "query_string": b""}
    with pytest.raises(RuntimeError, match="boom"):
        asyncio.run(app(scope, receive, send))
    assert answer["http.response.start"]["status"] == 500
    assert json.loads(answer["http.response.body"]["body"])["error"]["code"] == "internal_error"
    assert "boom" not in answer["http.response.body"]["body"].decode()
