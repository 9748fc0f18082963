"""The demo shop page in a real browser, against ``orderbridge demo`` on loopback.

Debian's Chromium is driven by Playwright. A customer picks a café, builds an order
with a variant and required modifiers, checks out, and watches the order move as the
register (the Poster sandbox's control API) accepts, closes or declines it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, expect, sync_playwright

from tests.e2e.servers import free_port, on_free_ports, orderbridge_process
from tests.patience import BROWSER_WAIT_MS as WAIT_MS
from tests.patience import HTTP_TIMEOUT, wait_for

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
API_KEY = "ob_demo_brioche_storefront_key"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class Demo:
    hub: str
    poster: str

    def incoming_order(self, order_id: str) -> dict[str, Any]:
        """The sandbox register's incoming order that carries the hub's order id."""
        found = [
            order
            for order in httpx.get(
                f"{self.poster}/_sandbox/incoming-orders", timeout=HTTP_TIMEOUT
            ).json()["incoming_orders"]
            if f"[ob:{order_id}]" in order["comment"]
        ]
        assert len(found) == 1, found
        return found[0]

    def register(self, path: str, body: dict[str, Any] | None = None) -> None:
        """Act on the sandbox's register through its control API."""
        response = httpx.post(
            f"{self.poster}/_sandbox/{path}", json=body or {}, timeout=HTTP_TIMEOUT
        )
        assert response.status_code == 200, response.text

    def register_product(self, product_id: int, *, spot_id: int, out: bool) -> None:
        self.register(f"products/{product_id}", {"spot_id": spot_id, "out": out})

    def wait_until_unavailable(self, location_id: str, item_id: str) -> None:
        """Until the hub's published menu (refreshed by the POS webhook) says sold out."""
        url = f"{self.hub}/api/v1/locations/{location_id}/menu"
        headers = {"Authorization": f"Bearer {API_KEY}"}

        def sold_out() -> bool:
            menu = httpx.get(url, headers=headers, timeout=HTTP_TIMEOUT).json()
            items = [i for c in menu["categories"] for i in c["items"] if i["id"] == item_id]
            return bool(items) and not items[0]["available"]

        wait_for(sold_out, what=f"item {item_id} sold out on the hub's menu")


def wait_for_menus(hub: str) -> None:
    """Block until the demo has imported every location's menu from the sandbox."""
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=hub, headers=headers, timeout=HTTP_TIMEOUT) as client:

        def imported() -> bool:
            ids = [loc["id"] for loc in client.get("/api/v1/locations").json()["locations"]]
            codes = {client.get(f"/api/v1/locations/{i}/menu").status_code for i in ids}
            return bool(ids) and codes == {200}

        wait_for(imported, timeout=60, what="the demo's menus imported", interval=0.1)


@contextlib.contextmanager
def _demo(folder: Path) -> Iterator[Demo]:
    hub_port, poster_port, wix_port = free_port(), free_port(), free_port()
    args = ["demo", "--port", str(hub_port), "--poster-port", str(poster_port)]
    args += ["--wix-port", str(wix_port), "--db", str(folder / "demo.db")]
    hub = f"http://127.0.0.1:{hub_port}"
    with orderbridge_process(args, ready_url=f"{hub}/health", log=folder / "demo.log"):
        wait_for_menus(hub)
        yield Demo(hub=hub, poster=f"http://127.0.0.1:{poster_port}")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    folder = tmp_path_factory.mktemp("shop")
    with on_free_ports(lambda: _demo(folder)) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM.exists(), "install Debian's chromium (scripts/system-deps.sh)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=WAIT_MS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


def text(page: Page, selector: str) -> str:
    return page.locator(selector).inner_text().replace("\u00a0", " ").replace("\u202f", " ")


def open_shop(page: Page, demo: Demo) -> None:
    page.goto(f"{demo.hub}/shop")
    page.locator('[data-location-id="loc_podil"]').click()
    expect(page.locator('[data-item-id="191"]')).to_be_visible()


def add_simple(page: Page, item_id: str) -> None:
    page.locator(f'[data-item-id="{item_id}"]').click()
    dialog = page.locator("#item-dialog")
    expect(dialog).to_be_visible()
    dialog.locator("#item-add").click()
    expect(dialog).to_be_hidden()


def fill_customer(page: Page, phone: str) -> None:
    page.fill("#f-name", "Olena Kovalenko")
    page.fill("#f-phone", phone)
    page.fill("#f-email", "olena@example.com")


def wait_status(page: Page, status: str) -> None:
    expect(page.locator("#order-status")).to_have_attribute("data-status", status)


def order_id_of(page: Page) -> str:
    match = re.search(r"#order/(ord_\w+)$", page.url)
    assert match, page.url
    return match.group(1)


def test_shop_order_goes_from_menu_to_completed_and_shows_field_errors(
    page: Page, demo: Demo, tmp_path: Path
) -> None:
    """Variant + required modifiers, a phone error shown at the field, then prepaid
    pickup followed live through submitted → accepted → completed."""
    open_shop(page, demo)
    expect(page.locator("#category-nav .chip").first).to_be_visible()
    page.screenshot(path=str(tmp_path / "menu.png"))

    page.locator('[data-item-id="191"]').click()  # Маргарита: Ø25 / Ø35
    dialog = page.locator("#item-dialog")
    add = dialog.locator("#item-add")
    expect(add).to_be_disabled()
    dialog.get_by_text("Ø35 см").click()
    expect(add).to_be_enabled()
    add.click()
    expect(dialog).to_be_hidden()

    page.locator('[data-item-id="172"]').click()  # Cheeseburger: sauce 0–2, side 1–1
    expect(add).to_be_disabled()
    dialog.get_by_text("BBQ").click()
    dialog.get_by_text("Сирний").click()
    expect(dialog.locator('input[data-modifier-id="61"]')).to_be_disabled()  # max 2 reached
    expect(add).to_be_disabled()  # the side is still missing
    page.screenshot(path=str(tmp_path / "dialog.png"))
    dialog.get_by_text("Картопля фрі").click()
    expect(add).to_be_enabled()
    add.click()
    expect(dialog).to_be_hidden()

    expect(page.locator(".cart-line")).to_have_count(2)
    assert text(page, "#cart-total") == "485.00 ₴"  # 235 + 195 + 15 + 15 + 25

    page.locator("#checkout-button").click()
    fill_customer(page, "12345")
    with page.expect_response(re.compile(r"/api/v1/orders$")) as refused:
        page.locator("#place-order").click()
    assert refused.value.status == 422
    phone = page.locator('[data-field="customer.phone"]')
    expect(phone).to_have_class(re.compile(r"\bhas-error\b"))
    expect(phone.locator(".field-error")).to_contain_text("not a valid number")
    page.screenshot(path=str(tmp_path / "phone-error.png"))

    page.fill("#f-phone", "+380 67 123 4567")
    expect(phone.locator(".field-error")).to_be_hidden()
    with page.expect_request(re.compile(r"/api/v1/orders$")) as placed:
        page.locator("#place-order").click()
    body = placed.value.post_data_json
    assert UUID.match(placed.value.headers["idempotency-key"])
    assert body["payment"] == {"status": "paid", "amount": 48500, "currency": "UAH"}
    assert body["fulfillment"] == {"type": "pickup"}
    assert body["items"][1]["modifiers"] == [
        {"modifier_id": "59", "quantity": 1},
        {"modifier_id": "60", "quantity": 1},
        {"modifier_id": "64", "quantity": 1},
    ]

    expect(page.locator("#order-status")).to_have_attribute(
        "data-status", re.compile("^(received|submitted)$")
    )
    wait_status(page, "submitted")
    expect(page.locator("#order-status")).to_have_text("Waiting for the café")
    order_id = order_id_of(page)
    incoming = demo.incoming_order(order_id)

    demo.register(f"incoming-orders/{incoming['incoming_order_id']}/accept")
    wait_status(page, "accepted")
    expect(page.locator("#order-timeline")).to_contain_text("Accepted by the café")
    expect(page.locator("#order-summary")).to_contain_text("Paid online")
    page.screenshot(path=str(tmp_path / "status.png"), full_page=True)

    transaction = demo.incoming_order(order_id)["transaction_id"]
    demo.register(f"transactions/{transaction}/close")
    wait_status(page, "completed")
    expect(page.locator("#order-status")).to_have_text("Completed")
    timeline = page.locator("#order-timeline li")
    expect(timeline).to_have_count(4)
    expect(page.locator("#live")).to_be_hidden()
    page.screenshot(path=str(tmp_path / "completed.png"), full_page=True)

    page.get_by_role("button", name="Order something else").click()
    expect(page.locator('[data-item-id="191"]')).to_be_visible()
    expect(page.locator("#cart-empty")).to_be_visible()


def test_shop_retries_with_the_same_key_and_shows_a_declined_order(
    page: Page, demo: Demo, tmp_path: Path
) -> None:
    """An answer lost on the way back is retried with the same Idempotency-Key (one
    order, not two); the café declining it shows as declined."""
    open_shop(page, demo)
    add_simple(page, "117")  # Espresso
    page.locator("#checkout-button").click()
    fill_customer(page, "067 123 45 67")
    page.get_by_label("Dine in").check()
    page.fill("#f-table", "7")
    page.get_by_label("Pay at the table").check()

    keys: list[str] = []

    def lose_first_answer(route: Route) -> None:
        keys.append(route.request.headers["idempotency-key"])
        if len(keys) == 1:
            route.fetch()  # the hub stores the order, the answer never arrives
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r"/api/v1/orders$"), lose_first_answer)
    page.locator("#place-order").click()
    expect(page.locator("#checkout-error")).to_contain_text("couldn't reach")
    with page.expect_response(re.compile(r"/api/v1/orders$")) as replayed:
        page.locator("#place-order").click()
    assert replayed.value.headers.get("idempotent-replayed") == "true"
    assert len(keys) == 2
    assert keys[0] == keys[1]

    wait_status(page, "submitted")
    incoming = demo.incoming_order(order_id_of(page))  # exactly one at the register
    assert incoming["table"] is None or str(incoming["table"]) == "7"
    demo.register(f"incoming-orders/{incoming['incoming_order_id']}/decline")
    wait_status(page, "declined")
    expect(page.locator("#order-status")).to_have_text("Declined by the café")
    expect(page.locator("#order-timeline")).to_contain_text("Declined by the café")
    expect(page.locator('#order-steps [data-step="declined"]')).to_be_visible()
    page.screenshot(path=str(tmp_path / "declined.png"), full_page=True)


def test_shop_is_usable_on_a_phone(browser: Browser, demo: Demo, tmp_path: Path) -> None:
    """On a narrow screen the cart is a sheet opened from a bar at the bottom."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    try:
        open_shop(page, demo)
        add_simple(page, "4")  # Бріош з маслом
        bar = page.locator("#cart-bar")
        expect(bar).to_be_visible()
        expect(page.locator("#checkout-button")).not_to_be_in_viewport()
        page.screenshot(path=str(tmp_path / "phone-menu.png"))
        bar.click()
        expect(page.locator("#checkout-button")).to_be_in_viewport()
        page.screenshot(path=str(tmp_path / "phone-cart.png"))
        page.locator("#checkout-button").click()
        expect(page.locator("#f-name")).to_be_visible()
        page.screenshot(path=str(tmp_path / "phone-checkout.png"), full_page=True)
    finally:
        context.close()


def test_shop_flags_the_cart_line_of_an_item_that_sold_out(
    page: Page, demo: Demo, tmp_path: Path
) -> None:
    """The API's ``items[1]…`` error is shown on the second cart line, not as a banner."""
    open_shop(page, demo)
    add_simple(page, "117")  # Espresso
    add_simple(page, "164")  # Синнабон, about to sell out
    page.locator("#checkout-button").click()
    fill_customer(page, "+380671234567")
    demo.register_product(164, spot_id=1, out=True)
    try:
        demo.wait_until_unavailable("loc_podil", "164")
        with page.expect_response(re.compile(r"/api/v1/orders$")) as refused:
            page.locator("#place-order").click()
        assert refused.value.status == 422
        assert refused.value.json()["error"]["field"].startswith("items[1]")
        line = page.locator('.cart-line[data-line="1"]')
        expect(line).to_have_class(re.compile(r"\bhas-error\b"))
        expect(line.locator(".field-error")).not_to_be_empty()
        expect(page.locator('.cart-line[data-line="0"] .field-error')).to_be_empty()
        expect(page.locator("#checkout-error")).to_be_hidden()
        page.screenshot(path=str(tmp_path / "sold-out.png"))
    finally:
        demo.register_product(164, spot_id=1, out=False)
