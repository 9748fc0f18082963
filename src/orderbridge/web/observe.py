"""What the hub records about every HTTP request: an id, metrics and an access-log line.

:class:`RequestObserver` wraps the whole application (outside Starlette's error
middleware, so it sees the 500s that middleware answers). For each request it

- takes the caller's ``X-Request-ID`` when it is a sane token (1–128 characters of
  letters, digits and ``.-_:/+=``), else makes one, and echoes it in the answer's
  ``X-Request-ID``;
- opens the request's log context (``log_context``): every line logged while the
  request is served carries ``request_id``, and the ids in its path (``order_id`` …);
- counts it in ``orderbridge_http_requests_total{method, route, status}`` and times it
  in ``orderbridge_http_request_duration_seconds{method, route}``, where ``route`` is
  the matched route's template (``unmatched`` for a 404 that matched none), so the
  label's values stay few;
- writes one access-log line: method, path (its query string left out: OAuth codes,
  states and keys travel there), route, status, duration and the context's ids.

It runs on every request, the webhook ingest's included, so it stays lean: a pure
ASGI wrapper, one header scan, metric children cached per (method, route, status), and
the access line written without structlog's chain (``log.write_access_line``).
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import time
from collections.abc import MutableMapping
from typing import Any

from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from orderbridge.log import access_log_enabled, redact_text, write_access_line
from orderbridge.log_context import start_log_context
from orderbridge.web.metrics import HubMetrics

REQUEST_ID_HEADER = "X-Request-ID"
_HEADER_KEY = REQUEST_ID_HEADER.lower().encode("latin-1")
_SANE_ID = re.compile(rb"[A-Za-z0-9._:/+=-]{1,128}")
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "unmatched"


# A made id: this process's random prefix and a counter, 16 hex digits (unique across
# processes without asking the system for randomness on every request).
_PREFIX = os.urandom(4).hex()
_NEXT = itertools.count(1)


def request_id_of(scope: Scope) -> str:
    """The caller's ``X-Request-ID`` if it is a sane token, else a new one."""
    for name, value in scope.get("headers", ()):
        if name == _HEADER_KEY:
            if _SANE_ID.fullmatch(value):
                return str(value.decode("ascii"))
            break
    return f"{_PREFIX}{next(_NEXT) & 0xFFFFFFFF:08x}"


@functools.lru_cache(maxsize=4096)
def _logged_path(path: str) -> str:
    # Paths repeat (every webhook is /webhooks/poster): redact each once.
    return redact_text(path)


def route_template(scope: MutableMapping[str, Any]) -> str | None:
    """The template of the FastAPI route the router matched, None if it named none.

    FastAPI's router records its own routes in ``scope["route"]``; a plain Starlette
    route (the Poster ingress) leaves only its ``endpoint`` there.
    """
    route = scope.get("route")
    path = getattr(route, "path", None) if isinstance(route, BaseRoute) else None
    return path if isinstance(path, str) else None


class _Series:
    """The metric children of one (method, route, status), looked up once."""

    __slots__ = ("count", "duration")

    def __init__(self, metrics: HubMetrics, method: str, route: str, status: str) -> None:
        self.count = metrics.http_requests.labels(method, route, status)
        self.duration = metrics.http_duration.labels(method, route)


class RequestObserver:
    """ASGI middleware: request ids, HTTP metrics and the access log (module docstring)."""

    def __init__(self, app: ASGIApp, metrics: HubMetrics) -> None:
        self.app = app
        self.metrics = metrics
        self._series: dict[tuple[str, str, int], _Series] = {}
        # Plain Starlette routes by their endpoint's id (built at the first need).
        self._by_endpoint: dict[int, str] | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request_id = request_id_of(scope)
        echoed = (_HEADER_KEY, request_id.encode("ascii"))
        context = start_log_context({"request_id": request_id}, scope)
        status = 500  # unless an answer starts: the error middleware's 500 goes out here too

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()), echoed]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = route_template(scope) or self._plain_route(scope)
            self._observe(method, route, status, elapsed)
            if access_log_enabled():
                write_access_line(
                    {
                        "method": method,
                        "path": _logged_path(scope["path"]),
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 2),
                        **context.items(),
                    }
                )

    def _plain_route(self, scope: Scope) -> str:
        endpoint = scope.get("endpoint")
        if endpoint is None:
            return UNMATCHED
        if self._by_endpoint is None:
            # The router's own list, not ``app.routes``: the hub's app loads every lazily
            # imported part (dashboard, admin API, docs) to list them (web/lazy.py) —
            # ~1 s on the event loop and ~5 MiB for good, on some order's request.
            app = scope.get("app")
            routes = getattr(getattr(app, "router", app), "routes", ())
            self._by_endpoint = {
                id(route.endpoint): route.path
                for route in routes
                if isinstance(route, Route) and isinstance(route.path, str)
            }
        return self._by_endpoint.get(id(endpoint), UNMATCHED)

    def _observe(self, method: str, route: str, status: int, elapsed: float) -> None:
        key = (method, route, status)
        series = self._series.get(key)
        if series is None:
            series = self._series[key] = _Series(self.metrics, method, route, str(status))
        series.count.inc()
        series.duration.observe(elapsed)
