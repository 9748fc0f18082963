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

**uvicorn without its command line.** ``import uvicorn`` runs ``uvicorn/__init__``,
which imports ``uvicorn.main`` for ``uvicorn.run`` and ``uvicorn.main``: Click and
the multi-process supervisors (multiprocessing), ~1.5 MiB that ``serve`` — which
builds ``uvicorn.Config`` and ``uvicorn.Server`` itself — never uses.
:func:`import_uvicorn` imports the package with a stand-in for that one module:
``uvicorn.Server`` is the real class, ``uvicorn.run``/``uvicorn.main`` import the
real module when called.

**Memory handed back.** Starting up (imports, the app, the first menu import) leaves
free memory inside glibc's heap that ``free`` does not return to the system: glibc
gives back only the top of the heap, past ``M_TRIM_THRESHOLD``. :func:`run` calls
``malloc_trim(0)`` — which also releases free pages in the middle of every arena —
10 s after the start and then every minute: measured −3.4 MiB in an idle ``serve``,
−1.8 MiB in a ``worker`` (docs/benchmarks.md, "Idle RSS"); one call takes ~0.2 ms.
:func:`limit_malloc_arenas` (first thing ``serve`` and ``worker`` do, before any
thread starts) caps glibc's malloc arenas at :data:`MALLOC_ARENAS`: by default every
thread that allocates while the others hold theirs gets an arena of its own (up to
eight per core), and an idle ``serve`` that has taken orders (the loop, the executor's
threads, the resolver's) kept ~7 MiB in nine of them, each with its own free space.
Two arenas: ``serve`` −4 MiB idle after start, −1.3 MiB idle after a burst of 400
orders, CPU per order unchanged within noise (docs/benchmarks.md, "Idle RSS … (round
6, rss2)"); the threads allocate mostly while holding the interpreter lock, so they
seldom wait for an arena's lock. ``MALLOC_ARENA_MAX`` in the environment, when set,
wins. Not done, because measured useless here: ``gc.collect()`` before the trim
(0 MiB). ``gc.freeze()`` (web/app.py) is for the collector's pauses, not for
memory: it saves pages only in forked children, and the hub does not fork. Not glibc
(musl, macOS): no trim.

**The event loop.** uvloop (libuv behind asyncio's interface) where it installs —
Linux and macOS, the platforms the hub is deployed on — and asyncio's own loop
elsewhere. Every request, job and database hop of the hub goes through the loop's
scheduling; on uvloop that costs a fraction of what the pure-Python loop spends
(docs/benchmarks.md, "The hot path, step by step"). Nothing in the hub depends on
which loop runs it.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import importlib
import os
import sys
import types
from collections.abc import Callable, Coroutine, Sequence
from typing import Any, TypeVar

from orderbridge import gctune, warmup

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


def import_uvicorn() -> None:
    """Import ``uvicorn`` without ``uvicorn.main`` (see above), unless already loaded."""
    if "uvicorn" in sys.modules:
        return
    sys.modules["uvicorn.main"] = _UvicornMain("uvicorn.main")
    try:
        importlib.import_module("uvicorn")
    finally:
        del sys.modules["uvicorn.main"]  # ``import uvicorn.main`` loads the real one


class _UvicornMain(types.ModuleType):
    """What ``uvicorn/__init__`` takes from ``uvicorn.main``: ``Server`` (defined in
    ``uvicorn.server``), and ``main``/``run``, which load the real module when called."""

    def __getattr__(self, name: str) -> Any:
        if name == "Server":
            return importlib.import_module("uvicorn.server").Server

        def real(*args: Any, **kwargs: Any) -> Any:
            return getattr(importlib.import_module("uvicorn.main"), name)(*args, **kwargs)

        if name in ("main", "run"):
            return real
        raise AttributeError(name)


MALLOC_ARENAS = 2
"""glibc malloc arenas a long-running process uses at most (see above)."""
_M_ARENA_MAX = -8  # mallopt's parameter number, from glibc's <malloc.h>


def limit_malloc_arenas(arenas: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas (before threads start: an arena, once made, stays),
    unless ``MALLOC_ARENA_MAX`` is set; False where there is no glibc ``mallopt``."""
    if os.environ.get("MALLOC_ARENA_MAX"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, arenas))


TRIM_FIRST_SECONDS = 10.0
TRIM_EVERY_SECONDS = 60.0


def malloc_trim() -> Callable[[], object] | None:
    """glibc's ``malloc_trim(0)`` as a function, or None where the C library has none."""
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return lambda: trim(0)


async def _trim_forever(trim: Callable[[], object], first: float, every: float) -> None:
    await asyncio.sleep(first)
    while True:
        trim()
        await asyncio.sleep(every)


async def beside(main: Coroutine[Any, Any, T], side: Coroutine[Any, Any, object]) -> T:
    """Await ``main`` while ``side`` runs as a task beside it; ``side`` is cancelled
    when ``main`` ends, if it has not ended first."""
    task = asyncio.create_task(side)
    try:
        return await main
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def trimmed(
    main: Coroutine[Any, Any, T],
    trim: Callable[[], object] | None,
    *,
    first: float = TRIM_FIRST_SECONDS,
    every: float = TRIM_EVERY_SECONDS,
) -> T:
    """Await ``main`` while calling ``trim`` after ``first`` seconds, then every
    ``every`` seconds; the trimming stops with ``main``."""
    if trim is None:
        return await main
    return await beside(main, _trim_forever(trim, first, every))


def run(main: Coroutine[Any, Any, T], *, warm: Sequence[str] = ()) -> T:
    """Run ``main`` to completion on a new event loop, as ``asyncio.run`` does, handing
    free heap memory back to the system now and then (see above), and importing the
    modules ``warm`` names in a thread meanwhile (warmup.py)."""
    gctune.tune()  # the collector's settings for a long-running process (gctune.py)
    if warm:
        main = beside(main, warmup.import_in_thread(warm))
    process = trimmed(main, malloc_trim())
    if sys.platform == "win32":  # uvloop does not build there
        return asyncio.run(process)
    import uvloop

    return uvloop.run(process)
