"""The HTTP application: storefront API, webhook ingress, operations, dashboard."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator
from typing import Any

import anyio
import anyio.to_thread
from fastapi import FastAPI
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from orderbridge import __version__
from orderbridge.web.deps import WebContext, api_key_cache
from orderbridge.web.direct import DirectRoutes
from orderbridge.web.errors import install_error_handlers
from orderbridge.web.lazy import LazyRouter, load_all
from orderbridge.web.metrics import HubMetrics
from orderbridge.web.observe import RequestObserver
from orderbridge.web.routes import (
    health,
    ingress,
    ops,
    place_order,
    pos_ingress,
    storefront,
)

# The occasional parts, imported on their first request (web/lazy.py). Their order
# among themselves is the order their routes are matched in.
_ADMIN_API = tuple(
    f"orderbridge.web.routes.{name}"
    for name in (
        "install_links",  # POST …/connections/poster/install-links: before admin_connections
        "location_ops",
        "admin_mapping",
        "admin_keys",
        "admin_connections",
        "admin_locations",
        "alerts",
    )
)


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # What exists once the app starts (routes, models, mappers: ~160,000 objects)
    # lives as long as the process. Frozen, it is left out of the
    # cyclic collector's full passes, which otherwise walk all of it with the event
    # loop stopped: ~120 ms each, several times a second under webhook load.
    gc.freeze()
    # Sync routes run in anyio's thread pool (40 threads by default). On SQLite one
    # writer works at a time, so more threads would only queue on its lock and take
    # turns at the GIL; ``ORDERBRIDGE_API_THREADS`` (default 8 on SQLite) caps them.
    threads = app.state.context.api_threads
    if threads is not None:
        anyio.to_thread.current_default_thread_limiter().total_tokens = threads
    yield


class HubApp(FastAPI):
    """FastAPI with :class:`RequestObserver` around everything, Starlette's error
    middleware included, so the request id, metrics and access line cover the 500s;
    just inside it, :class:`DirectRoutes` (the Poster webhook and the storefront's
    order POST, ahead of the generic middleware)."""

    def build_middleware_stack(self) -> ASGIApp:
        direct = DirectRoutes(
            super().build_middleware_stack(),
            owner=self,
            routes=getattr(self.state, "direct_routes", {}),
            max_body_bytes=getattr(self.state, "max_body_bytes", None),
            handlers=self.exception_handlers,
        )
        return RequestObserver(direct, self.state.metrics)

    @property
    def routes(self) -> list[BaseRoute]:
        """Every route, the lazily imported parts loaded first (web/lazy.py): what the
        OpenAPI document, the ``Allow`` header and the tests list."""
        load_all(self.router.routes)
        return self.router.routes


def _openapi_on_first_ask(app: FastAPI) -> None:
    """``app.openapi()`` (and so ``/openapi.json``): the completed document of
    ``web/openapi.py``, that module imported and the document built on first ask."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            from orderbridge.web.openapi import document

            app.openapi_schema = document(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _lazy(prefix: str, route_module: str) -> LazyRouter:
    """``web.routes.<route_module>``'s router, imported on the first request under
    ``prefix``."""
    return LazyRouter([prefix], [f"orderbridge.web.routes.{route_module}"])


def create_app(context: WebContext, metrics: HubMetrics) -> FastAPI:
    """The FastAPI app over ``context``; OpenAPI at ``/openapi.json``."""
    app = HubApp(
        title="orderbridge",
        version=__version__,
        description=(
            "Storefront API for restaurant websites, apps and chatbots; webhook ingress "
            "for POS systems and marketplaces; operations."
        ),
        lifespan=_lifespan,
        # The hub's metrics are Prometheus (``/metrics``); FastAPI's OpenTelemetry hooks
        # would otherwise look the global providers up, environment included, on every
        # request, a tenth of the cost of storing a webhook.
        telemetry={"tracing": False, "metrics": False, "logs": False},
        # Swagger UI and ReDoc come from the package (web/apidocs), not from a CDN.
        docs_url=None,
        redoc_url=None,
    )
    app.state.context = context
    app.state.metrics = metrics
    app.state.api_keys = api_key_cache(context)
    install_error_handlers(app)
    # The Poster webhook route comes first: it is matched before the routes below.
    ingress.mount(app, context)
    app.include_router(storefront.router)
    app.include_router(_lazy("/api/v1/webhooks", "endpoints"))  # storefront's webhook endpoints
    app.include_router(ops.router)
    app.include_router(health.router)
    app.include_router(_lazy("/connect/", "connect"))  # Poster's install flow
    # Wix's webhooks: the Wix connector comes with the first (connectors/__init__.py).
    app.include_router(_lazy("/webhooks/wix/", "wix_ingress"))
    # The admin API's other routes: all under /api/v1/admin/, which none of the
    # routes after them shares, so they sit together here.
    app.include_router(LazyRouter(["/api/v1/admin/"], _ADMIN_API))
    pos_ingress.mount(app, context)  # /webhooks/pos/{connection}, any POS in the registry
    app.include_router(_lazy("/api/v1/orders", "orders_list"))  # GET: the POST is direct
    # POST /api/v1/orders, declared by the storefront router, served on the direct lane.
    place_order.mount(app.state, storefront.router)
    app.include_router(LazyRouter(["/docs", "/redoc"], ["orderbridge.web.apidocs"]))
    _openapi_on_first_ask(app)
    app.include_router(LazyRouter(["/shop"], ["orderbridge.web.shop"]))
    app.include_router(LazyRouter(["/admin"], ["orderbridge.web.dashboard"]))
    return app
