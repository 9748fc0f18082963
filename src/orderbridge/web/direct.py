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
- the route is recorded in the scope (``endpoint``, ``app``) as the router would,
  so the observer's ``route`` label is the same.

An endpoint registered here must raise only before it starts its answer (the Poster
ingress verifies and stores first, then sends two messages), as an error after the
start cannot be answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from orderbridge.web.limits import BodySizeLimit

_EMPTY = b""


class DirectRoutes:
    """ASGI: ``POST`` to one of ``routes``' exact paths goes straight to its endpoint
    (module docstring); any other request to ``app``, the generic stack."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        owner: Any,
        routes: Mapping[str, ASGIApp],
        max_body_bytes: int | None,
        handlers: Mapping[Any, Any],
    ) -> None:
        self.app = app
        self._owner = owner  # the Starlette app, recorded in the scope as it records itself
        self._handlers = dict(handlers)
        self._routes: dict[str, tuple[ASGIApp, ASGIApp]] = {}
        for path, endpoint in routes.items():
            limited = (
                endpoint
                if max_body_bytes is None
                else BodySizeLimit(endpoint, max_bytes=max_body_bytes)
            )
            self._routes[path] = (endpoint, limited)

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
        endpoint, limited = route
        scope["app"] = self._owner
        scope["endpoint"] = endpoint
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
