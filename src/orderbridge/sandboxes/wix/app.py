"""The sandbox over HTTP: Wix's REST paths (as under ``https://www.wixapis.com``), the
checkout page, and the ``/_sandbox/`` control API; webhooks are delivered while the
app runs (its lifespan), and the world is saved within a second of a change."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.wix.api_routes import api_routes
from orderbridge.sandboxes.wix.checkout_page import checkout_routes
from orderbridge.sandboxes.wix.control import control_routes
from orderbridge.sandboxes.wix.delivery import RESPONSE_DEADLINE_SECONDS, EventDispatcher
from orderbridge.sandboxes.wix.sandbox import WixSandbox

SAVE_EVERY_SECONDS = 1.0


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

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        saver = asyncio.create_task(_save_periodically(sandbox))
        async with dispatcher.running():
            try:
                yield
            finally:
                saver.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await saver
                sandbox.save()

    routes: list[BaseRoute] = [
        Route("/", index),
        *api_routes(sandbox),
        *control_routes(sandbox, dispatcher),
        *checkout_routes(sandbox),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.sandbox = sandbox
    app.state.dispatcher = dispatcher
    return app


async def _save_periodically(sandbox: WixSandbox) -> None:
    while True:
        await asyncio.sleep(SAVE_EVERY_SECONDS)
        if sandbox.dirty and sandbox.state_file is not None:
            # Serialise on the loop (the world is only consistent here), write elsewhere.
            snapshot = sandbox.snapshot()
            await asyncio.to_thread(sandbox.write_state, snapshot)
