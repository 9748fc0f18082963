"""What a method handler gets: the calling account, the caller, the clock, an event sink."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from orderbridge.sandboxes.poster.state import Account, World, poster_time


@dataclass(frozen=True)
class WebhookEvent:
    """One change that Poster announces to subscribed applications."""

    account: str
    account_number: str
    object: str
    object_id: int
    action: str  # added | changed | removed | transformed
    data: str | None = None  # a JSON string, as Poster sends it
    # Only to this application (the ``application`` entity); None: every subscriber.
    application_id: int | None = None


class EventSink(Protocol):
    """Where webhook events go once the call that caused them has succeeded."""

    def publish(self, event: WebhookEvent) -> None: ...


@dataclass
class CallContext:
    """One API call's view of the world. Handlers mutate state and emit events here."""

    world: World
    account: Account
    application_id: int | None
    clock: Callable[[], datetime]
    events: list[WebhookEvent] = field(default_factory=list)

    def now(self) -> datetime:
        """The current time in the account's timezone."""
        return self.clock().astimezone(ZoneInfo(self.account.settings.timezone))

    def now_str(self) -> str:
        """Now as Poster writes dates: ``Y-m-d H:i:s`` in the account's timezone."""
        return poster_time(self.now())

    def emit(
        self,
        obj: str,
        object_id: int,
        action: str,
        data: dict[str, Any] | None = None,
        *,
        application_id: int | None = None,
    ) -> None:
        """Queue a webhook; it is sent only if the whole call succeeds."""
        self.events.append(
            WebhookEvent(
                account=self.account.account,
                account_number=self.account.account_number,
                object=obj,
                object_id=object_id,
                action=action,
                data=(
                    json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                    if data is not None
                    else None
                ),
                application_id=application_id,
            )
        )


@dataclass(frozen=True)
class Envelope:
    """A whole answer body, for the few methods the reference documents with keys
    beside (or instead of) ``response``: ``{"success": 1, "response": 5}`` of the
    storage documents, ``{"response": 61, "modifications_id": [...]}`` of
    menu.createProduct. A handler returns one; every other handler returns the value of
    ``response``.
    """

    body: dict[str, Any]


def answer_body(result: Any) -> dict[str, Any]:
    """The JSON body of a method's answer (see ``Envelope``)."""
    return result.body if isinstance(result, Envelope) else {"response": result}


Handler = Callable[[CallContext, Any], Any]
