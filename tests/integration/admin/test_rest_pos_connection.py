"""A REST POS connected with the admin API only, like Poster: its manifest and keys are
checked before anything is stored, its places become locations, the connection test
lists them, and the webhook URL to give the POS is the generic one. Countertop,
in-process; SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from orderbridge.bootstrap import Hub, build_hub
from orderbridge.config import Settings
from orderbridge.connectors.rest_pos.loading import shipped_text
from orderbridge.sandboxes.rest_pos.app import create_app
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox
from orderbridge.sandboxes.rest_pos.seed import DEMO_API_KEY, DEMO_WEBHOOK_SECRET, demo_world
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from tests.integration.admin.setup_support import CONNECTIONS, HUB, TENANT
from tests.integration.support.api import bearer, error_of

COUNTERTOP = "http://127.0.0.1:8030"  # in-process: the transport is the sandbox


@dataclass
class Shop:
    hub: Hub
    pos: CountertopSandbox
    admin: TestClient

    def count(self, model: Any) -> int:
        with self.hub.sessions() as session:
            return session.query(model).count()


@pytest.fixture
def shop(db_url: str) -> Iterator[Shop]:
    pos = CountertopSandbox(demo_world())
    settings = Settings(
        database_url=db_url,
        secret_key=SecretStr("rest-pos-setup"),
        base_url=HUB,
        allow_private_urls=True,
    )
    hub = build_hub(settings, pos_transport=httpx.ASGITransport(app=create_app(pos)))
    with hub.sessions() as session, session.begin():
        admin.create_tenant(session, "New café", tenant_id=TENANT)
        key = admin.issue_api_key(session, TENANT, scope="admin").key
    yield Shop(hub, pos, TestClient(hub.app(), headers=bearer(key)))
    hub.engine.dispose()


def body(**changes: Any) -> dict[str, Any]:
    return {
        "kind": "rest_pos",
        "credentials": {"api_key": DEMO_API_KEY, "webhook_secret": DEMO_WEBHOOK_SECRET},
        "settings": {"manifest": "sandbox", "base_url": COUNTERTOP},
    } | changes


def test_a_manifest_and_keys_bring_a_location_per_store(shop: Shop) -> None:
    answer = shop.admin.post(CONNECTIONS, json=body())
    assert answer.status_code == 201, answer.text
    added = answer.json()
    assert (added["kind"], added["role"], added["status"]) == ("rest_pos", "pos", "active")
    assert added["webhook_url"] == f"{HUB}/webhooks/pos/{added['id']}"
    places = sorted((x["external_id"], x["name"]) for x in added["locations"])
    assert places == [("st_pechersk", "Brioche Pechersk"), ("st_podil", "Бріош на Подолі")]
    assert DEMO_API_KEY not in str(shop.admin.get(CONNECTIONS).json())
    tested = shop.admin.post(f"{CONNECTIONS}/{added['id']}/test").json()
    assert tested["ok"] is True and "2 places" in tested["said"]
    shop.pos.world.revoked_keys.append(DEMO_API_KEY)
    refused = shop.admin.post(f"{CONNECTIONS}/{added['id']}/test").json()
    assert refused["ok"] is False and refused["code"] == "reauth_required"


def test_the_manifest_text_itself_may_be_given(shop: Shop) -> None:
    text = shipped_text("sandbox").replace('name = "Countertop POS (sandbox)"', 'name = "Till"')
    settings = {"manifest_toml": text, "base_url": COUNTERTOP}
    answer = shop.admin.post(CONNECTIONS, json=body(settings=settings))
    assert answer.status_code == 201, answer.text
    assert len(answer.json()["locations"]) == 2


@pytest.mark.parametrize(
    ("changes", "says"),
    [
        ({"settings": {"manifest": "nope", "base_url": COUNTERTOP}}, "nope"),
        ({"settings": {"manifest_toml": "version = 1\nname = 'x", "base_url": COUNTERTOP}}, "TOML"),
        ({"settings": {"manifest": "sandbox", "base_url": "ftp://pos"}}, "base_url"),
        ({"credentials": {"api_key": DEMO_API_KEY}}, "webhook_secret missing"),
        ({"credentials": {"api_key": "x", "webhook_secret": "y", "pin": "1"}}, "pin"),
    ],
)
def test_a_connection_the_manifest_cannot_serve_is_refused_whole(
    shop: Shop, changes: dict[str, Any], says: str
) -> None:
    answer = shop.admin.post(CONNECTIONS, json=body(**changes))
    status, _code, _field = error_of(answer)
    assert 400 <= status < 500 and says in answer.json()["error"]["message"], answer.text
    assert shop.count(t.Connection) == shop.count(t.Location) == 0


def test_keys_countertop_refuses_create_nothing(shop: Shop) -> None:
    answer = shop.admin.post(
        CONNECTIONS, json=body(credentials={"api_key": "ct_wrong", "webhook_secret": "s"})
    )
    assert 400 <= answer.status_code < 500, answer.text
    assert shop.count(t.Connection) == shop.count(t.Location) == 0
