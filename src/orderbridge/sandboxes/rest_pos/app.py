"""The Countertop sandbox over HTTP: its API, the register page, the control API."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.rest_pos.api import api_routes
from orderbridge.sandboxes.rest_pos.control import control_routes
from orderbridge.sandboxes.rest_pos.register import register_routes
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox
from orderbridge.sandboxes.rest_pos.webhooks import WebhookDispatcher
from orderbridge.sandboxes.serving import sandbox_app


async def index(request: Request) -> Response:
    return PlainTextResponse(
        "Countertop POS sandbox (orderbridge): API under /v2/, register at /register, "
        "control API under /_sandbox/\n"
    )


def create_app(
    sandbox: CountertopSandbox,
    *,
    webhook_retry_scale: float = 1.0,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
) -> Starlette:
    """The ASGI app serving ``sandbox``; webhooks are delivered while it runs
    (``webhook_transport`` delivers them in-process, for tests)."""
    dispatcher = WebhookDispatcher(
        sandbox, retry_scale=webhook_retry_scale, transport=webhook_transport
    )
    sandbox.sink = dispatcher

    routes: list[BaseRoute] = [
        Route("/", index),
        *api_routes(sandbox),
        *control_routes(sandbox, dispatcher),
        *register_routes(sandbox),
    ]
    return sandbox_app(sandbox, dispatcher, routes)
