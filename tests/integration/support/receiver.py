"""A storefront's webhook endpoint, in-process, for ``httpx.ASGITransport``."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from standardwebhooks.webhooks import Webhook
from starlette.types import Receive, Scope, Send


@dataclass(frozen=True)
class Delivery:
    """One POST the hub made: its path, headers (lower-case names) and exact body."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def message(self) -> dict[str, Any]:
        decoded: dict[str, Any] = json.loads(self.body)
        return decoded

    def signed_by(self, secret: str, *, at: datetime | None = None) -> bool:
        """Whether ``secret`` signed this delivery (at ``at``, to the second, if given),
        by the Standard Webhooks reference package. It computes the signature rather
        than calling its ``verify``, which reads the system clock: hubs in tests often
        run on a fake one."""
        stamp = self.headers["webhook-timestamp"]
        if at is not None and stamp != str(int(at.timestamp())):
            return False
        sent = datetime.fromtimestamp(int(stamp), tz=UTC)
        expected = Webhook(secret).sign(self.headers["webhook-id"], sent, self.body)
        return expected in self.headers["webhook-signature"].split(" ")


@dataclass
class Receiver:
    """Records every delivery and answers with the queued statuses (204 once they run out)."""

    deliveries: list[Delivery] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":  # served by uvicorn (a real server on loopback)
            while True:
                event = await receive()
                await send({"type": event["type"] + ".complete"})
                if event["type"] == "lifespan.shutdown":
                    return
        assert scope["type"] == "http"
        body, more = b"", True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        headers = {name.decode(): value.decode() for name, value in scope["headers"]}
        self.deliveries.append(Delivery(scope["path"], headers, body))
        status = self.answers.pop(0) if self.answers else 204
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def types(self) -> list[str]:
        """The event types delivered, in order."""
        return [d.message["type"] for d in self.deliveries]
