"""Parts of the web app imported and built on their first request.

The dashboard, the admin API, the API docs and the demo shop are what an operator
opens now and then; the storefront API and the webhook ingress are what ``serve``
answers all day. Importing the occasional parts' modules and building their routes
(FastAPI makes pydantic models for every route) cost an idle ``serve`` ~3 MiB of
resident memory (docs/benchmarks.md, "Idle RSS"), so each is a :class:`LazyRouter`:
included in the app at its place like any router, but empty until a request's path
starts with one of its prefixes; then it imports its modules and includes their
routers, once, and FastAPI routes the request as if they had always been there.

Everything that lists the app's routes — the OpenAPI document, the ``Allow`` header
of a 405, the tests — goes through ``app.routes``, which :class:`~orderbridge.web.app.
HubApp` overrides to load every lazy part first (:func:`load_all`): the document
always lists every route.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import APIRouter
from starlette._utils import get_route_path  # what FastAPI's own routing matches on
from starlette.routing import BaseRoute, Match
from starlette.types import Scope


class LazyRouter(APIRouter):
    """A router whose routes are the ``routers`` of ``modules`` (``"package.module"``
    or ``"package.module:attribute"``), imported on the first request under
    ``prefixes`` (or on :meth:`load`)."""

    def __init__(self, prefixes: Sequence[str], modules: Sequence[str]) -> None:
        super().__init__()
        self.prefixes = tuple(prefixes)
        self.modules = tuple(modules)
        self._lock = threading.Lock()
        self.loaded = False

    def load(self) -> None:
        """Import the modules and include their routers (once; thread-safe)."""
        if self.loaded:
            return
        with self._lock:
            if self.loaded:
                return
            for spec in self.modules:
                module_name, _, attribute = spec.partition(":")
                module = importlib.import_module(module_name)
                self.include_router(getattr(module, attribute or "router"))
            self.loaded = True

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if not self.loaded and get_route_path(scope).startswith(self.prefixes):
            self.load()
        return super().matches(scope)


def lazy_routers(routes: Iterable[BaseRoute]) -> list[LazyRouter]:
    """The :class:`LazyRouter` included among ``routes`` (FastAPI's included routers)."""
    found: list[LazyRouter] = []
    for route in routes:
        router: Any = getattr(route, "original_router", None)
        if isinstance(router, LazyRouter):
            found.append(router)
    return found


def load_all(routes: Iterable[BaseRoute]) -> None:
    """Load every lazy part included among ``routes``."""
    for router in lazy_routers(routes):
        router.load()
