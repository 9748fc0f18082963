"""The sandbox over HTTP: Wix's REST paths (as under ``https://www.wixapis.com``), the
checkout page, and the ``/_sandbox/`` control API; webhooks are delivered while the
app runs (its lifespan), and the world is saved within a second of a change."""

from __future__ import annotations

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.serving import sandbox_app
from orderbridge.sandboxes.wix.api_routes import api_routes
from orderbridge.sandboxes.wix.checkout_page import checkout_routes
from orderbridge.sandboxes.wix.control import control_routes
from orderbridge.sandboxes.wix.delivery import RESPONSE_DEADLINE_SECONDS, EventDispatcher
from orderbridge.sandboxes.wix.sandbox import WixSandbox


async def index(request: Request) -> Response:
    return PlainTextResponse(
        "orderbridge Wix sandbox: Wix REST APIs at their wixapis.com paths, "
        "checkout page at /checkout, control API under /_sandbox/\n"
    )


def create_app(
    sandbox: WixSandbox,
    *,
    resend_scale: float = 1.0,
    webhook_transport: httpx.AsyncBaseTransport | None = None,
    deadline_seconds: float = RESPONSE_DEADLINE_SECONDS,
) -> Starlette:
    """The ASGI app serving ``sandbox``.

    ``webhook_transport`` lets tests deliver webhooks in-process (``httpx.ASGITransport``).
    """
    dispatcher = EventDispatcher(
        sandbox,
        resend_scale=resend_scale,
        transport=webhook_transport,
        deadline_seconds=deadline_seconds,
    )
    sandbox.sink = dispatcher

    routes: list[BaseRoute] = [
        Route("/", index),
        *api_routes(sandbox),
        *control_routes(sandbox, dispatcher),
        *checkout_routes(sandbox),
    ]
    return sandbox_app(sandbox, dispatcher, routes)
