"""Requests no route should see: control characters in the path or a NUL in the query.

A ``%00`` in a path id (``/api/v1/orders/ord_%00x``, ``/webhooks/wix/con%00x``) or a
query value reaches the database as a NUL character, which PostgreSQL refuses to store
or compare in text (a 500), and no id, name or parameter of the API ever contains
one. :class:`RefuseControlCharacters` answers such requests 400 before any route,
authentication or database call runs. Bodies are checked where they are parsed (the
request models refuse NUL in any string, ``safejson`` in hand-parsed webhooks).
"""

from __future__ import annotations

import re

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from orderbridge.web.schemas import ErrorBody, ErrorDetail

# C0 controls and DEL: none belongs in a URL path once decoded.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _refusal(code: str, message: str) -> JSONResponse:
    body = ErrorBody(error=ErrorDetail(code=code, message=message, field=None))
    return JSONResponse(body.model_dump(mode="json"), status_code=400)


class RefuseControlCharacters:
    """ASGI middleware: 400 for a control character in the decoded path or a NUL
    (``%00``, raw or encoded) in the query string."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            path: str = scope.get("path", "")
            query: bytes = scope.get("query_string", b"")
            if _CONTROL.search(path):
                refusal = _refusal("invalid_path", "the path contains a control character")
                await refusal(scope, receive, send)
                return
            if b"\x00" in query or b"%00" in query:
                refusal = _refusal("invalid_query", "the query contains a NUL character")
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)
