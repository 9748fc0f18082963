"""A POS without a set-up of its own — the generic REST POS, driven by a manifest —
connected with the admin API and the dashboard only: the registry's settings check,
then its places read with ``fetch_locations()`` before anything is stored. Against the
Countertop sandbox listening on a free port of 127.0.0.1."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from orderbridge.bootstrap import Hub, build_hub
from orderbridge.config import Settings
from orderbridge.connectors import rest_pos as rest_pos_package
from orderbridge.sandboxes.rest_pos.app import create_app
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox
from orderbridge.sandboxes.rest_pos.seed import DEMO_API_KEY, DEMO_WEBHOOK_SECRET, demo_world
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from tests.e2e.servers import free_port, serve_in_thread
from tests.integration.admin.setup_support import CONNECTIONS, TENANT
from tests.integration.dashboard.conftest import csrf_of
from tests.integration.support.api import bearer, error_of

pytestmark = pytest.mark.e2e
CREDENTIALS = {"api_key": DEMO_API_KEY, "webhook_secret": DEMO_WEBHOOK_SECRET}
MANIFESTS = Path(rest_pos_package.__file__).parent / "manifests"


@pytest.fixture(scope="module")
def countertop() -> Iterator[str]:
    with serve_in_thread(create_app(CountertopSandbox(demo_world())), free_port()) as base:
        yield base


@dataclass
class Rest:
    hub: Hub
    admin: TestClient
    admin_key: str
    base: str

    def body(self, **changes: Any) -> dict[str, Any]:
        body = {
            "kind": "rest_pos",
            "credentials": dict(CREDENTIALS),
            "settings": {"manifest": "sandbox", "base_url": self.base},
        }
        return body | changes

    def connections(self) -> int:
        with self.hub.sessions() as session:
            return len(session.query(t.Connection).all())


@pytest.fixture
def rest(db_url: str, countertop: str) -> Iterator[Rest]:
    settings = Settings(
        database_url=db_url,
        secret_key=SecretStr("rest-setup-tests"),
        base_url="http://hub.test",
        allow_private_urls=True,  # the sandbox listens on loopback
    )
    hub = build_hub(settings)
    with hub.sessions() as session, session.begin():
        admin.create_tenant(session, "Countertop café", tenant_id=TENANT)
        admin_key = admin.issue_api_key(session, TENANT, scope="admin").key
    yield Rest(hub, TestClient(hub.app(), headers=bearer(admin_key)), admin_key, countertop)
    hub.engine.dispose()


def test_a_manifest_pos_brings_a_location_per_store(rest: Rest) -> None:
    answer = rest.admin.post(CONNECTIONS, json=rest.body())
    assert answer.status_code == 201, answer.text
    added = answer.json()
    assert (added["kind"], added["role"], added["status"]) == ("rest_pos", "pos", "active")
    assert added["credentials"] == ["api_key", "webhook_secret"]
    assert added["webhook_url"] == f"http://hub.test/webhooks/pos/{added['id']}"
    stores = {x["external_id"]: x["created"] for x in added["locations"]}
    assert stores == {"st_podil": True, "st_pechersk": True}
    locations = rest.admin.get("/api/v1/admin/locations").json()["locations"]
    assert {x["currency"] for x in locations} == {"UAH"}
    tested = rest.admin.post(f"{CONNECTIONS}/{added['id']}/test").json()
    assert tested["ok"] is True and "2 places" in tested["said"]
    synced = rest.admin.post(f"{CONNECTIONS}/{added['id']}/sync").json()["locations"]
    assert len(synced) == 2 and all(outcome["version"] for outcome in synced.values())
    assert DEMO_API_KEY not in rest.admin.get(CONNECTIONS).text


@pytest.mark.parametrize(
    ("changes", "status", "code"),
    [
        ({"credentials": {"api_key": "ct_live_nope"}}, 422, "invalid_value"),
        (
            {"credentials": {**CREDENTIALS, "api_key": "ct_live_revoked_000000000000"}},
            422,
            "credentials_refused",
        ),
        ({"credentials": {**CREDENTIALS, "token": "x"}}, 422, "invalid_value"),
        ({"settings": {"manifest": "nowhere"}}, 422, "invalid_value"),
    ],
)
def test_a_bad_connection_stores_nothing(
    rest: Rest, changes: dict[str, Any], status: int, code: str
) -> None:
    answer = rest.admin.post(CONNECTIONS, json=rest.body(**changes))
    assert error_of(answer)[:2] == (status, code), answer.text
    assert DEMO_API_KEY not in answer.text
    assert rest.connections() == 0


def test_the_dashboard_connects_any_kind(rest: Rest) -> None:
    with TestClient(rest.hub.app(), follow_redirects=False) as browser:
        token = csrf_of(browser.get("/admin/login").text)
        browser.post("/admin/login", data={"api_key": rest.admin_key, "csrf": token})
        page = browser.get("/admin/connections").text
        assert '<option value="rest_pos">' in page
        added = browser.post(
            "/admin/connections",
            data={
                "csrf": csrf_of(page),
                "kind": "rest_pos",
                "credentials_json": json.dumps(CREDENTIALS),
                "settings_json": json.dumps({"manifest": "sandbox", "base_url": rest.base}),
            },
        )
        assert "done=connected" in added.headers["location"], added.text
        page = browser.get("/admin/connections").text
        # Its credentials are replaced as a JSON object: it has no single token.
        assert 'name="credentials_json" rows="2"' in page and DEMO_API_KEY not in page
    assert rest.connections() == 1


def test_a_pos_that_does_not_say_the_currency_links_locations_made_by_hand(
    rest: Rest,
) -> None:
    """Its manifest maps no currency: the operator makes the locations, then links."""
    manifest = (MANIFESTS / "sandbox.toml").read_text()
    assert '\ncurrency = "currency"\n' in manifest
    without = manifest.replace('\ncurrency = "currency"\n', "\n")
    settings = {"manifest_toml": without, "base_url": rest.base}
    refused = rest.admin.post(CONNECTIONS, json=rest.body(settings=settings))
    assert error_of(refused) == (422, "no_currency", "locations.st_podil"), refused.text
    assert "POST /api/v1/admin/locations" in refused.json()["error"]["message"]
    assert rest.connections() == 0
    made = {}
    for store, name in [("st_podil", "Podil"), ("st_pechersk", "Pechersk")]:
        answer = rest.admin.post(
            "/api/v1/admin/locations",
            json={"name": name, "timezone": "Europe/Kyiv", "currency": "UAH"},
        )
        assert answer.status_code == 201, answer.text
        made[store] = answer.json()["id"]
    added = rest.admin.post(CONNECTIONS, json=rest.body(settings=settings, locations=made))
    assert added.status_code == 201, added.text
    linked = {x["external_id"]: (x["location_id"], x["created"]) for x in added.json()["locations"]}
    assert linked == {store: (location, False) for store, location in made.items()}
