"""``orderbridge sandbox poster`` as a real process, driven the way PHP clients drive Poster."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.e2e.servers import free_port, orderbridge_process, serve_in_thread
from tests.patience import HTTP_TIMEOUT, wait_for
from tests.sandboxes.poster.receivers import PhpExampleReceiver

pytestmark = pytest.mark.e2e

TOKEN = "687409:4164553abf6a031302898da7800b59fb"
SECRET = "fe2bc8e865d8fc2236968ee53c3b2bd5"


def php_post(url: str, params: dict[str, object]) -> httpx.Response:
    """The reference's ``sendRequest($url, 'post', $params)``: http_build_query body."""
    return httpx.post(
        url,
        content=http_build_query(params),
        headers={
            "content-type": "application/x-www-form-urlencoded",
            "user-agent": "Poster (http://joinposter.com)",
        },
        timeout=HTTP_TIMEOUT,
    )


def http_build_query(params: dict[str, object], prefix: str = "") -> str:
    """PHP's http_build_query for nested arrays (lists index from 0)."""
    pairs: list[tuple[str, str]] = []

    def walk(value: object, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{key}[{k}]")
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{key}[{i}]")
        else:
            pairs.append((key, str(value)))

    for k, v in params.items():
        walk(v, f"{prefix}{k}")
    return urlencode(pairs)


@pytest.fixture
def receiver() -> Iterator[tuple[PhpExampleReceiver, str]]:
    hook = PhpExampleReceiver(SECRET)
    with serve_in_thread(hook.app()) as base:
        yield hook, f"{base}/hook"


def test_reference_examples_verbatim_then_webhook_to_the_php_receiver(
    tmp_path: Path, receiver: tuple[PhpExampleReceiver, str]
) -> None:
    hook, hook_url = receiver
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    state = tmp_path / "poster.json"
    args = [
        "sandbox",
        "poster",
        "--port",
        str(port),
        "--state",
        str(state),
        "--webhook-url",
        hook_url,
        "--app-secret",
        SECRET,
        "--webhook-retry-scale",
        "0.001",
    ]
    with orderbridge_process(args, ready_url=f"{base}/", log=tmp_path / "sandbox.log"):
        # incomingOrders.createIncomingOrder, the reference's first example, form-encoded.
        created = php_post(
            f"{base}/api/incomingOrders.createIncomingOrder?token={TOKEN}",
            {"spot_id": 1, "phone": "+380680000000", "products": [{"product_id": 169}]},
        ).json()["response"]
        assert created["spot_id"] == 1 and created["status"] == 0
        assert created["products"][0]["product_id"] == 169
        # …and the same in JSON.
        as_json = httpx.post(
            f"{base}/api/incomingOrders.createIncomingOrder?token={TOKEN}",
            json={"spot_id": 1, "phone": "+380680000000", "products": [{"product_id": 169}]},
            timeout=HTTP_TIMEOUT,
        ).json()["response"]
        assert as_json["incoming_order_id"] == created["incoming_order_id"] + 1

        products = httpx.get(
            f"{base}/api/menu.getProducts?token={TOKEN}&category_id=15&type=products",
            timeout=HTTP_TIMEOUT,
        ).json()["response"]
        assert {p["product_id"] for p in products} >= {"138", "139"}

        extras = php_post(
            f"{base}/api/application.setEntityExtras?token={TOKEN}",
            {"entity_type": "product", "entity_id": 4, "extras": {"sideId": "1"}},
        ).json()
        assert extras == {"response": True}

        accepted = httpx.post(
            f"{base}/_sandbox/incoming-orders/{created['incoming_order_id']}/accept",
            timeout=HTTP_TIMEOUT,
        )
        assert accepted.status_code == 200, accepted.text
        order_id = created["incoming_order_id"]

        def actions() -> set[object]:
            return {
                b["action"]
                for b in hook.accepted
                if b["object"] == "incoming_order" and b["object_id"] == order_id
            }

        # Both webhooks of the order arrive (each on its own schedule): added and changed.
        wait_for(lambda: {"added", "changed"} <= actions(), what="added and changed webhooks")
        assert hook.bad_signatures == 0

    # The world survives a restart through --state.
    with orderbridge_process(args, ready_url=f"{base}/", log=tmp_path / "sandbox2.log"):
        again = httpx.get(
            f"{base}/api/incomingOrders.getIncomingOrder?token={TOKEN}"
            f"&incoming_order_id={created['incoming_order_id']}",
            timeout=HTTP_TIMEOUT,
        ).json()
        assert again["response"]["status"] == 1
