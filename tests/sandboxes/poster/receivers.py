"""A webhook receiver ported line by line from the Poster reference's PHP example."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route


class PhpExampleReceiver:
    """Verifies ``verify`` exactly as the reference's PHP does, answers ``accept``.

    ``reject_first`` answers that many deliveries with an empty body (what the PHP's
    ``exit`` does on a bad signature) before accepting, to exercise retries.
    """

    def __init__(self, client_secret: str, *, reject_first: int = 0):
        self.client_secret = client_secret
        self.reject_first = reject_first
        self.accepted: list[dict[str, Any]] = []
        self.bad_signatures = 0
        self.calls = 0

    async def handle(self, request: Request) -> Response:
        self.calls += 1
        post_data = json.loads(await request.body())  # $postData = json_decode(..., true)
        verify_original = post_data.pop("verify")
        verify = [
            post_data["account"],
            post_data["object"],
            post_data["object_id"],
            post_data["action"],
        ]
        if "data" in post_data:  # isset($postData['data'])
            verify.append(post_data["data"])
        verify.append(post_data["time"])
        verify.append(self.client_secret)
        digest = hashlib.md5(";".join(str(p) for p in verify).encode()).hexdigest()
        if digest != verify_original:
            self.bad_signatures += 1
            return PlainTextResponse("")  # exit;
        if self.reject_first > 0:
            self.reject_first -= 1
            return PlainTextResponse("")
        self.accepted.append(post_data)
        return JSONResponse({"status": "accept"})

    def app(self) -> Starlette:
        return Starlette(routes=[Route("/hook", self.handle, methods=["POST"])])
