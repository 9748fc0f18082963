"""The sandbox as an object: the world, the method table, faults, webhooks, persistence.

The HTTP layer (``app.py``) and the register page both go through ``PosterSandbox.call``
or mutate the world directly and ``publish`` events, so every change fires webhooks the
same way.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from orderbridge.sandboxes.core import Clock, SandboxCore, Sleep, utcnow
from orderbridge.sandboxes.poster.context import CallContext, EventSink, WebhookEvent
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.faults import Faults
from orderbridge.sandboxes.poster.methods import METHODS, SIGNED, is_write, resolve
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account, World


class _NoWebhooks:
    def publish(self, event: WebhookEvent) -> None:
        return None


class PosterSandbox(SandboxCore[World, Faults]):
    """One sandbox instance. Not thread-safe: it lives on one event loop."""

    state_prefix = ".poster-state-"

    def __init__(
        self,
        world: World,
        *,
        faults: Faults | None = None,
        clock: Clock = utcnow,
        state_file: Path | None = None,
        public_url: str = "http://127.0.0.1:8010",
        sleep: Sleep = asyncio.sleep,
    ):
        super().__init__(
            world, faults=faults or Faults(), clock=clock, state_file=state_file, sleep=sleep
        )
        self.public_url = public_url.rstrip("/")
        self.sink: EventSink = _NoWebhooks()

    def call(
        self,
        method: str,
        token: str | None,
        params: dict[str, Any],
        *,
        http_method: str = "POST",
    ) -> Any:
        """Run an API method as ``token``'s caller; raise ``PosterError`` on failure.

        ``http_method`` is how the call arrived: a method that changes data is refused
        over GET (error 400; see ``methods.is_write``). The handler's result is the
        ``response`` value or an ``Envelope`` (``context.answer_body`` makes the body).
        Events are published only when the handler returns, so a failed call (which
        leaves no change behind, handlers validate before they write) fires nothing.
        """
        name = resolve(method)
        if name is None:
            raise PosterError(42, f"Method {method} does not exist", field="method")
        handler = METHODS[name]
        params_in = Params(params)
        if not token and name in SIGNED:
            # payments.* come from payment services, signed instead of with a token.
            account, application_id = SIGNED[name](self.world, params_in), None
        else:
            if not token:
                raise PosterError(10)
            found = self.world.find_token(token)
            if found is None:
                raise PosterError(11)
            account, application_id = found
        if http_method.upper() == "GET" and is_write(name):
            # The reference documents no code for this; 400 is its "invalid request
            # format, required data missing": the POST data is missing.
            raise PosterError(400, f"{name} changes data: send it as POST", field="method")
        ctx = CallContext(self.world, account, application_id, self.clock)
        result = handler(ctx, params_in)
        if ctx.events or is_write(name):
            self.dirty = True
        for event in ctx.events:
            self.sink.publish(event)
        return result

    def context(self, account: Account, application_id: int | None = None) -> CallContext:
        """A context for changes made outside the API (the register page, control API)."""
        return CallContext(self.world, account, application_id, self.clock)

    def commit(self, ctx: CallContext) -> None:
        """Publish the events a register or control action queued on ``ctx``."""
        self.dirty = True
        for event in ctx.events:
            self.sink.publish(event)
        ctx.events.clear()

    def account(self, login: str) -> Account:
        try:
            return self.world.accounts[login]
        except KeyError:
            raise PosterError(32, f"Account {login} doesn't exist", field="account") from None


def load_world(path: Path) -> World:
    """Read a world saved by ``PosterSandbox.save``."""
    return World.model_validate(json.loads(path.read_text(encoding="utf-8")))
