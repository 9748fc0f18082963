"""The admin dashboard in a real browser, against ``orderbridge demo`` on loopback.

Debian's Chromium is driven by Playwright. An order is placed through the storefront
API; then an operator signs in with the demo admin key, finds the order and its
timeline, pauses a location and sees its status change, and signs out. Every page is
screenshotted into the test's folder, for people to look at.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.e2e.servers import free_port, on_free_ports, orderbridge_process
from tests.patience import BROWSER_WAIT_MS as WAIT_MS
from tests.patience import HTTP_TIMEOUT, wait_for

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
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
ADMIN_KEY = "ob_demo_brioche_admin_key"


def _menus(hub: str) -> list[tuple[str, dict[str, Any]]]:
    """Each location's published menu, once the demo has imported them all."""
    headers = {"Authorization": f"Bearer {API_KEY}"}
    with httpx.Client(base_url=hub, headers=headers, timeout=HTTP_TIMEOUT) as client:

        def imported() -> list[tuple[str, dict[str, Any]]] | None:
            ids = [loc["id"] for loc in client.get("/api/v1/locations").json()["locations"]]
            answers = [client.get(f"/api/v1/locations/{i}/menu") for i in ids]
            if ids and all(a.status_code == 200 for a in answers):
                return [(i, a.json()) for i, a in zip(ids, answers, strict=True)]
            return None

        return wait_for(imported, timeout=60, what="the demo's menus imported", interval=0.1)


def _simple_line(menu: dict[str, Any]) -> dict[str, Any]:
    """An available item that needs no modifier, with its first variant if it has any."""
    for category in menu["categories"]:
        for item in category["items"]:
            needs_choice = any(group["min"] > 0 for group in item["modifier_groups"])
            if item["available"] and not needs_choice:
                variants = [v for v in item["variants"] if v["available"]]
                if item["variants"] and not variants:
                    continue
                line = {"item_id": item["id"], "quantity": 2}
                return line | ({"variant_id": variants[0]["id"]} if variants else {})
    raise AssertionError("no simple item on the demo menu")


@contextlib.contextmanager
def _demo(folder: Path) -> Iterator[str]:
    port, poster_port = free_port(), free_port()
    args = ["demo", "--port", str(port), "--poster-port", str(poster_port)]
    args += ["--wix-port", str(free_port()), "--db", str(folder / "d.db")]
    with orderbridge_process(
        args, ready_url=f"http://127.0.0.1:{port}/health", log=folder / "demo.log"
    ):
        yield f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("dashboard-demo")
    with on_free_ports(lambda: _demo(folder)) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=WAIT_MS
        )
        yield launched
        launched.close()


def place_order(hub: str) -> tuple[str, str]:
    """An order through the storefront API, as a website places it: (hub id, channel id)."""
    location_id, menu = _menus(hub)[0]
    channel_order_id = f"web-{int(time.time() * 1000)}"
    body = {
        "location_id": location_id,
        "channel_order_id": channel_order_id,
        "items": [_simple_line(menu)],
        "customer": {"name": "Олена", "phone": "+380671234567", "email": "olena@example.com"},
        "fulfillment": {"type": "pickup"},
        "note": "ring twice",
    }
    answer = httpx.post(
        f"{hub}/api/v1/orders",
        json=body,
        headers={"Authorization": f"Bearer {API_KEY}", "Idempotency-Key": channel_order_id},
        timeout=HTTP_TIMEOUT,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["id"], channel_order_id


def shot(page: Page, folder: Path, name: str) -> None:
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_operator_signs_in_follows_an_order_pauses_a_location_and_signs_out(
    hub: str, browser: Browser, tmp_path: Path
) -> None:
    order_id, channel_order_id = place_order(hub)
    page = browser.new_page(viewport={"width": 1366, "height": 800})
    page.set_default_timeout(WAIT_MS)

    page.goto(f"{hub}/admin/orders")
    expect(page).to_have_url(f"{hub}/admin/login?next=%2Fadmin%2Forders")
    shot(page, tmp_path, "01-login")
    page.fill("#api_key", ADMIN_KEY)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{hub}/admin/orders")

    row = page.locator("table.grid tbody tr", has_text=channel_order_id)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Олена")
    shot(page, tmp_path, "02-orders")

    row.get_by_role("link", name=channel_order_id).click()
    expect(page).to_have_url(f"{hub}/admin/orders/{order_id}")
    expect(page.locator("#timeline li").first).to_contain_text("order.received")

    # The demo's worker submits the order to the Poster sandbox within moments; the
    # page shows it once reloaded.
    def submitted_shown() -> bool:
        if page.locator("#timeline li", has_text="submitted").count():
            return True
        page.reload()
        return False

    wait_for(submitted_shown, what="the timeline's submitted entry", interval=0.2)
    expect(page.locator("main")).to_contain_text("+38••••••4567")
    expect(page.locator("main")).not_to_contain_text("+380671234567")
    shot(page, tmp_path, "03-order")

    page.get_by_role("link", name="Overview").click()
    location = page.locator("table.locations tbody tr").first
    expect(location).to_have_attribute("data-status", "open")
    location.locator("select[name=minutes]").select_option("60")
    location.locator("input[name=reason]").fill("kitchen full")
    location.get_by_role("button", name="Pause").click()
    location = page.locator("table.locations tbody tr").first
    expect(location).to_have_attribute("data-status", "paused")
    expect(location).to_contain_text("kitchen full")
    expect(page.locator(".flash.ok")).to_contain_text("Location paused")
    shot(page, tmp_path, "04-overview-paused")
    statuses = httpx.get(
        f"{hub}/api/v1/locations",
        headers={"Authorization": f"Bearer {API_KEY}"},
        timeout=HTTP_TIMEOUT,
    ).json()["locations"]
    assert "paused" in {loc["status"] for loc in statuses}

    location.get_by_role("button", name="Resume").click()
    expect(page.locator("table.locations tbody tr").first).to_have_attribute("data-status", "open")

    for name in ("Menu", "Connections", "Dead letters"):
        page.get_by_role("link", name=name, exact=True).click()
        expect(page.locator("h1")).to_contain_text(name)
        shot(page, tmp_path, f"05-{name.lower().replace(' ', '-')}")

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#api_key")).to_be_visible()
    page.goto(f"{hub}/admin")
    expect(page.locator("#api_key")).to_be_visible()
    page.close()


def test_operator_sees_reservations_snoozes_an_item_and_sets_busy_mode(
    hub: str, browser: Browser, tmp_path: Path
) -> None:
    """The Reservations page lists a booking made through the storefront API; the Menu
    page snoozes an item with its time left; the Overview turns busy mode on and off."""
    location_id, menu = next((i, m) for i, m in _menus(hub) if i == "loc_podil")
    booking_id = f"table-{int(time.time() * 1000)}"
    kyiv = ZoneInfo("Europe/Kyiv")
    tomorrow = datetime.now(kyiv).date() + timedelta(days=1)
    at = datetime.combine(tomorrow, datetime.min.time().replace(hour=19), kyiv)
    booked = httpx.post(
        f"{hub}/api/v1/reservations",
        json={
            "location_id": location_id,
            "channel_reservation_id": booking_id,
            "time": at.isoformat(),
            "duration_minutes": 90,
            "guests": 4,
            "table_id": "3",
            "customer": {"name": "Андрій", "phone": "+380677654321"},
        },
        headers={"Authorization": f"Bearer {API_KEY}"},
    )
    assert booked.status_code == 201, booked.text
    item = _simple_line(menu)["item_id"]

    page = browser.new_page(viewport={"width": 1366, "height": 800})
    page.set_default_timeout(WAIT_MS)
    page.goto(f"{hub}/admin/login")
    page.fill("#api_key", ADMIN_KEY)
    page.click("button[type=submit]")

    page.get_by_role("link", name="Reservations", exact=True).click()
    row = page.locator("table.reservations tbody tr", has_text=booking_id)
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Андрій")
    expect(row).to_contain_text(at.strftime("%d %b 19:00"))
    expect(page.locator("main")).not_to_contain_text("+380677654321")
    shot(page, tmp_path, "11-reservations")
    row.get_by_role("link", name=booking_id).click()
    expect(page.locator("#timeline li").first).to_contain_text("reservation.received")
    shot(page, tmp_path, "12-reservation")

    page.get_by_role("link", name="Menu", exact=True).click()
    page.locator("nav.tabs").get_by_role("link", name="Бріош на Подолі").click()
    form = page.locator(f"form.snooze-form:has(input[name=target_id][value='{item}'])").first
    form.locator("select[name=until]").select_option("30")
    form.get_by_role("button", name="Snooze").click()
    expect(page.locator(".flash.ok")).to_contain_text("Snoozed")
    snoozed = page.locator(f"#snoozes tr[data-snooze='{item}']")
    expect(snoozed).to_contain_text("min left")
    shot(page, tmp_path, "13-menu-snoozed")
    storefront = httpx.get(
        f"{hub}/api/v1/locations/{location_id}/menu",
        headers={"Authorization": f"Bearer {API_KEY}"},
    ).json()
    [found] = [i for c in storefront["categories"] for i in c["items"] if i["id"] == item]
    assert found["available"] is False
    snoozed.get_by_role("button", name="End now").click()
    expect(page.locator(f"#snoozes tr[data-snooze='{item}']")).to_have_count(0)

    page.get_by_role("link", name="Overview").click()
    location = page.locator(f"#location-{location_id}")
    location.locator("select[name=extra_minutes]").select_option("30")
    location.get_by_role("button", name="Busy").click()
    expect(page.locator(f"#location-{location_id} .busy")).to_contain_text("+30 min")
    shot(page, tmp_path, "14-overview-busy")
    page.locator(f"#location-{location_id}").get_by_role("button", name="End busy mode").click()
    expect(page.locator(f"#location-{location_id} .busy")).to_have_count(0)
    page.close()
