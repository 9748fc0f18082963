"""``/docs`` and ``/redoc`` in a real browser, offline: the viewers come from the hub
itself, and Swagger UI's "Authorize" sends the key with "Try it out"."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, Route, expect

# The dashboard tests' demo and browser, one of each for this module too.
from tests.browser.test_dashboard import API_KEY, WAIT_MS, shot
from tests.browser.test_dashboard import browser as browser
from tests.browser.test_dashboard import hub as hub

pytestmark = pytest.mark.browser


def offline_page(browser: Browser, hub: str) -> tuple[Page, list[str]]:
    """A page that may reach only the hub: anything else is refused and recorded."""
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(WAIT_MS)
    elsewhere: list[str] = []
    local = urlsplit(hub).netloc

    def guard(route: Route) -> None:
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == local:
            route.continue_()
        else:
            elsewhere.append(url)
            route.abort()

    page.route("**/*", guard)
    return page, elsewhere


def test_swagger_ui_works_offline_and_authorize_sends_the_key(
    hub: str, browser: Browser, tmp_path: Path
) -> None:
    page, elsewhere = offline_page(browser, hub)
    page.goto(f"{hub}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("orderbridge", timeout=WAIT_MS)
    shot(page, tmp_path, "01-docs")

    page.click("button.btn.authorize")
    dialog = page.locator(".modal-ux")
    dialog.locator("input").first.fill(API_KEY)
    dialog.locator("button.authorize").click()
    dialog.locator("button.btn-done").click()

    operation = page.locator("#operations-locations-list_locations_api_v1_locations_get")
    operation.locator(".opblock-summary").click()
    operation.locator("button.try-out__btn").click()
    operation.locator("button.execute").click()
    status = operation.locator(".live-responses-table .response .response-col_status")
    expect(status.first).to_have_text("200", timeout=WAIT_MS)
    expect(operation.locator(".live-responses-table")).to_contain_text("loc_podil", timeout=WAIT_MS)
    shot(page, tmp_path, "02-tried")
    assert elsewhere == []


def test_redoc_renders_offline(hub: str, browser: Browser, tmp_path: Path) -> None:
    page, elsewhere = offline_page(browser, hub)
    page.goto(f"{hub}/redoc")
    expect(page.locator("h1").first).to_contain_text("orderbridge", timeout=WAIT_MS)
    headings = page.locator("h2").all_inner_texts()
    assert {"Receive a Poster webhook", "Create Order", "Read Menu"} <= set(headings)
    shot(page, tmp_path, "03-redoc")
    assert elsewhere == []
