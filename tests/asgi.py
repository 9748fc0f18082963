"""What the tests' stand-in ASGI apps share (a storefront's webhook receiver, a POS's
webhook catcher, a route's endpoint)."""

from __future__ import annotations

from typing import Any


async def request_body(receive: Any) -> bytes:
    """The whole body of the request ``receive`` delivers, however many messages it takes."""
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body
