"""The dashboard's set-up pages in Chromium, against ``orderbridge demo``: the operator
tests and syncs the Poster connection, replaces its token, sees a refused connection
explained, issues and revokes a storefront key, subscribes a webhook endpoint, and
changes a location's price policy — by clicking, as a person would."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.test_dashboard import ADMIN_KEY, WAIT_MS, shot
from tests.browser.test_dashboard import browser as browser
from tests.browser.test_dashboard import hub as hub

pytestmark = pytest.mark.browser
DEMO_TOKEN = "687409:4164553abf6a031302898da7800b59fb"


def signed_in(hub: str, browser: Browser) -> Page:
    page = browser.new_page(viewport={"width": 1366, "height": 900})
    page.set_default_timeout(WAIT_MS)
    page.on("dialog", lambda dialog: dialog.accept())  # the "are you sure?" questions
    page.goto(f"{hub}/admin/login")
    page.fill("#api_key", ADMIN_KEY)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_be_visible()
    return page


def test_connections_page_tests_syncs_and_replaces_the_token(
    hub: str, browser: Browser, tmp_path: Path
) -> None:
    page = signed_in(hub, browser)
    page.get_by_role("link", name="Connections", exact=True).click()
    card = page.locator("section.connection", has_text="Poster (sandbox)")
    expect(card).to_contain_text("application_secret, token")
    card.get_by_role("button", name="Test").click()
    card = page.locator("section.connection", has_text="Poster (sandbox)")
    expect(card.locator("[data-outcome=ok]")).to_contain_text("poster answered: 2 places")
    card.get_by_role("button", name="Sync menus now").click()
    card = page.locator("section.connection", has_text="Poster (sandbox)")
    expect(card.locator("[data-outcome=ok]")).to_contain_text("Menus imported for 2 location(s)")
    shot(page, tmp_path, "01-connection-synced")

    card.locator("input[name=token]").fill(DEMO_TOKEN)
    card.get_by_role("button", name="Replace token").click()
    expect(page.locator("[data-outcome=ok]").first).to_contain_text("Credentials replaced")
    expect(page.locator("main")).not_to_contain_text(DEMO_TOKEN)

    admin = {"Authorization": f"Bearer {ADMIN_KEY}"}
    [poster] = httpx.get(f"{hub}/api/v1/admin/connections", headers=admin).json()["connections"][:1]
    adding = page.locator("#add-poster")
    adding.locator("input[name=token]").fill("687409:ffffffffffffffffffffffffffffffff")
    adding.locator("input[name=base_url]").fill(poster["settings"]["base_url"])
    adding.get_by_role("button", name="Connect Poster").click()
    expect(page.locator("[data-outcome=bad]")).to_contain_text("credentials_refused")
    shot(page, tmp_path, "02-connection-refused")

    page.get_by_role("link", name="Menu", exact=True).click()
    expect(page.locator("#read-only")).to_contain_text("read-only")
    expect(page.locator("#read-only")).to_contain_text("Poster (sandbox)")
    page.close()


def test_keys_webhooks_and_location_settings(hub: str, browser: Browser, tmp_path: Path) -> None:
    page = signed_in(hub, browser)
    page.get_by_role("link", name="Keys", exact=True).click()
    form = page.locator("#new-key")
    form.locator("select[name=scope]").select_option("storefront")
    form.locator("input[name=name]").fill("kiosk")
    form.get_by_role("button", name="Create key").click()
    key = page.locator("#shown-secret").inner_text()
    assert key.startswith("ob_")
    shot(page, tmp_path, "03-key-shown-once")
    locations = httpx.get(f"{hub}/api/v1/locations", headers={"Authorization": f"Bearer {key}"})
    assert locations.status_code == 200
    row = page.locator("#keys tbody tr", has_text="kiosk")
    row.get_by_role("button", name="Revoke").click()
    expect(page.locator("#keys tbody tr", has_text="kiosk")).to_contain_text("revoked")
    refused = httpx.get(f"{hub}/api/v1/locations", headers={"Authorization": f"Bearer {key}"})
    assert refused.status_code == 401

    page.get_by_role("link", name="Webhooks", exact=True).click()
    endpoint = page.locator("#new-endpoint")
    endpoint.locator("input[name=url]").fill("http://127.0.0.1:9/hooks/orders")
    endpoint.get_by_role("button", name="Add endpoint").click()
    expect(page.locator("#shown-secret")).to_contain_text("whsec_")
    expect(page.locator("#endpoints")).to_contain_text("http://127.0.0.1:9/hooks/orders")
    shot(page, tmp_path, "04-webhook-added")

    page.get_by_role("link", name="Locations", exact=True).click()
    card = page.locator("section.connection").first
    card.locator("select[name=price_policy]").select_option("strict")
    card.get_by_role("button", name="Save").click()
    expect(page.locator("[data-outcome=ok]")).to_contain_text("Location saved")
    expect(
        page.locator("section.connection").first.locator("select[name=price_policy]")
    ).to_have_value("strict")
    shot(page, tmp_path, "05-location-saved")
    page.close()


def test_connections_page_makes_a_poster_install_link_that_opens_the_consent_page(
    hub: str, browser: Browser, tmp_path: Path
) -> None:
    """Marketplace mode (the demo has application 76): the operator makes a link for
    the owner, which holds no key and opens Poster's consent page."""
    page = signed_in(hub, browser)
    page.goto(f"{hub}/admin/connections")
    page.locator("#poster-install-link").get_by_role("button", name="Create install link").click()
    outcome = page.locator("[data-outcome=ok]").first
    expect(outcome).to_contain_text("Give this link to the restaurant's owner")
    link = page.locator("#shown-secret").inner_text()
    assert link.startswith(f"{hub}/connect/poster?link=") and ADMIN_KEY not in link
    shot(page, tmp_path, "06-install-link")
    owner = browser.new_page()
    owner.set_default_timeout(WAIT_MS)
    owner.goto(link)
    expect(owner.locator("h1")).to_contain_text("Allow")  # the sandbox's consent page
    owner.close()
