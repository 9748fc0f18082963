"""A cap on request body size, so a client cannot make the hub buffer gigabytes.

Storefront bodies are small (a large order is a few kilobytes), so anything near a
megabyte is a mistake or an attack. Routes that strangers can reach without a key get
tighter caps (:data:`ROUTE_LIMITS`: a Poster webhook is a few hundred bytes), so a
body is refused before it is read, let alone parsed. :class:`BodySizeLimit` answers
413 with the API's error body in two ways:

- a declared ``Content-Length`` over the limit is refused before the app runs;
- a body streamed without one (chunked) is counted as the app reads it, and the
  read that crosses the limit raises an ``HTTPException(413)``, which FastAPI lets
  through to the error handlers untouched.

A route that never reads its body never pays for it, so nothing is counted there.
"""

from __future__ import annotations

from collections.abc import Sequence

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderbridge.web.schemas import ErrorBody, ErrorDetail

DEFAULT_MAX_BODY_BYTES = 1_048_576
"""One MiB: hundreds of times the largest real order, small enough to hold in memory."""

KIB = 1024
ROUTE_LIMITS: tuple[tuple[str, int], ...] = (
    # Poster's webhooks are one flat object; 64 KiB leaves room for a large ``data``.
    ("/webhooks/poster", 64 * KIB),
    # Wix sends the whole order inside a signed JWT; a 200-line order is under 200 KiB.
    ("/webhooks/wix/", 512 * KIB),
    # Any other POS's webhook (``rest_pos`` manifests): one event or a small batch.
    ("/webhooks/pos/", 256 * KIB),
    # A storefront order or reservation: a large order is a few kilobytes.
    ("/api/v1/orders", 256 * KIB),
    ("/api/v1/reservations", 64 * KIB),
)
"""Path prefix → the largest body accepted there (the longest matching prefix wins)."""


def too_large_message(max_bytes: int) -> str:
    """The message of a 413, naming the limit so a client can fix its request."""
    return f"the request body is larger than {max_bytes} bytes"


class BodySizeLimit:
    """ASGI middleware refusing request bodies over their route's limit with a 413.

    ``max_bytes`` is the limit of every route not in ``routes`` (path prefix → bytes,
    the longest prefix wins; :data:`ROUTE_LIMITS` by default), and the ceiling of
    those that are. ``path``: the one path this instance guards (an endpoint of the
    direct lane, ``web/direct.py``), whose limit is then looked up once, not per request.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_bytes: int = DEFAULT_MAX_BODY_BYTES,
        routes: Sequence[tuple[str, int]] = ROUTE_LIMITS,
        path: str | None = None,
    ) -> None:
        if max_bytes < 0 or any(limit < 0 for _, limit in routes):
            raise ValueError("body limits must not be negative")
        self.app = app
        self.max_bytes = max_bytes
        # Longest prefix first, so the first match is the most specific one.
        self.routes = sorted(routes, key=lambda route: len(route[0]), reverse=True)
        self._path = path
        self._path_limit = None if path is None else self.limit_for(path)

    def limit_for(self, path: str) -> int:
        """The largest body accepted on ``path``."""
        for prefix, limit in self.routes:
            if path.startswith(prefix):
                return min(limit, self.max_bytes)
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = (
            self._path_limit
            if self._path_limit is not None and path == self._path
            else self.limit_for(path)
        )
        declared = _content_length(scope)
        if declared.isdigit() and int(declared) > limit:
            body = ErrorBody(
                error=ErrorDetail(
                    code="payload_too_large", message=too_large_message(limit), field=None
                )
            )
            response = JSONResponse(body.model_dump(mode="json"), status_code=413)
            await response(scope, receive, send)
            return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, too_large_message(limit))
            return message

        await self.app(scope, counting_receive, send)


_CONTENT_LENGTH = b"content-length"


def _content_length(scope: Scope) -> bytes:
    """The request's declared ``Content-Length`` (empty if none), found the way
    Starlette's ``Headers`` finds it (the first such header; ASGI servers send names in
    lower case) without building a ``Headers`` for every request."""
    for name, value in scope.get("headers", ()):
        if name == _CONTENT_LENGTH:
            return bytes(value)
    return b""
