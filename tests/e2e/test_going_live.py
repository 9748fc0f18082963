"""The README's "Going live", as a new user types it: an empty database, a Poster
account (the sandbox, as its own process), ``orderbridge`` commands and the admin API
over HTTP — no Python, no SQL — up to an order on the register, accepted by the
cashier, with a storefront key that cannot pause the location. On SQLite and
PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.e2e.poster_demo import order_body, wait_for
from tests.e2e.servers import free_port, orderbridge_process

pytestmark = pytest.mark.e2e
TOKEN = "687409:4164553abf6a031302898da7800b59fb"
APP_SECRET = "my-poster-application-secret"


class Deployment:
    """The commands and calls of the README, against one database."""

    def __init__(self, db_url: str, folder: Path) -> None:
        self.folder = folder
        self.hub_port, self.poster_port = free_port(), free_port()
        self.hub = f"http://127.0.0.1:{self.hub_port}"
        self.poster = f"http://127.0.0.1:{self.poster_port}"
        self.env = {
            "ORDERBRIDGE_DATABASE_URL": db_url,
            "ORDERBRIDGE_SECRET_KEY": "a-long-random-secret-from-openssl-rand",
            "ORDERBRIDGE_BASE_URL": self.hub,
            # The sandbox listens on loopback, which the SSRF guard refuses otherwise.
            "ORDERBRIDGE_ALLOW_PRIVATE_URLS": "true",
            "ORDERBRIDGE_RECONCILE_INTERVAL_SECONDS": "3600",
        }

    def orderbridge(self, *args: str) -> subprocess.CompletedProcess[str]:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("ORDERBRIDGE_")}
        done = subprocess.run(
            [sys.executable, "-m", "orderbridge", *args],
            env={**clean, **self.env},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, (args, done.stderr)
        return done

    def call(self, method: str, path: str, key: str, body: Any = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {key}"}
        return httpx.request(method, f"{self.hub}{path}", headers=headers, json=body, timeout=30)


@pytest.fixture
def deployment(db_url: str, tmp_path: Path) -> Iterator[Deployment]:
    """The Poster sandbox running as its own process, its webhooks going to the hub."""
    live = Deployment(db_url, tmp_path)
    args = ["sandbox", "poster", "--port", str(live.poster_port)]
    args += ["--webhook-url", f"{live.hub}/webhooks/poster", "--app-secret", APP_SECRET]
    args += ["--webhook-retry-scale", "0.01"]
    with orderbridge_process(
        args, ready_url=f"{live.poster}/_sandbox/faults", log=tmp_path / "poster.log", env={}
    ):
        yield live


def test_from_an_empty_database_to_an_order_on_the_register(deployment: Deployment) -> None:
    live = deployment
    # 1. The database, and a tenant with its first admin key.
    live.orderbridge("db", "upgrade")
    created = json.loads(live.orderbridge("tenants", "create", "Бріош", "--json").stdout)
    admin_key = created["admin_key"]
    args = ["serve", "--port", str(live.hub_port)]
    with orderbridge_process(
        args, ready_url=f"{live.hub}/health", log=live.folder / "hub.log", env=live.env
    ):
        # 2. Connect Poster with the personal token: a location per spot.
        body = {
            "kind": "poster",
            "credentials": {"token": TOKEN, "application_secret": APP_SECRET},
            "settings": {"base_url": live.poster},
        }
        answer = live.call("POST", "/api/v1/admin/connections", admin_key, body)
        assert answer.status_code == 201, answer.text
        connection = answer.json()
        assert connection["webhook_url"] == f"{live.hub}/webhooks/poster"
        podil = connection["locations"][0]["location_id"]
        probe = live.call("POST", f"/api/v1/admin/connections/{connection['id']}/test", admin_key)
        assert probe.json()["ok"] is True
        synced = live.call("POST", f"/api/v1/admin/connections/{connection['id']}/sync", admin_key)
        # (The serve's worker may have imported it already: then nothing changed.)
        assert synced.json()["locations"][podil]["version"], synced.text
        # 3. A storefront key for the website.
        issued = live.call("POST", "/api/v1/admin/keys", admin_key, {"scope": "storefront"})
        website = issued.json()["key"]
        # 4. The website reads the menu and orders.
        locations = live.call("GET", "/api/v1/locations", website).json()["locations"]
        assert {x["id"] for x in locations} == {x["location_id"] for x in connection["locations"]}
        assert live.call("GET", f"/api/v1/locations/{podil}/menu", website).status_code == 200
        placed = live.call("POST", "/api/v1/orders", website, order_body("web-1", location=podil))
        assert placed.status_code == 201, placed.text
        order_id = placed.json()["id"]

        def status() -> str:
            return str(live.call("GET", f"/api/v1/orders/{order_id}", website).json()["status"])

        wait_for(lambda: status() == "submitted", timeout=60, what="the order at the register")
        register = httpx.get(f"{live.poster}/_sandbox/incoming-orders?account=api-demo").json()
        [incoming] = [o for o in register["incoming_orders"] if f"[ob:{order_id}]" in o["comment"]]
        # 5. The cashier accepts: Poster's webhook (signed with the application's secret)
        # brings the news back.
        accept = f"{live.poster}/_sandbox/incoming-orders/{incoming['incoming_order_id']}/accept"
        assert httpx.post(accept, json={}).status_code == 200
        wait_for(lambda: status() == "accepted", timeout=60, what="the acceptance by webhook")
        # The publishable key cannot pause the restaurant, nor reach the admin API.
        pause = live.call("POST", f"/api/v1/locations/{podil}/status", website, {"action": "pause"})
        assert (pause.status_code, pause.json()["error"]["code"]) == (403, "insufficient_scope")
        assert live.call("GET", "/api/v1/admin/connections", website).status_code == 403
        listed = live.call("GET", "/api/v1/orders", website).json()["orders"]
        assert [o["id"] for o in listed] == [order_id]
    checked = live.orderbridge("check")
    assert "FAIL" not in checked.stdout and "poster answered: 2 places" in checked.stdout
