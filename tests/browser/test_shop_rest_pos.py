"""The demo shop and Countertop's register in a real browser: ``orderbridge demo --pos rest``.

The same shop page as with Poster, on the REST POS sandbox: a customer orders a latte
0.5 l with vanilla and a croissant; a cashier accepts and closes the ticket on
Countertop's register page (its buttons, not an API); the shop follows. The cashier
then reprices the croissant on the register and the shop's menu shows the new price.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.test_shop import fill_customer, text, wait_for_menus, wait_status
from tests.e2e.servers import free_port, orderbridge_process

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class RestDemo:
    hub: str
    pos: str


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RestDemo]:
    folder = tmp_path_factory.mktemp("shop-rest")
    hub_port, pos_port = free_port(), free_port()
    args = ["demo", "--pos", "rest", "--port", str(hub_port), "--pos-port", str(pos_port)]
    args += ["--wix-port", str(free_port()), "--db", str(folder / "demo.db")]
    hub = f"http://127.0.0.1:{hub_port}"
    with orderbridge_process(args, ready_url=f"{hub}/health", log=folder / "demo.log"):
        wait_for_menus(hub)
        yield RestDemo(hub=hub, pos=f"http://127.0.0.1:{pos_port}")


def ticket_row(page: Page, demo: RestDemo, order_id: str) -> None:
    page.goto(f"{demo.pos}/register?store=st_podil")
    expect(page.locator(f'tr[data-reference="{order_id}"]')).to_be_visible()


def test_an_order_from_the_shop_is_accepted_and_closed_on_the_register(
    page: Page, demo: RestDemo, tmp_path: Path
) -> None:
    page.goto(f"{demo.hub}/shop")
    page.locator('[data-location-id="loc_podil"]').click()
    page.locator('[data-item-id="LAT"]').click()
    dialog = page.locator("#item-dialog")
    add = dialog.locator("#item-add")
    expect(add).to_be_disabled()  # a size must be picked
    dialog.get_by_text("0.5 л").click()
    dialog.get_by_text("Ваніль").click()
    add.click()
    expect(dialog).to_be_hidden()
    page.locator('[data-item-id="DS-CRS"]').click()
    add.click()
    expect(page.locator(".cart-line")).to_have_count(2)
    assert text(page, "#cart-total") == "150.00 ₴"  # 80 + 15 + 55
    page.locator("#checkout-button").click()
    fill_customer(page, "+380 67 123 4567")
    page.locator("#place-order").click()
    wait_status(page, "submitted")
    match = re.search(r"#order/(ord_\w+)$", page.url)
    assert match, page.url
    order_id = match.group(1)
    shop = page.url

    ticket_row(page, demo, order_id)
    row = page.locator(f'tr[data-reference="{order_id}"]')
    expect(row).to_contain_text("Лате")
    expect(row).to_contain_text("150.00")
    page.screenshot(path=str(tmp_path / "register.png"), full_page=True)
    row.get_by_role("button", name="Accept").click()
    expect(page.locator("#banner")).to_contain_text("accepted")

    page.goto(shop)
    wait_status(page, "accepted")
    expect(page.locator("#order-timeline")).to_contain_text("Accepted by the café")

    ticket_row(page, demo, order_id)
    page.locator(f'tr[data-reference="{order_id}"]').get_by_role("button", name="Close").click()
    expect(page.locator("#banner")).to_contain_text("closed")
    page.goto(shop)
    wait_status(page, "completed")
    page.screenshot(path=str(tmp_path / "completed.png"), full_page=True)


def test_a_price_edited_on_the_register_reaches_the_shop(page: Page, demo: RestDemo) -> None:
    page.goto(f"{demo.pos}/register?store=st_podil")
    row = page.locator("#product-DS-CRS")
    row.get_by_label("price of Круасан").fill("61.00")
    row.get_by_role("button", name="Save").click()
    expect(page.locator("#banner")).to_contain_text("Круасан saved")
    page.goto(f"{demo.hub}/shop")
    page.locator('[data-location-id="loc_podil"]').click()
    croissant = page.locator('[data-item-id="DS-CRS"]')
    for _ in range(60):  # the webhook's refresh lands within a second or two
        if "61.00" in croissant.inner_text():
            break
        page.wait_for_timeout(500)
        page.reload()
        page.locator('[data-location-id="loc_podil"]').click()
    expect(croissant).to_contain_text("61.00")
