"""``orderbridge sandbox wix`` as a real process: a menu published over HTTP, a checkout,
signed webhooks with a resend to a real receiver, a fulfilment, and a restart."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.servers import free_port, orderbridge_process, serve_in_thread
from tests.sandboxes.wix.support import AUTH, Receiver, unwrap

pytestmark = pytest.mark.e2e


@pytest.fixture
def receiver() -> Iterator[tuple[Receiver, str]]:
    hook = Receiver(statuses=[500])  # the first delivery fails: Wix resends it
    with serve_in_thread(hook.app(), free_port()) as base:
        yield hook, f"{base}/webhooks/wix/con_wix"


def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def test_checkout_to_signed_webhooks_and_a_fulfilment_across_a_restart(
    tmp_path: Path, receiver: tuple[Receiver, str]
) -> None:
    hook, hook_url = receiver
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    args = ["sandbox", "wix", "--port", str(port), "--state", str(tmp_path / "wix.json")]
    args += ["--webhook-url", hook_url, "--resend-scale", "0.0001"]
    with (
        orderbridge_process(args, ready_url=f"{base}/", log=tmp_path / "wix.log"),
        httpx.Client(base_url=base, headers=AUTH) as api,
    ):
        pem = api.get("/_sandbox/public-key").text
        item = api.post(
            "/restaurants/menus-item/v1/items",
            json={"item": {"name": "Круасан", "priceInfo": {"price": "55.00"}}},
        ).json()["item"]
        section = api.post(
            "/restaurants/menus-section/v1/sections",
            json={"section": {"name": "Випічка", "itemIds": [item["id"]]}},
        ).json()["section"]
        api.post(
            "/restaurants/menus-menu/v1/menus",
            json={"menu": {"name": "Основне", "sectionIds": [section["id"]]}},
        ).raise_for_status()
        placed = api.post(
            "/_sandbox/checkout",
            json={
                "items": [{"catalogItemId": item["id"], "quantity": 3}],
                "buyer": {"firstName": "Олена", "phone": "+380671234567"},
            },
        )
        assert placed.status_code == 201, placed.text
        order = placed.json()["order"]
        assert order["priceSummary"]["total"]["amount"] == "165.00"

        wait_for(lambda: len(hook.bodies) == 2)
        events = sorted(
            (unwrap(body, pem) for body in hook.bodies), key=lambda e: e[0]["eventType"]
        )
        assert [outer["eventType"] for outer, _ in events] == [
            "wix.ecom.v1.order_approved",
            "wix.ecom.v1.order_created",
        ]
        assert all(event["entityId"] == order["id"] for _, event in events)
        assert hook.calls == 3  # one 500, its resend, and the other event

        def outcomes() -> list[str]:
            log = api.get("/_sandbox/events").json()["deliveries"]
            return sorted(e["outcome"] for e in log)

        # The receiver has the body before the sandbox has logged the answer: wait for
        # the log itself rather than for the receiver.
        wait_for(lambda: len(outcomes()) == 3)
        assert outcomes() == ["delivered", "delivered", "rejected"]

        line = order["lineItems"][0]
        fulfilment = api.post(
            f"/ecom/v1/fulfillments/orders/{order['id']}/create-fulfillment",
            json={"fulfillment": {"lineItems": [{"id": line["id"], "quantity": 3}]}},
        ).json()
        assert fulfilment["orderWithFulfillments"]["fulfillments"][0]["status"] == "Pending"

    with (
        orderbridge_process(args, ready_url=f"{base}/", log=tmp_path / "wix2.log"),
        httpx.Client(base_url=base, headers=AUTH) as api,
    ):
        assert api.get("/_sandbox/public-key").text == pem
        shown = api.get(f"/_sandbox/orders/{order['id']}").json()
        assert shown["fulfillments"][0]["id"] == fulfilment["fulfillmentId"]
        assert api.get(f"/ecom/v1/orders/{order['id']}").json()["order"]["status"] == "APPROVED"
