"""The demo shop page (``/shop``): a small restaurant website that orders through the
storefront API, as a real shop built on orderbridge would.

It is plain HTML, CSS and JavaScript from this package (``templates/`` and ``static/``),
with nothing fetched from the internet. The page reads the menu and places orders with
a storefront API key that the route writes into the page (``data-api-key``). A real
shop holds its own key on its own server; here the hub's ``demo_api_key`` decides it,
and without one the page does not exist (404), so a production hub never serves a key.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse

from orderbridge.web.deps import Context
from orderbridge.web.errors import ApiError

if TYPE_CHECKING:
    from starlette.templating import Jinja2Templates

HERE = Path(__file__).parent
STATIC = HERE / "static"
MEDIA_TYPES = {
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
}
ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*\.(css|js|svg)$")
# The page only talks to its own origin; menu photos may live on the POS's host.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' http: https: data:; script-src 'self'; "
    "style-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)

router = APIRouter(include_in_schema=False)


@cache
def templates() -> Jinja2Templates:
    """The shop's templates, made with the first page: Jinja2 is not imported by the
    processes that never show it (a worker, an API without a demo key)."""
    from starlette.templating import Jinja2Templates

    return Jinja2Templates(directory=str(HERE / "templates"))


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "no such page")


@router.get("/shop", response_class=HTMLResponse)
def shop_page(request: Request, ctx: Context) -> HTMLResponse:
    """The shop, with the demo storefront key in ``data-api-key``."""
    if ctx.demo_api_key is None:
        raise _not_found()
    response = templates().TemplateResponse(
        request,
        "shop.html",
        {"api_key": ctx.demo_api_key, "api_base": "/api/v1", "static": "/shop/static"},
    )
    # The page carries a key: never cache it, never leak the URL it was opened from.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/shop/static/{name}")
def shop_asset(name: str, ctx: Context) -> FileResponse:
    """A stylesheet, script or icon of the shop (flat folder, known file types only)."""
    if ctx.demo_api_key is None or not ASSET_NAME.match(name):
        raise _not_found()
    path = STATIC / name
    if not path.is_file():
        raise _not_found()
    return FileResponse(
        path,
        media_type=MEDIA_TYPES[path.suffix],
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )
