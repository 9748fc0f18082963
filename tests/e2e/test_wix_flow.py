"""Issue 5's "done when", end to end: ``orderbridge demo`` as a real process (hub, Poster
sandbox, Wix sandbox on three ports of 127.0.0.1) driven over HTTP as a Wix customer,
a cashier and a restaurant owner would.

Wix checkout → signed webhook → hub → Poster register → accept → the Wix order gets its
fulfilment; a price edited in Poster reaches the Wix menu; pausing the location pauses
the Wix operation; an order created at the register (not through the hub) appears in
Wix once its check is closed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from orderbridge.sandboxes.wix.seed import ACCESS_TOKEN, LOCATION_ID, OPERATION_ID
from tests.e2e.poster_demo import ADMIN_KEY, DEMO_TOKEN, PODIL, Demo
from tests.e2e.servers import free_port, on_free_ports, orderbridge_process
from tests.patience import HTTP_TIMEOUT, wait_for

pytestmark = pytest.mark.e2e


def running(folder: Path) -> contextlib.AbstractContextManager[tuple[Demo, str]]:
    """``orderbridge demo`` on free ports until the Wix menu is published."""
    return on_free_ports(lambda: _running(folder))


@contextlib.contextmanager
def _running(folder: Path) -> Iterator[tuple[Demo, str]]:
    """``orderbridge demo`` on free ports until the Wix menu is published."""
    hub_port, poster_port, wix_port = free_port(), free_port(), free_port()
    args = ["demo", "--port", str(hub_port), "--poster-port", str(poster_port)]
    args += ["--wix-port", str(wix_port), "--db", str(folder / "demo.db")]
    hub = f"http://127.0.0.1:{hub_port}"
    with orderbridge_process(args, ready_url=f"{hub}/health", log=folder / "demo.log"):
        demo = Demo(hub=hub, poster=f"http://127.0.0.1:{poster_port}", db=folder / "demo.db")
        wix = f"http://127.0.0.1:{wix_port}"
        wait_for(lambda: _wix_items(wix), timeout=60, what="the Wix menu published")
        yield demo, wix


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Demo, str]]:
    with running(tmp_path_factory.mktemp("wix-demo")) as both:
        yield both


def _get(url: str, **kwargs: Any) -> Any:
    answer = httpx.get(url, timeout=HTTP_TIMEOUT, **kwargs)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _wix_items(wix: str) -> dict[str, dict[str, Any]]:
    menus = _get(f"{wix}/_sandbox/menu", params={"locationId": LOCATION_ID})["menus"]
    return {i["name"]: i for m in menus for s in m["sections"] for i in s["items"]}


def _hub_item(demo: Demo, item_id: str) -> dict[str, Any]:
    menu = demo.menu(PODIL)
    return next(i for c in menu["categories"] for i in c["items"] if i["id"] == item_id)


@pytest.fixture(scope="module")
def simple(world: tuple[Demo, str]) -> str:
    """A Poster product with no variants or modifiers, on sale, with a unique name."""
    demo, _ = world
    items = [i for c in demo.menu(PODIL)["categories"] for i in c["items"]]
    names = [i["name"] for i in items]
    found = next(
        i["id"]
        for i in items
        if not i["variants"]
        and not i["modifier_groups"]
        and i["available"]
        and names.count(i["name"]) == 1
    )
    return str(found)


def _operation(wix: str) -> dict[str, Any]:
    url = f"{wix}/restaurants-operations/v1/operations/{OPERATION_ID}"
    found: dict[str, Any] = _get(url, headers={"Authorization": ACCESS_TOKEN})["operation"]
    return found


def test_a_wix_order_reaches_the_register_and_accepting_it_fulfils_it_at_wix(
    world: tuple[Demo, str], simple: str
) -> None:
    demo, wix = world
    name = _hub_item(demo, simple)["name"]
    item = _wix_items(wix)[name]
    before = {
        o["incoming_order_id"] for o in demo.sandbox("/_sandbox/incoming-orders")["incoming_orders"]
    }
    placed = httpx.post(
        f"{wix}/_sandbox/checkout",
        json={
            "operationId": OPERATION_ID,
            "items": [{"catalogItemId": item["id"], "quantity": 2}],
            "buyer": {"firstName": "Олена", "lastName": "Коваль", "phone": "+380671234567"},
            "paymentStatus": "PAID",
        },
        timeout=HTTP_TIMEOUT,
    )
    assert placed.status_code == 201, placed.text
    wix_order = placed.json()["order"]

    def at_register() -> dict[str, Any] | None:
        orders = demo.sandbox("/_sandbox/incoming-orders")["incoming_orders"]
        new = [o for o in orders if o["incoming_order_id"] not in before]
        return new[0] if new else None

    incoming = wait_for(at_register, timeout=30, what="the Wix order at the register")
    demo.sandbox(f"/_sandbox/incoming-orders/{incoming['incoming_order_id']}/accept", json={})

    def fulfilled() -> list[dict[str, Any]] | None:
        found = _get(f"{wix}/_sandbox/orders/{wix_order['id']}")["fulfillments"]
        return found if found and found[0]["status"] == "Accepted" else None

    (fulfilment,) = wait_for(fulfilled, timeout=30, what="a fulfilment at Wix")
    assert fulfilment["lineItems"] == [{"id": wix_order["lineItems"][0]["id"], "quantity": 2}]


def test_a_price_change_in_poster_reaches_the_wix_menu(
    world: tuple[Demo, str], simple: str
) -> None:
    demo, wix = world
    name = _hub_item(demo, simple)["name"]
    demo.sandbox(f"/_sandbox/products/{simple}", json={"spot_id": 1, "price": 7300})
    wait_for(
        lambda: _wix_items(wix)[name]["price"] == "73.00",
        timeout=30,
        what="the new price at Wix",
    )


def test_pausing_the_location_pauses_the_wix_operation(world: tuple[Demo, str]) -> None:
    demo, wix = world
    until = (datetime.now(UTC) + timedelta(hours=1)).replace(microsecond=0)
    body = {"action": "pause", "until": until.isoformat(), "reason": "kitchen full"}
    # Pausing needs the admin key: the storefront key is publishable.
    status = f"/api/v1/locations/{PODIL}/status"
    assert demo.api(status, json=body, key=ADMIN_KEY).status_code == 200
    paused = wait_for(
        lambda: (op := _operation(wix))["onlineOrderingStatus"] == "PAUSED_UNTIL" and op,
        timeout=30,
        what="the operation paused",
    )
    assert datetime.fromisoformat(paused["pausedUntilOptions"]["time"]) == until
    assert demo.api(status, json={"action": "resume"}, key=ADMIN_KEY).status_code == 200
    wait_for(
        lambda: _operation(wix)["onlineOrderingStatus"] == "ENABLED",
        timeout=30,
        what="the operation enabled again",
    )


def test_an_order_made_at_the_register_appears_in_wix(world: tuple[Demo, str], simple: str) -> None:
    demo, wix = world
    created = httpx.post(
        f"{demo.poster}/api/incomingOrders.createIncomingOrder",
        params={"token": DEMO_TOKEN},
        json={
            "spot_id": 1,
            "phone": "+380501112233",
            "products": [{"product_id": int(simple), "count": 3}],
            "comment": "walk-in",
        },
        timeout=HTTP_TIMEOUT,
    )
    assert created.status_code == 200 and "response" in created.json(), created.text
    incoming_id = created.json()["response"]["incoming_order_id"]
    accepted = demo.sandbox(f"/_sandbox/incoming-orders/{incoming_id}/accept", json={})
    check = accepted["incoming_order"]["transaction_id"]
    demo.sandbox(f"/_sandbox/transactions/{check}/close", json={})

    def imported() -> dict[str, Any] | None:
        for record in _get(f"{wix}/_sandbox/orders")["orders"]:
            external = record["order"].get("channelInfo", {}).get("externalOrderId", "")
            done = [f for f in record["fulfillments"] if f["status"] == "Fulfilled"]
            if external.endswith(f"/{check}") and done:
                return dict(record)
        return None

    record = wait_for(imported, timeout=30, what="the register's order in Wix, fulfilled")
    (line,) = record["order"]["lineItems"]
    assert line["quantity"] == 3
    assert line["catalogReference"]["options"]["operationId"] == OPERATION_ID
    # Issue 10: the menu's name and the register's price, not "192" and 0.00.
    item = _hub_item(demo, simple)
    assert line["productName"]["original"] == item["name"]
    assert Decimal(line["price"]["amount"]) * 100 == item["price"] > 0
