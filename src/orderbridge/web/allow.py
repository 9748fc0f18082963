"""The ``Allow`` header of a 405: every method the path takes, whichever route has it.

Starlette answers a method a path does not take with the methods of the first route
that matched the path, so ``DELETE /api/v1/webhooks`` said ``Allow: POST`` although
``GET`` works there too (two routes, one path). :func:`allowed_methods` collects them
from every route whose template matches (HTTP says ``Allow`` lists them all).
"""

from __future__ import annotations

import re
from typing import Any

from fastapi.routing import iter_route_contexts

_CACHE_KEY = "orderbridge_allow_table"


def _table(app: Any) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    table: list[tuple[re.Pattern[str], frozenset[str]]] | None = getattr(
        app.state, _CACHE_KEY, None
    )
    if table is None:
        table = []
        for context in iter_route_contexts(app.routes):
            template = context.path_format
            methods = getattr(context.original_route, "methods", None)
            if not template or not methods:
                continue
            pattern = re.escape(template)
            pattern = re.sub(r"\\\{[^}]*\\\}", "[^/]+", pattern)
            table.append((re.compile(pattern), frozenset(methods)))
        setattr(app.state, _CACHE_KEY, table)
    return table


def allowed_methods(app: Any, path: str) -> str | None:
    """``"GET, HEAD, POST"`` for a path of ``app``, or None if no route has the path."""
    found: set[str] = set()
    for pattern, methods in _table(app):
        if pattern.fullmatch(path):
            found |= methods
    return ", ".join(sorted(found)) if found else None
