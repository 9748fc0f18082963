"""How every Wix API call is served: faults, auth, the JSON body, errors.

A handler is a plain function of a ``Call`` that returns the answer's JSON; it raises
``WixError`` to fail, and hands any events to ``sandbox.publish`` before returning.
Handlers validate before they write, so a failed call leaves nothing behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from orderbridge.sandboxes.wix.errors import WixError, invalid
from orderbridge.sandboxes.wix.sandbox import WixSandbox


@dataclass(frozen=True)
class Call:
    """One API call as a handler sees it."""

    sandbox: WixSandbox
    path: dict[str, str]
    query: dict[str, str]
    body: dict[str, Any]

    def field(self, name: str) -> Any:
        """The body's top-level object ``name`` (what Wix wraps entities in)."""
        return self.body.get(name)


Handler = Callable[[Call], dict[str, Any]]


class WixJSONResponse(JSONResponse):
    """JSON without ASCII escaping, so Ukrainian names stay readable."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()


async def json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        decoded = json.loads(raw)
    except ValueError:
        raise invalid("body", "is not valid JSON", "FORMAT") from None
    if not isinstance(decoded, dict):
        raise invalid("body", "must be a JSON object", "TYPE")
    return decoded


def endpoint(sandbox: WixSandbox, handler: Handler, *, write: bool) -> Callable[..., Any]:
    """A Starlette endpoint serving ``handler`` the way Wix serves its APIs."""

    async def serve(request: Request) -> Response:
        faults = sandbox.faults
        if faults.config.latency_ms:
            await sandbox.sleep(faults.config.latency_ms / 1000)
        if faults.fail_call():
            return PlainTextResponse("503 Service Unavailable", status_code=503)
        try:
            sandbox.authorize(request.headers.get("authorization"), write=write)
            body = await json_body(request) if request.method in ("POST", "PATCH", "PUT") else {}
            call = Call(sandbox, dict(request.path_params), dict(request.query_params), body)
            result = handler(call)
        except WixError as error:
            return WixJSONResponse(error.body(), status_code=error.status)
        return WixJSONResponse(result)

    return serve
