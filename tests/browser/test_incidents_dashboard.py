"""Failures on the dashboard, in a real browser against ``orderbridge demo``.

The Poster sandbox stops accepting the demo's token; an order placed then fails, and
the operator sees it on the Overview as an open incident (with the connection that
needs re-authorising), adds an alert destination on the Alerts page (its secret shown
once), gets the token back, replays the order, and sees the incidents gone.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from orderbridge.sandboxes.poster.seed import DEMO_TOKEN
from tests.browser.test_dashboard import ADMIN_KEY, CHROMIUM, CHROMIUM_ARGS, WAIT_MS, shot
from tests.e2e.poster_demo import DEMO_LOCATION_IDS, order_body
from tests.e2e.servers import free_port, orderbridge_process
from tests.patience import wait_for

pytestmark = pytest.mark.browser

API_KEY = "ob_demo_brioche_storefront_key"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """``orderbridge demo`` on free ports: (hub URL, Poster sandbox URL)."""
    folder = tmp_path_factory.mktemp("incidents-demo")
    port, poster_port = free_port(), free_port()
    args = ["demo", "--port", str(port), "--poster-port", str(poster_port)]
    args += ["--wix-port", str(free_port()), "--db", str(folder / "d.db")]
    hub = f"http://127.0.0.1:{port}"
    with orderbridge_process(args, ready_url=f"{hub}/health", log=folder / "demo.log"):
        # The menus first: the test revokes the demo's token, and a menu not imported
        # by then never will be (the order would be refused, not failed).
        headers = {"Authorization": f"Bearer {API_KEY}"}
        for location in DEMO_LOCATION_IDS:
            wait_for(
                lambda at=location: (
                    httpx.get(f"{hub}/api/v1/locations/{at}/menu", headers=headers).status_code
                    == 200
                ),
                what=f"{location}'s menu published",
            )
        yield hub, f"http://127.0.0.1:{poster_port}"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def _order_status(hub: str, order_id: str) -> str:
    answer = httpx.get(
        f"{hub}/api/v1/orders/{order_id}", headers={"Authorization": f"Bearer {API_KEY}"}
    )
    return str(answer.json()["status"])


def _wait_status(hub: str, order_id: str, status: str) -> None:
    deadline = time.monotonic() + 60
    while _order_status(hub, order_id) != status:
        assert time.monotonic() < deadline, f"order {order_id} never became {status}"
        time.sleep(0.1)


def _place(hub: str, channel_order_id: str) -> str:
    deadline = time.monotonic() + 60
    headers = {"Authorization": f"Bearer {API_KEY}"}
    while httpx.get(f"{hub}/api/v1/locations/loc_podil/menu", headers=headers).status_code != 200:
        assert time.monotonic() < deadline, "the demo's menu was never imported"
        time.sleep(0.1)
    answer = httpx.post(f"{hub}/api/v1/orders", json=order_body(channel_order_id), headers=headers)
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def _reload_until(page: Page, selector: str, count: int) -> None:
    """Reload until ``selector`` matches ``count`` elements (the worker is quick but
    not instant), then check it once more the strict way."""
    for _ in range(100):
        if page.locator(selector).count() == count:
            break
        time.sleep(0.2)
        page.reload()
    expect(page.locator(selector)).to_have_count(count)


def test_a_failed_order_shows_as_an_incident_until_it_is_replayed(
    demo: tuple[str, str], browser: Browser, tmp_path: Path
) -> None:
    hub, poster = demo
    revoked = httpx.post(f"{poster}/_sandbox/tokens/revoke", json={"token": DEMO_TOKEN})
    assert revoked.status_code == 200
    channel_order_id = f"web-{int(time.time() * 1000)}"
    order_id = _place(hub, channel_order_id)
    _wait_status(hub, order_id, "failed")

    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(WAIT_MS)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{hub}/admin/login")
    page.fill("#api_key", ADMIN_KEY)
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{hub}/admin")

    section = page.locator("#incidents")
    expect(section).to_contain_text("Needs attention")
    failed = section.locator('tr[data-kind="order.failed"]')
    expect(failed).to_have_count(1)
    expect(failed).to_contain_text(channel_order_id)
    expect(failed).to_contain_text("reauth_required")
    expect(section.locator('tr[data-kind="connection.needs_reauth"]')).to_have_count(1)
    shot(page, tmp_path, "01-overview-incidents")

    page.get_by_role("link", name="Alerts", exact=True).click()
    expect(page.locator("h1")).to_contain_text("Alerts")
    expect(page.locator('#open-incidents tr[data-kind="order.failed"]')).to_have_count(1)
    page.fill("#add-destination input[name=url]", f"http://127.0.0.1:{free_port()}/alerts")
    page.fill("#add-destination input[name=description]", "#kitchen-ops")
    page.check('#add-destination input[value="order.failed"]')
    page.get_by_role("button", name="Add destination").click()
    expect(page.locator("#created-secret")).to_contain_text("whsec_")
    expect(page.locator("#destinations tbody tr")).to_have_count(1)
    shot(page, tmp_path, "02-alerts-destination-added")

    httpx.post(f"{poster}/_sandbox/tokens/restore", json={"token": DEMO_TOKEN})
    failed_link = page.locator('#open-incidents tr[data-kind="order.failed"] a').first
    failed_link.click()
    expect(page).to_have_url(f"{hub}/admin/orders/{order_id}")
    page.get_by_role("button", name="Replay").click()
    expect(page.locator(".flash.ok")).to_contain_text("queued for submission")
    _wait_status(hub, order_id, "submitted")

    page.get_by_role("link", name="Overview").click()
    _reload_until(page, "#incidents tr.incident", 0)
    expect(page.locator("#incidents")).to_have_count(0)
    shot(page, tmp_path, "03-overview-clear")
    page.close()
