"""A cap on request body size, so a client cannot make the hub buffer gigabytes.

Storefront bodies are small (a large order is a few kilobytes), so anything near a
megabyte is a mistake or an attack. :class:`BodySizeLimit` answers 413 with the API's
error body in two ways:

- a declared ``Content-Length`` over the limit is refused before the app runs;
- a body streamed without one (chunked) is counted as the app reads it, and the
  read that crosses the limit raises an ``HTTPException(413)``, which FastAPI lets
  through to the error handlers untouched.

A route that never reads its body never pays for it, so nothing is counted there.
"""

from __future__ import annotations

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderbridge.web.schemas import ErrorBody, ErrorDetail

DEFAULT_MAX_BODY_BYTES = 1_048_576
"""One MiB: hundreds of times the largest real order, small enough to hold in memory."""


def too_large_message(max_bytes: int) -> str:
    """The message of a 413, naming the limit so a client can fix its request."""
    return f"the request body is larger than {max_bytes} bytes"


class BodySizeLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with a 413."""

    def __init__(self, app: ASGIApp, *, max_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        if max_bytes < 0:
            raise ValueError("max_bytes must not be negative")
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            body = ErrorBody(
                error=ErrorDetail(
                    code="payload_too_large", message=too_large_message(self.max_bytes), field=None
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
                if received > self.max_bytes:
                    raise HTTPException(413, too_large_message(self.max_bytes))
            return message

        await self.app(scope, counting_receive, send)
