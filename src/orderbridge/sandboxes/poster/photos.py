"""Product photos for the sandbox's ``/upload/…`` paths.

Poster serves real JPEGs there; the sandbox has none, so it draws a placeholder (an SVG
in a colour derived from the path, with the product's initials when the path names a
known product) so that shops and dashboards built on the sandbox show pictures.
"""

from __future__ import annotations

import hashlib
import re
from html import escape

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.poster.sandbox import PosterSandbox

_PRODUCT_ID = re.compile(r"product_\d+_(\d+)")
_PALETTE = ("#f4a259", "#8cb369", "#5b8e7d", "#bc4b51", "#f4e285", "#6d597a", "#e56b6f")


def placeholder_svg(path: str, title: str) -> str:
    digest = hashlib.sha256(path.encode()).digest()
    background = _PALETTE[digest[0] % len(_PALETTE)]
    initials = "".join(word[0] for word in title.split()[:2]).upper() or "·"
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" width="600" height="400" viewBox="0 0 600 400">'
        f'<rect width="600" height="400" fill="{background}"/>'
        '<text x="300" y="235" font-family="sans-serif" font-size="120" font-weight="700" '
        f'fill="rgba(255,255,255,0.85)" text-anchor="middle">{escape(initials)}</text></svg>'
    )


def photo_routes(sandbox: PosterSandbox) -> list[BaseRoute]:
    async def photo(request: Request) -> Response:
        path = request.path_params["path"]
        title = ""
        match = _PRODUCT_ID.search(path)
        if match:
            product_id = int(match.group(1))
            for account in sandbox.world.accounts.values():
                product = account.products.get(product_id)
                if product is not None:
                    title = product.product_name
                    break
        return Response(
            placeholder_svg(path, title),
            media_type="image/svg+xml",
            headers={"Cache-Control": "public, max-age=86400"},
        )

    return [Route("/upload/{path:path}", photo, methods=["GET"])]
