"""What the aiohttp client tests share."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

# A route of the ``serve`` fixture (conftest.py).
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
