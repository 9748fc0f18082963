"""The event loop of the long-running commands, ``serve`` and ``worker``.

uvloop (libuv behind asyncio's interface) where it installs — Linux and macOS, the
platforms the hub is deployed on — and asyncio's own loop elsewhere. Every request,
job and database hop of the hub goes through the loop's scheduling; on uvloop that
costs a fraction of what the pure-Python loop spends (docs/benchmarks.md, "The hot
path, step by step"). Nothing in the hub depends on which loop runs it.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` to completion on a new event loop, as ``asyncio.run`` does."""
    if sys.platform == "win32":  # uvloop does not build there
        return asyncio.run(main)
    import uvloop

    return uvloop.run(main)
