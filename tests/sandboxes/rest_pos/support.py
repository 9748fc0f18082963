"""Helpers of the Countertop sandbox tests: the app in a TestClient (lifespan on, so its
webhooks go out) with a receiver that keeps them and can be told to fail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from starlette.testclient import TestClient

from orderbridge.sandboxes.rest_pos.app import create_app
from orderbridge.sandboxes.rest_pos.faults import Faults
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox
from orderbridge.sandboxes.rest_pos.seed import DEMO_API_KEY, demo_world
from tests.contract.support import Catcher

AUTH = {"Authorization": f"Bearer {DEMO_API_KEY}"}
HOOK_URL = "http://hub.test/webhooks/pos/con_countertop"


@dataclass
class Countertop:
    client: TestClient
    sandbox: CountertopSandbox
    receiver: Catcher

    def api(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(
            method, path, headers={**AUTH, **kwargs.pop("headers", {})}, **kwargs
        )

    def control(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return self.client.post(path, json=body or {})

    def settle(self) -> None:
        answer = self.client.post("/_sandbox/webhooks/idle")
        assert answer.status_code == 200, answer.text


@contextmanager
def countertop(*, retry_scale: float = 0.0001) -> Iterator[Countertop]:
    receiver = Catcher(answer=b"{}")
    sandbox = CountertopSandbox(demo_world(webhook_url=HOOK_URL), faults=Faults())
    app = create_app(
        sandbox,
        webhook_retry_scale=retry_scale,
        webhook_transport=httpx.ASGITransport(app=receiver),
    )
    with TestClient(app, base_url="http://countertop.test") as client:
        yield Countertop(client, sandbox, receiver)


def ticket_body(**changes: Any) -> dict[str, Any]:
    """A Pepperoni Ø35 with BBQ sauce and two croissants, takeaway, prepaid."""
    body: dict[str, Any] = {
        "reference": "ord_1",
        "serviceType": "TAKEAWAY",
        "guest": {"name": "Олена", "phone": "+380671234567"},
        "lines": [
            {
                "sku": "PZ-PEP",
                "sizeCode": "PZ-PEP-35",
                "quantity": 1,
                "unitPrice": "219.00",
                "addons": [{"id": "ad_bbq", "quantity": 1}],
            },
            {"sku": "DS-CRS", "quantity": 2, "unitPrice": "55.00"},
        ],
        "prepaid": True,
        "paidAmount": "344.00",
    }
    body.update(changes)
    return body
