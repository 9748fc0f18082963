"""The sandbox over HTTP: Poster's ``/api/{method}`` wire format, plus its side doors.

Routing is by path whatever the ``Host`` (``api-demo.localhost:8010`` and
``127.0.0.1:8010`` both work). The token arrives in the query string (its colon may be
percent-encoded) or in the body. API errors are answered, as Poster does, with HTTP 200
and ``{"error": {...}}`` in the body; only injected 5xx faults use the status line.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.poster.context import answer_body
from orderbridge.sandboxes.poster.control import control_routes
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.oauth import oauth_routes
from orderbridge.sandboxes.poster.params import parse_php_pairs
from orderbridge.sandboxes.poster.photos import photo_routes
from orderbridge.sandboxes.poster.register import register_routes
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.webhooks import WebhookDispatcher
from orderbridge.sandboxes.serving import sandbox_app


class PosterJSONResponse(JSONResponse):
    """JSON the way PHP's ``json_encode`` writes it: compact, ``/`` escaped is optional."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


async def read_params(request: Request) -> dict[str, Any]:
    """Query string and body merged, the body winning, in whichever encoding it came."""
    params: dict[str, Any] = parse_php_pairs(request.query_params.multi_items())
    if request.method not in ("POST", "PUT"):
        return params
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if not body:
        return params
    if content_type == "application/json" or (not content_type and body[:1] in b"{["):
        try:
            decoded = json.loads(body)
        except ValueError:
            raise PosterError(400, "Request body is not valid JSON") from None
        if not isinstance(decoded, dict):
            raise PosterError(400, "Request body must be a JSON object")
        params.update(_nest_bracket_keys(decoded))
    elif content_type == "multipart/form-data":
        form = await request.form()
        pairs = [(k, v) for k, v in form.multi_items() if isinstance(v, str)]
        params.update(parse_php_pairs(pairs))
    else:
        # application/x-www-form-urlencoded, and what curl sends with no type at all.
        text = body.decode("utf-8", errors="replace")
        params.update(parse_php_pairs(parse_qsl(text, keep_blank_values=True)))
    return params


def _nest_bracket_keys(decoded: dict[str, Any]) -> dict[str, Any]:
    """A JSON body's ``"price[1]": 3100`` keys nested as the form's would be.

    The reference writes its arrays with flat bracket keys (``'price[1]' => 3100``);
    a client that ``json_encode``s such an array sends the brackets inside the key, and
    means what the same array means form-encoded.
    """
    flat = [(k, v) for k, v in decoded.items() if "[" in k]
    if not flat:
        return decoded
    nested = {k: v for k, v in decoded.items() if "[" not in k}
    for key, value in parse_php_pairs(flat).items():
        base = nested.get(key)
        if isinstance(base, dict) and isinstance(value, dict):
            value = {**base, **value}
        nested[key] = value
    return nested


def api_endpoint(sandbox: PosterSandbox) -> Any:
    async def api(request: Request) -> Response:
        method = request.path_params["method"]
        try:
            params = await read_params(request)
            fmt = str(params.pop("format", "json") or "json").lower()
            if fmt != "json":
                # The sandbox speaks JSON only; answer in a defined way rather than guess
                # at the shape of Poster's XML.
                raise PosterError(400, f"format={fmt} is not supported by the sandbox; use json")
            token = params.pop("token", None)
            faults = sandbox.faults
            if faults.config.latency_ms and faults.applies(method):
                await sandbox.sleep(faults.config.latency_ms / 1000)
            fault = faults.before_call(method)
            if fault == "http_5xx":
                return PlainTextResponse("503 Service Temporarily Unavailable", status_code=503)
            if fault == "error_44":
                raise PosterError(44)
            if fault == "rate_limit":
                # Poster documents code 700 for its rate limit; the reference shows no
                # HTTP status for it, so it comes like every other API error (HTTP 200).
                raise PosterError(700)
            result = sandbox.call(
                method,
                str(token) if token is not None else None,
                params,
                http_method=request.method,
            )
        except PosterError as error:
            return PosterJSONResponse(error.body())
        if sandbox.faults.hang_after(method):
            # The call took effect; the answer never comes (the client times out).
            await sandbox.sleep(sandbox.faults.config.hang_seconds)
        return PosterJSONResponse(answer_body(result))

    return api


async def index(request: Request) -> Response:
    return PlainTextResponse(
        "orderbridge Poster sandbox: API at /api/{method}, register at /register, "
        "control API under /_sandbox/\n"
    )


def create_app(
    sandbox: PosterSandbox,
    *,
    webhook_retry_scale: float = 1.0,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """The ASGI app serving ``sandbox``; webhooks are delivered while it runs.

    ``webhook_transport`` lets tests deliver webhooks in-process (``httpx.ASGITransport``).
    """
    dispatcher = WebhookDispatcher(
        sandbox, retry_scale=webhook_retry_scale, transport=webhook_transport
    )
    sandbox.sink = dispatcher

    routes: list[BaseRoute] = [
        Route("/", index),
        *oauth_routes(sandbox),
        Route("/api/{method}", api_endpoint(sandbox), methods=["GET", "POST"]),
        *control_routes(sandbox, dispatcher),
        *register_routes(sandbox),
        *photo_routes(sandbox),
    ]
    return sandbox_app(sandbox, dispatcher, routes)
