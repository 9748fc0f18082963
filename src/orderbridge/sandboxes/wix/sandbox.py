"""The sandbox as an object: the world, auth, faults, the event sink, persistence.

The HTTP layer (``app.py``), the checkout and the control API all change the world
through the functions in ``menus``, ``orders`` and ``operations`` and hand the events
those return to ``publish``, so every change is announced the same way.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from orderbridge.sandboxes.core import Clock, SandboxCore, Sleep, utcnow
from orderbridge.sandboxes.wix.errors import permission_denied, unauthenticated
from orderbridge.sandboxes.wix.events import WixEvent, generate_private_key_pem, public_key_pem
from orderbridge.sandboxes.wix.faults import Faults
from orderbridge.sandboxes.wix.state import World


class EventSink(Protocol):
    """Where events go once the call that caused them has succeeded."""

    def publish(self, event: WixEvent) -> None: ...


class _NoEvents:
    def publish(self, event: WixEvent) -> None:
        return None


class WixSandbox(SandboxCore[World, Faults]):
    """One sandbox instance. Not thread-safe: it lives on one event loop."""

    state_prefix = ".wix-state-"

    def __init__(
        self,
        world: World,
        *,
        faults: Faults | None = None,
        clock: Clock = utcnow,
        state_file: Path | None = None,
        public_url: str = "http://127.0.0.1:8020",
        sleep: Sleep = asyncio.sleep,
    ):
        super().__init__(
            world, faults=faults or Faults(), clock=clock, state_file=state_file, sleep=sleep
        )
        self.public_url = public_url.rstrip("/")
        self.sink: EventSink = _NoEvents()
        if not world.private_key_pem:
            # First start: the key pair is made once and kept in the state, so the
            # public key the hub was configured with stays valid across restarts.
            world.private_key_pem = generate_private_key_pem()
            self.dirty = True
        self.public_key_pem = public_key_pem(world.private_key_pem)

    def now(self) -> datetime:
        return self.clock()

    @staticmethod
    def new_id() -> str:
        return str(uuid.uuid4())

    def site_time_zone(self) -> str:
        """The site's time zone (its default business location's ``timeZone``)."""
        locations = [loc.data for loc in self.world.locations.values()]
        chosen = next((x for x in locations if x.get("default")), locations[0] if locations else {})
        return str(chosen.get("timeZone") or "UTC")

    def authorize(self, header: str | None, *, write: bool) -> None:
        """Check an ``Authorization`` header: 401 missing or unknown, 403 read-only write.

        Wix takes the bare access token in the header; a ``Bearer`` prefix is accepted
        too, since Wix's own examples use both.
        """
        if not header:
            raise unauthenticated("Missing Authorization header")
        value = header.removeprefix("Bearer ").strip()
        token = self.world.token(value)
        if token is None:
            raise unauthenticated("Invalid or expired access token")
        if write and token.read_only:
            raise permission_denied("The access token lacks the permission for this call")

    def next_sequence(self, entity_id: str) -> int:
        """The next ``entityEventSequence`` of an entity's events (1, 2, …)."""
        sequences = self.world.event_sequences
        sequences[entity_id] = sequences.get(entity_id, 0) + 1
        return sequences[entity_id]

    def publish(self, events: Iterable[WixEvent]) -> None:
        self.dirty = True
        for event in events:
            self.sink.publish(event)


def load_world(path: Path) -> World:
    """Read a world saved by ``WixSandbox.save``."""
    return World.model_validate(json.loads(path.read_text(encoding="utf-8")))
