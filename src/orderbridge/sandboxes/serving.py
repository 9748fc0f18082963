"""How every sandbox's ASGI app runs: deliver webhooks and keep the world saved.

While the app runs (its lifespan) the sandbox's dispatcher delivers webhooks and a
saver task writes the world to its ``--state`` file within ``SAVE_EVERY_SECONDS`` of a
change; on shutdown the saver stops and the world is saved once more, so a restart
(SIGTERM, then start again) finds everything it had acknowledged.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Protocol

from starlette.applications import Starlette
from starlette.routing import BaseRoute

SAVE_EVERY_SECONDS = 1.0


class Saved(Protocol):
    """A sandbox with a world to save (a :class:`~.persistence.StateFile`)."""

    dirty: bool
    state_file: Path | None

    def snapshot(self) -> str: ...
    def write_state(self, data: str) -> None: ...
    def save(self) -> None: ...


class Dispatcher(Protocol):
    """A webhook dispatcher (see :class:`~orderbridge.sandboxes.dispatch.DeliveryQueue`)."""

    def running(self) -> AbstractAsyncContextManager[None]: ...


def sandbox_app(sandbox: Saved, dispatcher: Dispatcher, routes: Sequence[BaseRoute]) -> Starlette:
    """The ASGI app serving ``routes``, delivering and saving while it runs; the sandbox
    and its dispatcher are on ``app.state`` for tests and the launcher."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        saver = asyncio.create_task(save_periodically(sandbox))
        async with dispatcher.running():
            try:
                yield
            finally:
                saver.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await saver
                sandbox.save()

    app = Starlette(routes=list(routes), lifespan=lifespan)
    app.state.sandbox = sandbox
    app.state.dispatcher = dispatcher
    return app


async def save_periodically(sandbox: Saved) -> None:
    """Write the world whenever it changed, checking every ``SAVE_EVERY_SECONDS``."""
    while True:
        await asyncio.sleep(SAVE_EVERY_SECONDS)
        if sandbox.dirty and sandbox.state_file is not None:
            # Serialise on the loop (the world is only consistent here), write elsewhere.
            snapshot = sandbox.snapshot()
            await asyncio.to_thread(sandbox.write_state, snapshot)
