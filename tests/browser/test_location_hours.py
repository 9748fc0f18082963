"""Opening hours edited on the Locations page in Chromium, against ``orderbridge demo``:
the operator closes Podil by its hours and the storefront API says it is closed; types
overlapping hours and sees the problem at that day's box with nothing saved; then opens
it around now and the storefront says it is open again, with the hours the page set.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Locator, expect

from tests.browser.test_dashboard import API_KEY, shot
from tests.browser.test_dashboard import browser as browser
from tests.browser.test_dashboard import hub as hub
from tests.browser.test_setup_pages import signed_in
from tests.patience import HTTP_TIMEOUT, wait_for

pytestmark = pytest.mark.browser
PODIL = "loc_podil"
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _storefront(hub: str) -> dict[str, Any]:
    answer = httpx.get(
        f"{hub}/api/v1/locations/{PODIL}",
        headers={"Authorization": f"Bearer {API_KEY}"},
        timeout=HTTP_TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def _fill_week(form: Locator, text: str) -> None:
    for day in DAYS:
        form.locator(f"input[name={day}]").fill(text)


def _card(page: Any) -> Locator:
    return page.locator(f"section#{PODIL}")


def test_hours_edited_on_the_page_open_and_close_the_storefront(
    hub: str, browser: Browser, tmp_path: Path
) -> None:
    wait_for(lambda: _storefront(hub)["status"] == "open", what="Podil open", timeout=60)
    page = signed_in(hub, browser)
    page.get_by_role("link", name="Locations", exact=True).click()
    card = _card(page)
    expect(card.locator("[data-hours-summary]")).to_have_text("open around the clock")

    card.locator("details.hours summary").click()
    form = card.locator("[data-hours-form]")
    _fill_week(form, "closed")
    form.locator("textarea[name=exceptions]").fill("2031-01-01 closed New Year")
    form.get_by_role("button", name="Set opening hours").click()
    expect(page.locator("[data-outcome=ok]").first).to_contain_text("Opening hours saved")
    assert _storefront(hub)["status"] == "closed"
    expect(_card(page).locator("[data-hours-summary]")).to_contain_text("closed")
    shot(page, tmp_path, "01-closed-by-its-hours")

    form = _card(page).locator("[data-hours-form]")
    form.locator("input[name=friday]").fill("10:00-14:00, 13:00-18:00")
    form.get_by_role("button", name="Set opening hours").click()
    problem = _card(page).locator(".field-error")
    expect(problem).to_contain_text("overlaps")
    expect(problem).to_have_attribute("data-field", "weekly.friday[1]")
    friday = _card(page).locator("input[name=friday]")
    expect(friday).to_have_attribute("aria-invalid", "true")
    expect(friday).to_have_value("10:00-14:00, 13:00-18:00")  # as typed, to correct it
    shot(page, tmp_path, "02-overlap-refused")
    assert _storefront(hub)["hours"]["weekly"]["friday"] == []  # nothing written

    local = datetime.now(ZoneInfo(_storefront(hub)["timezone"]))
    opens, closes = local - timedelta(hours=1), local + timedelta(hours=2)
    around_now = f"{opens:%H}:00-{closes:%H}:00"  # may run past midnight: allowed
    form = _card(page).locator("[data-hours-form]")
    _fill_week(form, around_now)
    form.get_by_role("button", name="Set opening hours").click()
    expect(page.locator("[data-outcome=ok]").first).to_contain_text("Opening hours saved")
    location = _storefront(hub)
    assert location["status"] == "open"
    opened = {"opens": f"{opens:%H}:00", "closes": f"{closes:%H}:00"}
    assert location["hours"]["weekly"] == {day: [opened] for day in DAYS}
    assert location["hours"]["exceptions"][0]["reason"] == "New Year"
    expect(_card(page).locator("[data-hours-summary]")).to_contain_text("open now, closes")
    shot(page, tmp_path, "03-open-by-its-hours")

    _card(page).get_by_role("button", name="Open around the clock").click()
    expect(page.locator("[data-outcome=ok]").first).to_contain_text("open around the clock")
    assert _storefront(hub)["hours"] is None
    page.close()
