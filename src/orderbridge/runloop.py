"""How the long-running commands, ``serve`` and ``worker``, start: their imports and
their event loop.

**Imports.** :func:`import_lean` imports httpx and structlog as a long-running process
wants them: without the extras each of them pulls in merely because it is installed.
httpx imports its command-line client (``httpx._main``: click, Rich, Pygments) from its
``__init__``; structlog imports Rich (and through it Pygments and attrs) for pretty
console tracebacks. Rich is the hub CLI's dependency (tables of ``dead-letters list``),
not the server's; importing it into every ``serve`` and ``worker`` cost ~7 MiB of
resident memory that the process never used (docs/benchmarks.md, "Idle RSS"). With
them hidden, structlog's console renderer prints plain tracebacks and ``httpx.main``
is httpx's own "CLI not installed" stub; nothing else changes, and Rich still imports
normally afterwards for whatever wants it.

**The event loop.** uvloop (libuv behind asyncio's interface) where it installs —
Linux and macOS, the platforms the hub is deployed on — and asyncio's own loop
elsewhere. Every request, job and database hop of the hub goes through the loop's
scheduling; on uvloop that costs a fraction of what the pure-Python loop spends
(docs/benchmarks.md, "The hot path, step by step"). Nothing in the hub depends on
which loop runs it.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")

# What the libraries below import only because it is installed; a ``None`` entry in
# ``sys.modules`` makes ``import name`` raise ImportError, which both guard.
_EXTRAS = ("rich", "httpx._main")
_LIBRARIES = ("httpx", "structlog")


def import_lean() -> None:
    """Import httpx and structlog without Rich, Pygments and httpx's CLI (once, before
    anything else imports them; a no-op if one of them or Rich is already loaded)."""
    if any(name in sys.modules for name in (*_LIBRARIES, "rich")):
        return
    for name in _EXTRAS:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        for library in _LIBRARIES:
            __import__(library)  # the import statement's path: -X importtime reports it
    finally:
        for name in _EXTRAS:
            del sys.modules[name]


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run ``main`` to completion on a new event loop, as ``asyncio.run`` does."""
    if sys.platform == "win32":  # uvloop does not build there
        return asyncio.run(main)
    import uvloop

    return uvloop.run(main)
