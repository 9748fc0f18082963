"""``orderbridge demo --pos rest``, end to end: the demo café on Countertop, the REST POS
sandbox, connected only through its shipped manifest. Real processes on free ports of
127.0.0.1, driven over HTTP as a shop, a cashier and a restaurant owner would.

Order in the shop → a ticket at Countertop's register → accept → the shop says
accepted (a signed Countertop webhook, verified by the hub against the manifest);
close → completed; a price edited at the register reaches the shop's menu and the Wix
menu; a sold-out switch reaches the shop; switching online orders off at the register
pauses the location (and its Wix operation), on again resumes it; opening hours set at
the register become the location's.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from orderbridge.sandboxes.rest_pos.state import WEEKDAYS
from orderbridge.sandboxes.wix.seed import ACCESS_TOKEN, LOCATION_ID, OPERATION_ID
from tests.e2e.poster_demo import ADMIN_KEY, STOREFRONT_KEY, wait_for
from tests.e2e.servers import free_port, orderbridge_process
from tests.integration.dashboard.conftest import csrf_of

pytestmark = pytest.mark.e2e
PODIL = "loc_podil"


@dataclass
class RestDemo:
    hub: str
    pos: str
    wix: str

    def api(self, path: str, *, key: str = STOREFRONT_KEY, **kwargs: Any) -> httpx.Response:
        method = "POST" if "json" in kwargs else "GET"
        headers = {"authorization": f"Bearer {key}", **kwargs.pop("headers", {})}
        return httpx.request(method, f"{self.hub}{path}", headers=headers, timeout=10, **kwargs)

    def register(self, path: str, body: dict[str, Any] | None = None) -> Any:
        answer = httpx.post(f"{self.pos}{path}", json=body or {}, timeout=10)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def item(self, item_id: str) -> dict[str, Any] | None:
        answer = self.api(f"/api/v1/locations/{PODIL}/menu")
        if answer.status_code == 404:  # ``menu_not_published``: not imported yet
            return None
        menu = answer.json()
        return next((i for c in menu["categories"] for i in c["items"] if i["id"] == item_id), None)

    def status(self, order_id: str) -> str:
        found: str = self.api(f"/api/v1/orders/{order_id}").json()["status"]
        return found

    def location(self) -> dict[str, Any]:
        listed = self.api("/api/v1/locations").json()["locations"]
        return dict(next(loc for loc in listed if loc["id"] == PODIL))

    def wix_status(self) -> str:
        url = f"{self.wix}/restaurants-operations/v1/operations/{OPERATION_ID}"
        answer = httpx.get(url, headers={"Authorization": ACCESS_TOKEN}, timeout=10)
        status: str = answer.json()["operation"]["onlineOrderingStatus"]
        return status

    def wix_items(self) -> dict[str, dict[str, Any]]:
        answer = httpx.get(f"{self.wix}/_sandbox/menu", params={"locationId": LOCATION_ID})
        menus = answer.json()["menus"]
        return {i["name"]: i for m in menus for s in m["sections"] for i in s["items"]}


@contextlib.contextmanager
def running(folder: Path) -> Iterator[RestDemo]:
    hub_port, pos_port, wix_port = free_port(), free_port(), free_port()
    args = ["demo", "--pos", "rest", "--port", str(hub_port), "--pos-port", str(pos_port)]
    args += ["--wix-port", str(wix_port), "--db", str(folder / "demo.db")]
    hub = f"http://127.0.0.1:{hub_port}"
    env = {"ORDERBRIDGE_RECONCILE_INTERVAL_SECONDS": "600"}  # webhooks, not the sweep
    with orderbridge_process(args, ready_url=f"{hub}/health", log=folder / "demo.log", env=env):
        demo = RestDemo(hub, f"http://127.0.0.1:{pos_port}", f"http://127.0.0.1:{wix_port}")
        wait_for(lambda: demo.item("PZ-PEP"), timeout=60, what="the Countertop menu imported")
        yield demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RestDemo]:
    with running(tmp_path_factory.mktemp("rest-demo")) as started:
        yield started


def order_body(channel_order_id: str) -> dict[str, Any]:
    """A Pepperoni Ø35 with BBQ sauce and two croissants, picked up, prepaid."""
    return {
        "location_id": PODIL,
        "channel_order_id": channel_order_id,
        "items": [
            {
                "item_id": "PZ-PEP",
                "variant_id": "PZ-PEP-35",
                "quantity": 1,
                "modifiers": [{"modifier_id": "ad_bbq", "quantity": 1}],
                "note": "well done",
            },
            {"item_id": "DS-CRS", "quantity": 2, "modifiers": []},
        ],
        "customer": {"name": "Олена Коваленко", "phone": "+380671234567"},
        "fulfillment": {"type": "pickup"},
        "payment": {"status": "paid", "amount": 34400, "currency": "UAH"},
    }


def place(demo: RestDemo, channel_order_id: str) -> str:
    answer = demo.api(
        "/api/v1/orders",
        json=order_body(channel_order_id),
        headers={"idempotency-key": channel_order_id},
    )
    assert answer.status_code == 201, answer.text
    order_id: str = answer.json()["id"]
    return order_id


def ticket_of(demo: RestDemo, order_id: str) -> dict[str, Any] | None:
    orders = httpx.get(f"{demo.pos}/_sandbox/orders", timeout=10).json()["orders"]
    found = [o for o in orders if o["reference"] == order_id]
    return found[0] if found else None


def test_an_order_reaches_the_register_and_the_shop_follows_the_cashier(demo: RestDemo) -> None:
    order_id = place(demo, "rest-1001")
    ticket = wait_for(lambda: ticket_of(demo, order_id), timeout=30, what="a ticket at the POS")
    assert [(line["sku"], line["quantity"]) for line in ticket["lines"]] == [
        ("PZ-PEP", 1),
        ("DS-CRS", 2),
    ]
    assert ticket["total"] == "344.00" and ticket["prepaid"] and ticket["paidAmount"] == "344.00"
    assert ticket["lines"][0]["addons"][0]["id"] == "ad_bbq"
    wait_for(lambda: demo.status(order_id) == "submitted", timeout=30, what="submitted")
    demo.register(f"/_sandbox/orders/{ticket['id']}/accept")
    wait_for(lambda: demo.status(order_id) == "accepted", timeout=30, what="accepted in the shop")
    demo.register(f"/_sandbox/orders/{ticket['id']}/close")
    wait_for(lambda: demo.status(order_id) == "completed", timeout=30, what="completed")
    timeline = demo.api(f"/api/v1/orders/{order_id}").json()["timeline"]
    assert [e["status"] for e in timeline if e.get("status")][-1] == "completed"


def test_a_declined_ticket_declines_the_order(demo: RestDemo) -> None:
    order_id = place(demo, "rest-1002")
    ticket = wait_for(lambda: ticket_of(demo, order_id), timeout=30, what="a ticket")
    wait_for(lambda: demo.status(order_id) == "submitted", timeout=30, what="submitted")
    demo.register(f"/_sandbox/orders/{ticket['id']}/decline")
    wait_for(lambda: demo.status(order_id) == "declined", timeout=30, what="declined in the shop")


def test_a_menu_edit_at_the_register_reaches_the_shop_and_wix(demo: RestDemo) -> None:
    croissant = demo.item("DS-CRS")
    assert croissant is not None and croissant["price"] == 5500
    wait_for(lambda: "Круасан" in demo.wix_items(), timeout=60, what="the menu at Wix")
    demo.register("/_sandbox/products/DS-CRS", {"price": 5900, "store": "st_podil"})
    wait_for(
        lambda: (demo.item("DS-CRS") or {}).get("price") == 5900,
        timeout=30,
        what="the new price in the shop",
    )
    wait_for(
        lambda: demo.wix_items()["Круасан"]["price"] == "59.00",
        timeout=30,
        what="the new price at Wix",
    )
    demo.register("/_sandbox/products/DS-CRS", {"available": False, "store": "st_podil"})
    wait_for(
        lambda: (demo.item("DS-CRS") or {}).get("available") is False,
        timeout=30,
        what="sold out in the shop",
    )


def test_availability_off_at_the_register_pauses_the_location(demo: RestDemo) -> None:
    assert demo.location()["status"] == "open"
    demo.register("/_sandbox/availability", {"online": False, "store": "st_podil"})
    wait_for(lambda: demo.location()["status"] == "paused", timeout=30, what="paused")
    wait_for(lambda: demo.wix_status() != "ENABLED", timeout=30, what="the Wix operation paused")
    refused = demo.api("/api/v1/orders", json=order_body("rest-1003"))
    assert refused.status_code in (409, 422), refused.text
    demo.register("/_sandbox/availability", {"online": True, "store": "st_podil"})
    wait_for(lambda: demo.location()["status"] == "open", timeout=30, what="open again")


def test_the_dashboard_shows_the_rest_pos_connection_and_what_it_can_do(demo: RestDemo) -> None:
    with httpx.Client(base_url=demo.hub, timeout=10, follow_redirects=True) as browser:
        form = browser.get("/admin/login").text
        login = browser.post("/admin/login", data={"api_key": ADMIN_KEY, "csrf": csrf_of(form)})
        assert login.status_code == 200, login.text
        page = browser.get("/admin/connections").text
    assert "Countertop POS (sandbox)" in page and "rest_pos" in page
    assert "cancel orders" in page and "availability webhooks" in page


def test_hours_set_at_the_register_open_and_close_the_shop(demo: RestDemo) -> None:
    """The owner keeps Podil's hours at Countertop: hours on a day two days from now
    only close the shop today (whatever the hour); every day around the clock opens it."""
    assert demo.location()["status"] == "open"
    later = WEEKDAYS[(datetime.now(ZoneInfo("Europe/Kyiv")).weekday() + 2) % 7]
    rows = [{"day": later, "opens": "10:00", "closes": "11:00"}]
    demo.register("/_sandbox/hours", {"hours": rows, "store": "st_podil"})
    wait_for(lambda: demo.location()["status"] == "closed", timeout=30, what="closed by hours")
    assert demo.location()["opens_at"] is not None
    always = [{"day": day, "opens": "00:00", "closes": "00:00"} for day in WEEKDAYS]
    demo.register("/_sandbox/hours", {"hours": always, "store": "st_podil"})
    wait_for(lambda: demo.location()["status"] == "open", timeout=30, what="open around the clock")
