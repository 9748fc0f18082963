"""The HTTP application: storefront API, webhook ingress, operations, dashboard."""

from __future__ import annotations

from fastapi import FastAPI

from orderbridge import __version__
from orderbridge.web import dashboard, shop
from orderbridge.web.deps import WebContext
from orderbridge.web.errors import install_error_handlers
from orderbridge.web.metrics import HubMetrics
from orderbridge.web.routes import connect, endpoints, ingress, ops, storefront, wix_ingress


def create_app(context: WebContext, metrics: HubMetrics) -> FastAPI:
    """The FastAPI app over ``context``; OpenAPI at ``/openapi.json``."""
    app = FastAPI(
        title="orderbridge",
        version=__version__,
        description=(
            "Storefront API for restaurant websites, apps and chatbots; webhook ingress "
            "for POS systems and marketplaces; operations."
        ),
    )
    app.state.context = context
    app.state.metrics = metrics
    install_error_handlers(app)
    for module in (storefront, endpoints, ingress, ops, connect, wix_ingress):
        app.include_router(module.router)
    app.include_router(shop.router)
    app.include_router(dashboard.router)
    return app
