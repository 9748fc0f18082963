"""Issue 11's "done when", end to end: a channel's own menu mapped for the demo café.

``orderbridge demo`` runs as a real process (the hub, the Poster sandbox). A website's
own menu for the café — English, Latin transliteration and Ukrainian, with hard
negatives (the repository's test set) — is uploaded through the admin API and comes
back with the right ``auto`` matches and no wrong one. A person then confirms the rest
on the mapping page in Chromium: confirm, pick another candidate, search the POS menu,
ignore, bulk confirm. An order placed with the website's own ids reaches the register
with the right Poster products; an order with an unmapped item fails clearly, and once
the item is mapped on the page, a replay from the order's page sends it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.browser.test_dashboard import CHROMIUM, CHROMIUM_ARGS, WAIT_MS, shot
from tests.e2e.poster_demo import ADMIN_KEY, PODIL, Demo, running_demo, wait_for
from tests.unit.matching import cafe

pytestmark = [pytest.mark.browser, pytest.mark.e2e]

CHANNEL_MENU = f"/api/v1/admin/locations/{PODIL}/channel-menus/storefront"
PAGE = f"/admin/mapping?location={PODIL}&channel=storefront"
ANSWERS = cafe.expected()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    with running_demo(tmp_path_factory.mktemp("mapping-demo"), reconcile_seconds=600) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _admin(demo: Demo, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {ADMIN_KEY}"}
    return httpx.request(method, f"{demo.hub}{path}", headers=headers, timeout=30, **kwargs)


def _mapping(demo: Demo) -> dict[str, dict[str, Any]]:
    answer = _admin(demo, "GET", f"{CHANNEL_MENU}/mapping")
    assert answer.status_code == 200, answer.text
    return {item["channel_item_id"]: item for item in answer.json()["items"]}


def _target(item: dict[str, Any]) -> tuple[Any, Any, Any]:
    return (item["pos_item_id"], item["pos_variant_id"], item["pos_modifier_id"])


def _expected(item_id: str) -> tuple[Any, Any, Any] | None:
    target = cafe.target_of(ANSWERS[item_id])
    return None if target is None else (target.item_id, target.variant_id, target.modifier_id)


def _order(demo: Demo, channel_order_id: str, *lines: dict[str, Any]) -> dict[str, Any]:
    body = {
        "location_id": PODIL,
        "channel_order_id": channel_order_id,
        "items": list(lines),
        "customer": {"name": "Олена Коваленко", "phone": "+380671234567"},
        "fulfillment": {"type": "pickup"},
    }
    answer = demo.api("/api/v1/orders", json=body, headers={"idempotency-key": channel_order_id})
    assert answer.status_code == 201, answer.text
    placed: dict[str, Any] = answer.json()
    return placed


def _products(demo: Demo, order_id: str) -> list[tuple[Any, Any, Any, Any]]:
    [incoming] = wait_for(lambda: demo.at_register(order_id), what="the order at the register")
    return [
        (p["product_id"], p["modificator_id"], p["modification"], p["count"])
        for p in incoming["products"]
    ]


def _row(page: Page, item_id: str) -> Any:
    return page.locator(f"tr#item-{item_id}")


def _sign_in(page: Page, demo: Demo) -> None:
    page.goto(f"{demo.hub}{PAGE}")
    page.fill("#api_key", ADMIN_KEY)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{demo.hub}{PAGE}")


def test_a_channel_menu_is_mapped_confirmed_in_chromium_and_orders_reach_the_register(
    demo: Demo, browser: Browser, tmp_path: Path
) -> None:
    uploaded = _admin(demo, "PUT", CHANNEL_MENU, json=cafe.channel_body())
    assert uploaded.status_code == 200, uploaded.text
    before = _mapping(demo)
    autos = {i for i, item in before.items() if item["status"] == "auto"}
    assert all(_target(before[i]) == _expected(i) for i in autos), "a wrong auto match"
    assert {i for i, a in ANSWERS.items() if a.get("auto") is True} <= autos
    to_confirm = [
        i
        for i, item in before.items()
        if item["status"] == "suggested" and _expected(i) is not None
    ]
    assert to_confirm  # the person has work to do

    page = browser.new_page(viewport={"width": 1440, "height": 900})
    page.set_default_timeout(WAIT_MS)
    page.on("dialog", lambda dialog: dialog.accept())
    _sign_in(page, demo)
    expect(page.locator("h1")).to_contain_text("Mapping")
    first = page.locator("table.mapping tbody tr").first
    expect(first).to_have_class("st-unmapped")
    expect(page.locator("table.mapping")).to_contain_text("Kapuchyno")
    expect(page.locator("table.mapping")).to_contain_text("Сирники зі сметаною")
    shot(page, tmp_path, "01-mapping-uploaded")

    # Confirm the suggestions that are right (the test set says which).
    for item_id in to_confirm:
        _row(page, item_id).locator("button[data-action=confirm]").click()
        expect(_row(page, item_id)).to_have_class("st-confirmed")
    expect(page.locator(".flash.ok")).to_contain_text("Mapping confirmed")

    # Pick another candidate: "Kapuchyno na kokosovomu" is not cappuccino with coconut
    # syrup (the first suggestion) but the plain one, its milk chosen with the order.
    coconut = _row(page, "neg-27")
    coconut.locator("select[name=target]").select_option(label=_label(coconut, "Капучино ("))
    coconut.locator("button[data-action=use]").click()
    expect(_row(page, "neg-27")).to_have_class("st-confirmed")
    expect(_row(page, "neg-27").locator(".pos-name")).to_have_text("Капучино")

    # Search the POS menu, in Latin for a Cyrillic name: "Капучино 400 мл" is Капучино.
    _row(page, "neg-15").get_by_role("link", name="Search POS menu").click()
    page.fill("#search input[name=q]", "kapuchyno")
    page.click("#search button[type=submit]")
    hit = page.locator("#search ul.hits li", has_text="Капучино").first
    hit.locator("button[data-action=use]").click()
    expect(_row(page, "neg-15")).to_have_class("st-confirmed")

    # Ignore what the café does not sell.
    for item_id in ("neg-01", "neg-05"):
        _row(page, item_id).locator("button[data-action=ignore]").click()
        expect(_row(page, item_id)).to_have_class("st-ignored")

    # Bulk-confirm every auto match at or above 0.95.
    page.fill("input[name=min_confidence]", "0.95")
    page.locator("form.bulk button[type=submit]").click()
    expect(page.locator(".flash.ok")).to_contain_text("Mappings confirmed")
    shot(page, tmp_path, "02-mapping-confirmed")

    after = _mapping(demo)
    for item_id in to_confirm:
        assert after[item_id]["status"] == "confirmed"
        assert _target(after[item_id]) == _expected(item_id)
    assert (after["neg-15"]["status"], after["neg-15"]["pos_item_id"]) == ("confirmed", "114")
    assert _target(after["neg-27"]) == ("114", None, None)
    unmapped = sum(1 for item in after.values() if item["status"] == "unmapped")
    expect(page.locator("#count-unmapped")).to_contain_text(f"{unmapped} unmapped")

    # An order with the website's own ids reaches the register as Poster products.
    placed = _order(
        demo,
        "site-7001",
        {"item_id": "web-01", "quantity": 2, "modifiers": [{"modifier_id": "web-01-g1m2"}]},
        {"item_id": "web-45", "variant_id": "web-45-v2", "quantity": 1},
        {"item_id": "uk-02", "quantity": 1},
        {"item_id": "tr-11", "quantity": 1},
        {"item_id": "web-24", "quantity": 3},
    )
    demo.wait_status(placed["id"], "submitted")
    assert _products(demo, placed["id"]) == [
        (114, None, [{"m": 27, "a": 1}], 2),
        (191, 152, None, 1),
        (115, None, [{"m": 33, "a": 1}], 1),
        (57, 2, None, 1),
        (48, None, None, 3),
    ]

    # An order with an unmapped item fails clearly ...
    held = _order(
        demo,
        "site-7002",
        {"item_id": "web-03", "quantity": 1},
        {"item_id": "neg-20", "quantity": 1},
    )
    assert held["status"] == "failed"
    reason = held["timeline"][-1]["detail"]
    assert "unmapped_item" in reason and "Морс журавлиний" in reason
    assert demo.at_register(held["id"]) == []

    # ... a person maps the item on the page (it is their lemonade) ...
    page.goto(f"{demo.hub}{PAGE}")
    _row(page, "neg-20").get_by_role("link", name="Search POS menu").click()
    page.fill("#search input[name=q]", "лимонад")
    page.click("#search button[type=submit]")
    page.locator("#search ul.hits li", has_text="0,4 л").first.locator("button").click()
    expect(_row(page, "neg-20")).to_have_class("st-confirmed")

    # ... and replays the order from its page: it reaches the register whole.
    page.goto(f"{demo.hub}/admin/orders/{held['id']}")
    page.get_by_role("button", name="Replay").click()
    expect(page.locator(".flash.ok")).to_contain_text("queued for submission to the POS again")
    shot(page, tmp_path, "03-order-replayed")
    demo.wait_status(held["id"], "submitted")
    assert _products(demo, held["id"]) == [(117, None, None, 1), (160, 149, None, 1)]
    page.close()


def _label(row: Any, start: str) -> str:
    """The label of the row's candidate option that starts with ``start``."""
    labels: list[str] = row.locator("select[name=target] option").all_inner_texts()
    return next(label for label in labels if label.startswith(start))
