"""Only an admin key of the tenant gets in; sessions are signed, scoped and CSRF-checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.web.dashboard.session import SESSION_COOKIE
from tests.integration.dashboard.conftest import (
    ADMIN_KEY,
    LOCATION,
    STOREFRONT_KEY,
    Dashboard,
    csrf_of,
)

PAGES = ["/admin", "/admin/orders", "/admin/orders/ord_x", "/admin/deadletters"]
PAGES += ["/admin/menu", "/admin/connections", "/admin/locations", "/admin/keys", "/admin/webhooks"]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_redirects_to_login_without_a_session(dash: Dashboard, path: str) -> None:
    answer = dash.client.get(path)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/admin/login?next=")


def test_admin_key_signs_in_with_a_strict_httponly_signed_cookie(dash: Dashboard) -> None:
    answer = dash.login()
    assert answer.status_code == 303 and answer.headers["location"] == "/admin"
    cookie = answer.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie and "path=/admin" in cookie
    assert ADMIN_KEY not in answer.headers["set-cookie"]
    assert dash.client.get("/admin").status_code == 200


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(dash: Dashboard) -> None:
    token = csrf_of(dash.client.get("/admin/login?next=/admin/menu").text)
    form = {"api_key": ADMIN_KEY, "csrf": token, "next": "/admin/menu"}
    assert dash.client.post("/admin/login", data=form).headers["location"] == "/admin/menu"
    dash.client.cookies.clear()
    token = csrf_of(dash.client.get("/admin/login").text)
    form = {"api_key": ADMIN_KEY, "csrf": token, "next": "https://evil.example/admin"}
    assert dash.client.post("/admin/login", data=form).headers["location"] == "/admin"


def test_unknown_key_is_refused(dash: Dashboard) -> None:
    answer = dash.login("ob_not_a_key")
    assert answer.status_code == 401
    assert "Unknown or revoked" in answer.text
    assert SESSION_COOKIE not in dash.client.cookies
    assert dash.client.get("/admin").status_code == 303


def test_storefront_key_is_refused(dash: Dashboard) -> None:
    answer = dash.login(STOREFRONT_KEY)
    assert answer.status_code == 403
    assert "insufficient_scope" in answer.text
    assert "admin key" in answer.text
    assert dash.client.get("/admin").status_code == 303


def test_sign_in_without_its_csrf_token_is_refused(dash: Dashboard) -> None:
    dash.client.get("/admin/login")
    answer = dash.client.post("/admin/login", data={"api_key": ADMIN_KEY, "csrf": "forged"})
    assert answer.status_code == 403
    assert dash.client.get("/admin").status_code == 303


def test_a_tampered_cookie_is_no_session(dash: Dashboard) -> None:
    dash.login()
    value = dash.client.cookies[SESSION_COOKIE]
    payload, mac = value.split(".")
    dash.client.cookies.set(SESSION_COOKIE, payload + "." + mac[::-1], path="/admin")
    assert dash.client.get("/admin").status_code == 303


def test_the_session_expires(dash: Dashboard) -> None:
    dash.login()
    dash.clock.advance(13 * 3600)
    assert dash.client.get("/admin").status_code == 303


def test_revoking_the_key_ends_its_sessions(dash: Dashboard) -> None:
    dash.login()
    with dash.hub.sessions() as session, session.begin():
        key_id = session.scalar(select(t.ApiKey.id).where(t.ApiKey.scope == "admin"))
        assert key_id is not None
        admin.revoke_api_key(session, key_id)
    assert dash.client.get("/admin").status_code == 303


def test_posts_without_the_csrf_token_are_refused(dash: Dashboard) -> None:
    dash.login()
    for path in [
        f"/admin/locations/{LOCATION}/pause",
        "/admin/deadletters/retry-all",
        "/admin/logout",
    ]:
        assert dash.client.post(path, data={}).status_code == 403
        assert dash.client.post(path, data={"csrf": "not-the-token"}).status_code == 403
    assert "badge s-open" in dash.client.get("/admin").text  # nothing was paused


def test_a_csrf_token_of_another_session_is_refused(dash: Dashboard) -> None:
    dash.login()
    old = dash.csrf()
    dash.client.cookies.clear()
    dash.login()
    answer = dash.client.post(f"/admin/locations/{LOCATION}/pause", data={"csrf": old})
    assert answer.status_code == 403


def test_sign_out_ends_the_session(dash: Dashboard) -> None:
    dash.login()
    answer = dash.client.post("/admin/logout", data={"csrf": dash.csrf()})
    assert answer.status_code == 303 and answer.headers["location"].startswith("/admin/login")
    assert dash.client.get("/admin").status_code == 303


def test_pages_forbid_framing_and_foreign_scripts(dash: Dashboard) -> None:
    dash.login()
    headers = dash.client.get("/admin").headers
    assert "default-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
