"""A real hub on a real database (SQLite and PostgreSQL) with two tenants, for the dashboard.

The café tenant has a location with the café menu of ``tests.unit.domain.cafe``, a
Poster connection linked to spot 1, an admin key and a storefront key, and orders are
placed through the storefront API exactly as a website would. A second tenant has a
location, an admin key and an order of its own, which the café must never see.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from orderbridge.bootstrap import Hub, build_hub
from orderbridge.config import Settings
from orderbridge.domain.menu import Menu
from orderbridge.storage import admin
from tests.integration.messaging.helpers import FakeClock
from tests.unit.domain import cafe
from tests.unit.web.bodies import order_body

TENANT = "ten_cafe"
OTHER = "ten_other"
LOCATION = cafe.LOCATION_ID
OTHER_LOCATION = "other-loc"
CONNECTION = "con_poster"
ADMIN_KEY = "ob_test_cafe_admin_key_0123456789"
STOREFRONT_KEY = "ob_test_cafe_storefront_key_0123456789"
OTHER_ADMIN_KEY = "ob_test_other_admin_key_0123456789"
OTHER_STOREFRONT_KEY = "ob_test_other_storefront_key_0123456789"
POSTER_TOKEN = "poster-secret-token-777"
APP_SECRET = "poster-app-secret-888"
PHONE = "+380671234567"
EMAIL = "olena@example.com"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Dashboard:
    """The hub, its clock, and a browser-like client of its dashboard."""

    hub: Hub
    clock: FakeClock
    client: TestClient

    def login(self, key: str = ADMIN_KEY) -> Any:
        """Sign in through the form, as a person would; returns the final response."""
        form = self.client.get("/admin/login")
        token = csrf_of(form.text)
        return self.client.post("/admin/login", data={"api_key": key, "csrf": token})

    def csrf(self, path: str = "/admin") -> str:
        return csrf_of(self.client.get(path).text)

    def place(self, channel_order_id: str, *, key: str = STOREFRONT_KEY, **changes: Any) -> str:
        """Place an order through the storefront API; returns its hub id."""
        body = order_body(channel_order_id=channel_order_id, **changes)
        body["fulfillment"] = {"type": "pickup"}
        answer = self.client.post(
            "/api/v1/orders", json=body, headers={"Authorization": f"Bearer {key}"}
        )
        assert answer.status_code == 201, answer.text
        order_id: str = answer.json()["id"]
        return order_id


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "no CSRF field on the page"
    return found.group(1)


def _menu_for(location_id: str) -> Menu:
    menu = cafe.cafe_menu()
    return Menu(location_id=location_id, currency=menu.currency, categories=menu.categories)


def seed(hub: Hub) -> None:
    with hub.sessions() as session, session.begin():
        admin.create_tenant(session, "Café Podil", tenant_id=TENANT)
        admin.issue_api_key(session, TENANT, scope="admin", key=ADMIN_KEY)
        admin.issue_api_key(session, TENANT, key=STOREFRONT_KEY)
        admin.create_location(
            session,
            TENANT,
            name="Podil",
            timezone="Europe/Kyiv",
            currency="UAH",
            location_id=LOCATION,
        )
        admin.create_connection(
            session,
            hub.cipher,
            TENANT,
            kind="poster",
            role="pos",
            name="Poster",
            credentials={"token": POSTER_TOKEN, "application_secret": APP_SECRET},
            settings={"account": "cafe-kyiv", "base_url": "http://poster.test"},
            external_account="cafe-kyiv",
            connection_id=CONNECTION,
        )
        admin.link_location(session, LOCATION, CONNECTION, "1")
        admin.create_tenant(session, "Other", tenant_id=OTHER)
        admin.issue_api_key(session, OTHER, scope="admin", key=OTHER_ADMIN_KEY)
        admin.issue_api_key(session, OTHER, key=OTHER_STOREFRONT_KEY)
        admin.create_location(
            session,
            OTHER,
            name="Elsewhere",
            timezone="Europe/Kyiv",
            currency="UAH",
            location_id=OTHER_LOCATION,
        )
    with hub.uow() as tx:
        tx.save_menu(_menu_for(LOCATION), source_connection_id=CONNECTION)
        tx.save_menu(_menu_for(OTHER_LOCATION), source_connection_id=None)
        tx.commit()


@pytest.fixture
def dash(db_url: str) -> Iterator[Dashboard]:
    clock = FakeClock(cafe.NOW)
    settings = Settings(database_url=db_url, secret_key=SecretStr("dashboard-test-secret-key"))
    hub = build_hub(settings, clock=clock)
    seed(hub)
    with TestClient(hub.app(), follow_redirects=False) as client:
        yield Dashboard(hub, clock, client)
    hub.engine.dispose()
