"""``/docs`` (Swagger UI) and ``/redoc`` (ReDoc), served with their assets from the package.

FastAPI's own documentation pages load Swagger UI and ReDoc from a CDN, so they are
blank offline or behind a strict network. The hub turns them off and serves the same
pages here, their scripts and styles vendored in ``static/`` (versions, licences and
hashes in ``static/README.md``). Swagger UI keeps what was typed in "Authorize"
across reloads (``persistAuthorization``), so trying the API needs the key once.

Both pages carry a Content-Security-Policy that allows only the hub itself: ReDoc's
footer would otherwise fetch its vendor's logo from a CDN (the image is optional, and
ReDoc hides it when it cannot load).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

from orderbridge.web.errors import ApiError

STATIC = Path(__file__).with_name("static")
PREFIX = "/docs/static"
OPENAPI_URL = "/openapi.json"
TITLE = "orderbridge API"

# What may be served, by URL name: file under static/ and its media type.
ASSETS: dict[str, tuple[str, str]] = {
    "swagger-ui-bundle.js": ("swagger-ui/swagger-ui-bundle.js", "text/javascript"),
    "swagger-ui.css": ("swagger-ui/swagger-ui.css", "text/css"),
    "favicon.png": ("swagger-ui/favicon-32x32.png", "image/png"),
    "redoc.standalone.js": ("redoc/redoc.standalone.js", "text/javascript"),
}

router = APIRouter(include_in_schema=False)
# The pages' own inline start-up script and styles, ReDoc's worker (a blob:), and
# nothing from anywhere else.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' blob:; worker-src 'self' blob:; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'self'"
)


def _page(page: HTMLResponse) -> HTMLResponse:
    page.headers["Content-Security-Policy"] = CSP
    return page


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return _page(
        get_swagger_ui_html(
            openapi_url=OPENAPI_URL,
            title=f"{TITLE} — Swagger UI",
            swagger_js_url=f"{PREFIX}/swagger-ui-bundle.js",
            swagger_css_url=f"{PREFIX}/swagger-ui.css",
            swagger_favicon_url=f"{PREFIX}/favicon.png",
            swagger_ui_parameters={"persistAuthorization": True, "displayRequestDuration": True},
        )
    )


@router.get("/redoc")
def redoc() -> HTMLResponse:
    return _page(
        get_redoc_html(
            openapi_url=OPENAPI_URL,
            title=f"{TITLE} — ReDoc",
            redoc_js_url=f"{PREFIX}/redoc.standalone.js",
            redoc_favicon_url=f"{PREFIX}/favicon.png",
            with_google_fonts=False,
        )
    )


@router.get(f"{PREFIX}/{{name}}")
def asset(name: str) -> Response:
    found = ASSETS.get(name)
    if found is None:
        raise ApiError(404, "not_found", "no such documentation asset")
    path, media_type = found
    return Response(
        (STATIC / path).read_bytes(),
        media_type=media_type,
        headers={"Cache-Control": "public, max-age=86400"},
    )
