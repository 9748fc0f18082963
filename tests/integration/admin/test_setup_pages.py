"""The dashboard's set-up pages, as an operator clicks through them: connect Poster, test,
sync, replace the token, remove; issue and revoke keys; add webhook endpoints; change a
location's settings. Forms only: no API calls."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from orderbridge.sandboxes.poster.seed import DEMO_TOKEN
from orderbridge.storage import tables as t
from tests.integration.admin.setup_support import POSTER, REFUSED_TOKEN, Setup
from tests.integration.dashboard.conftest import csrf_of
from tests.integration.support.api import bearer

SHOWN = re.compile(r'<code class="mono" id="shown-secret">([^<]+)</code>')


@pytest.fixture
def browser(setup: Setup) -> Iterator[TestClient]:
    """A signed-in operator's browser (cookies kept, redirects not followed)."""
    with TestClient(setup.hub.app(), follow_redirects=False) as client:
        token = csrf_of(client.get("/admin/login").text)
        signed = client.post("/admin/login", data={"api_key": setup.admin_key, "csrf": token})
        assert signed.status_code == 303
        yield client


def post(browser: TestClient, path: str, page: str, **form: str) -> object:
    return browser.post(path, data={"csrf": csrf_of(browser.get(page).text), **form})


def _connect(browser: TestClient) -> str:
    answer = post(
        browser,
        "/admin/connections",
        "/admin/connections",
        kind="poster",
        token=DEMO_TOKEN,
        base_url=POSTER,
    )
    assert answer.status_code == 303, answer.text  # type: ignore[attr-defined]
    location = answer.headers["location"]  # type: ignore[attr-defined]
    assert "done=connected" in location
    return location.split("id=")[1]


def test_connect_test_sync_replace_and_remove(browser: TestClient, setup: Setup) -> None:
    connection_id = _connect(browser)
    page = browser.get(f"/admin/connections?done=connected&id={connection_id}").text
    assert "Connected. Its menus are being imported." in page
    assert "Бріош на Подолі" in page and "Brioche Pechersk" in page
    assert "http://hub.test/webhooks/poster" in page and DEMO_TOKEN not in page

    tested = post(browser, f"/admin/connections/{connection_id}/test", "/admin/connections")
    assert 'data-outcome="ok"' in tested.text and "2 places" in tested.text  # type: ignore[attr-defined]
    synced = post(browser, f"/admin/connections/{connection_id}/sync", "/admin/connections")
    assert "Menus imported for 2 location(s); 2 changed." in synced.text  # type: ignore[attr-defined]
    menu = browser.get("/admin/menu").text
    assert 'id="read-only"' in menu and "comes from Poster api-demo (poster)" in menu

    refused = post(
        browser,
        f"/admin/connections/{connection_id}/credentials",
        "/admin/connections",
        token=REFUSED_TOKEN,
    )
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "credentials_refused" in refused.text and REFUSED_TOKEN not in refused.text  # type: ignore[attr-defined]
    replaced = post(
        browser,
        f"/admin/connections/{connection_id}/credentials",
        "/admin/connections",
        token=DEMO_TOKEN,
    )
    assert "done=replaced" in replaced.headers["location"]  # type: ignore[attr-defined]

    removed = post(browser, f"/admin/connections/{connection_id}/remove", "/admin/connections")
    assert "done=removed" in removed.headers["location"]  # type: ignore[attr-defined]
    assert setup.count(t.Connection) == 0 and setup.count(t.Location) == 2


def test_a_refused_token_shows_why_and_stores_nothing(browser: TestClient, setup: Setup) -> None:
    answer = post(
        browser,
        "/admin/connections",
        "/admin/connections",
        kind="poster",
        token=REFUSED_TOKEN,
        base_url=POSTER,
    )
    assert answer.status_code == 422  # type: ignore[attr-defined]
    assert "credentials_refused" in answer.text and "credentials.token" in answer.text  # type: ignore[attr-defined]
    assert setup.count(t.Connection) == 0


def test_any_kind_connects_with_json_credentials_and_settings(
    browser: TestClient, setup: Setup
) -> None:
    """The form for any registry kind takes what the admin API's body takes."""
    page = browser.get("/admin/connections").text
    assert 'id="add-any"' in page and '<option value="poster">' in page
    for credentials, settings, code in [
        ('{"token": ', "{}", "malformed_json"),
        (f'["{DEMO_TOKEN}"]', "{}", "invalid_type"),
        (f'{{"token": "{DEMO_TOKEN}"}}', '{"base_url": 1', "malformed_json"),
    ]:
        bad = post(
            browser,
            "/admin/connections",
            "/admin/connections",
            kind="poster",
            credentials_json=credentials,
            settings_json=settings,
        )
        assert bad.status_code == 422 and code in bad.text, bad.text  # type: ignore[attr-defined]
        assert DEMO_TOKEN not in bad.text  # type: ignore[attr-defined]
    assert setup.count(t.Connection) == 0
    added = post(
        browser,
        "/admin/connections",
        "/admin/connections",
        kind="poster",
        name="Poster by JSON",
        credentials_json=f'{{"token": "{DEMO_TOKEN}"}}',
        settings_json=f'{{"base_url": "{POSTER}"}}',
    )
    assert "done=connected" in added.headers["location"]  # type: ignore[attr-defined]
    connection_id = added.headers["location"].split("id=")[1]  # type: ignore[attr-defined]
    listed = setup.admin.get(f"/api/v1/admin/connections/{connection_id}").json()
    assert listed["name"] == "Poster by JSON" and len(listed["locations"]) == 2
    page = browser.get("/admin/connections").text
    assert 'name="token" placeholder="new token"' in page  # the kind's own secret

    replaced = post(
        browser,
        f"/admin/connections/{connection_id}/credentials",
        "/admin/connections",
        credentials_json=f'{{"token": "{DEMO_TOKEN}"}}',
    )
    assert "done=replaced" in replaced.headers["location"]  # type: ignore[attr-defined]
    unknown = post(
        browser,
        f"/admin/connections/{connection_id}/credentials",
        "/admin/connections",
        credentials_json='{"tokn": "x"}',
    )
    assert unknown.status_code == 422 and "unknown_field" in unknown.text  # type: ignore[attr-defined]


def test_a_key_is_shown_once_and_revoked(browser: TestClient, setup: Setup) -> None:
    created = post(browser, "/admin/keys", "/admin/keys", scope="storefront", name="website")
    assert created.status_code == 200  # type: ignore[attr-defined]
    found = SHOWN.search(created.text)  # type: ignore[attr-defined]
    assert found is not None
    key = found.group(1)
    assert key not in browser.get("/admin/keys").text
    api = TestClient(setup.hub.app(), headers=bearer(key))
    assert api.get("/api/v1/locations").status_code == 200
    key_id = re.findall(r'<tr id="(key_[0-9a-f]+)">', browser.get("/admin/keys").text)[-1]
    revoked = post(browser, f"/admin/keys/{key_id}/revoke", "/admin/keys")
    assert "done=revoked" in revoked.headers["location"]  # type: ignore[attr-defined]
    assert api.get("/api/v1/locations").status_code == 401
    again = post(browser, f"/admin/keys/{key_id}/revoke", "/admin/keys")
    assert again.status_code == 409 and "already_revoked" in again.text  # type: ignore[attr-defined]


def test_webhook_endpoints_from_the_dashboard(browser: TestClient, setup: Setup) -> None:
    added = browser.post(
        "/admin/webhooks",
        data={
            "csrf": csrf_of(browser.get("/admin/webhooks").text),
            "url": "http://127.0.0.1:9/hooks",
            "events": ["order.accepted", "order.failed"],
        },
    )
    found = SHOWN.search(added.text)
    assert added.status_code == 200 and found is not None and found.group(1).startswith("whsec_")
    listed = setup.admin.get("/api/v1/webhooks").json()
    assert [(e["url"], e["events"]) for e in listed] == [
        ("http://127.0.0.1:9/hooks", ["order.accepted", "order.failed"])
    ]
    endpoint_id = listed[0]["id"]
    rotated = post(browser, f"/admin/webhooks/{endpoint_id}/rotate", "/admin/webhooks")
    new = SHOWN.search(rotated.text)  # type: ignore[attr-defined]
    assert new is not None and new.group(1) != found.group(1)
    bad = browser.post(
        "/admin/webhooks",
        data={
            "csrf": csrf_of(browser.get("/admin/webhooks").text),
            "url": "ftp://x",
            "events": ["order.failed"],
        },
    )
    assert bad.status_code == 422 and "url" in bad.text
    deleted = post(browser, f"/admin/webhooks/{endpoint_id}/delete", "/admin/webhooks")
    assert "done=deleted" in deleted.headers["location"]  # type: ignore[attr-defined]
    assert setup.admin.get("/api/v1/webhooks").json() == []


def test_location_settings(browser: TestClient, setup: Setup) -> None:
    _connect(browser)
    page = browser.get("/admin/locations").text
    location_id = re.findall(r'<section class="card connection" id="([^"]+)">', page)[0]
    path = f"/admin/locations/{location_id}/settings"
    bad = post(
        browser,
        path,
        "/admin/locations",
        name="Podil",
        timezone="Mars/Olympus",
        price_policy="menu",
    )
    assert bad.status_code == 422 and "invalid_timezone" in bad.text  # type: ignore[attr-defined]
    saved = post(
        browser,
        path,
        "/admin/locations",
        name="Подол",
        timezone="Europe/Warsaw",
        price_policy="strict",
    )
    assert "done=saved" in saved.headers["location"]  # type: ignore[attr-defined]
    read = setup.admin.get(f"/api/v1/admin/locations/{location_id}").json()
    assert (read["name"], read["timezone"], read["price_policy"]) == (
        "Подол",
        "Europe/Warsaw",
        "strict",
    )


def test_forms_without_the_csrf_token_are_refused(browser: TestClient, setup: Setup) -> None:
    answer = browser.post("/admin/keys", data={"scope": "admin"})
    assert answer.status_code == 403
    assert setup.count(t.ApiKey) == 3  # the seeded ones only
