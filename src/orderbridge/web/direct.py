"""A direct lane for the hottest plain-ASGI endpoints, ahead of the generic middleware.

Every request normally crosses Starlette's and FastAPI's middleware (server errors,
telemetry, FastAPI's body limit, :class:`~orderbridge.web.guards.RefuseControlCharacters`,
:class:`~orderbridge.web.limits.BodySizeLimit`, the exception middleware, the exit
stack), then the router's walk. For ``POST /webhooks/poster`` that stack cost as much
CPU as verifying and storing the event, so on a bare SQLite endpoint's budget the
ingest fell to half its throughput. :class:`DirectRoutes` sits just inside
:class:`~orderbridge.web.observe.RequestObserver` (request id, log context, metrics
and access line stay as they are) and hands a request straight to its endpoint when
it is a ``POST`` to exactly a registered path with no query string; everything else,
those paths' odd requests included, goes the generic way. The guarantees of the
skipped layers that can apply to such a request are kept here:

- the body limit: the endpoint runs inside the same :class:`BodySizeLimit` (declared
  ``Content-Length`` refused before the endpoint runs, a streamed body counted);
- errors: an exception is answered by the app's handler for its class (the API's
  ``{"error": …}`` body, as the exception middleware would), and one with no handler
  but ``Exception``'s is answered 500 and raised again, as Starlette's server-error
  middleware does, so the server logs its traceback;
- the control-character and query-NUL guard has nothing to refuse: the path equals a
  registered one and there is no query string;
- the route is recorded in the scope (``app``, and the app's own route for the path,
  its ``endpoint``, as ``route``) as the router would, so the observer's ``route``
  label and the ``Request`` an error handler builds are the same.

The table is small on purpose: each entry is a route that the profile showed paying
more for the generic stack than for its own work (the Poster webhook; the storefront's
``POST /api/v1/orders``). Each stays declared on the app as well (the OpenAPI
document, the ``Allow`` header, and every request the lane leaves to the generic way).

An endpoint registered here must raise only before it starts its answer (the Poster
ingress verifies and stores first, then sends two messages), as an error after the
start cannot be answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import ClientDisconnect, Request
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Receive, Scope, Send

from orderbridge.web.limits import BodySizeLimit

_EMPTY = b""


async def read_body(receive: Receive) -> bytes:
    """The request's whole body, as ``Request.body()`` reads it (a direct endpoint
    has no ``Request``)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


@dataclass(frozen=True, slots=True)
class DirectRoute:
    """An entry of the lane's table: the endpoint that serves the path, and the app's
    own route for it when the router knows the path by another endpoint (a FastAPI
    route declared for the OpenAPI document), recorded as the router would record it."""

    endpoint: ASGIApp
    declared: BaseRoute | None = None


class DirectRoutes:
    """ASGI: ``POST`` to one of ``routes``' exact paths goes straight to its endpoint
    (module docstring); any other request to ``app``, the generic stack."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        owner: Any,
        routes: Mapping[str, DirectRoute | ASGIApp],
        max_body_bytes: int | None,
        handlers: Mapping[Any, Any],
    ) -> None:
        self.app = app
        self._owner = owner  # the Starlette app, recorded in the scope as it records itself
        self._handlers = dict(handlers)
        # path → (what the scope records: the route and its endpoint; what serves it)
        self._routes: dict[str, tuple[BaseRoute | None, Any, ASGIApp]] = {}
        for path, entry in routes.items():
            route = entry if isinstance(entry, DirectRoute) else DirectRoute(entry)
            endpoint = route.endpoint
            limited = (
                endpoint
                if max_body_bytes is None
                else BodySizeLimit(endpoint, max_bytes=max_body_bytes, path=path)
            )
            recorded = getattr(route.declared, "endpoint", endpoint)
            self._routes[path] = (route.declared, recorded, limited)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        route = self._routes.get(scope.get("path", ""))
        if (
            route is None
            or scope["type"] != "http"
            or scope["method"] != "POST"
            or scope.get("query_string", _EMPTY)
        ):
            await self.app(scope, receive, send)
            return
        declared, recorded, limited = route
        scope["app"] = self._owner
        scope["endpoint"] = recorded
        if declared is not None:
            scope["route"] = declared
        scope["path_params"] = {}
        try:
            await limited(scope, receive, send)
        except Exception as exc:
            await self._answer(scope, receive, send, exc)

    async def _answer(self, scope: Scope, receive: Receive, send: Send, exc: Exception) -> None:
        handler = None
        handled = False
        for cls in type(exc).__mro__:
            if cls in self._handlers:
                handler = self._handlers[cls]
                handled = cls is not Exception
                break
        if handler is None:
            raise exc
        response = await handler(Request(scope, receive), exc)
        await response(scope, receive, send)
        if not handled:
            raise exc
