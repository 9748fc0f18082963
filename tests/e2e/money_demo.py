"""The demo that issue 10's end-to-end tests drive (tests/e2e/test_menus_money_time.py
and test_times_reservations.py), and what those tests share: calls to the hub's admin
API and to the Poster sandbox, and a storefront webhook receiver for alerts.
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.asgi import request_body
from tests.e2e.poster_demo import (
    ADMIN_KEY,
    DEMO_TOKEN,
    Demo,
    running_demo,
)
from tests.e2e.servers import free_port, serve_in_thread
from tests.integration.conftest import fresh_database, postgres_server

PECHERSK = "loc_pechersk"
KYIV = ZoneInfo("Europe/Kyiv")
COOKIE = "162"  # Печиво вівсяне: a plain product sold at both spots


def money_demo(database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The demo on a SQLite file, or on a PostgreSQL database of its own (the server
    ``ORDERBRIDGE_TEST_POSTGRES_URL`` names, or a throwaway cluster)."""
    folder = tmp_path_factory.mktemp(f"money-demo-{database}")
    with contextlib.ExitStack() as stack:
        url = ""
        if database == "postgres":
            admin_url, _ = stack.enter_context(postgres_server())
            url = stack.enter_context(fresh_database(admin_url, "orderbridge_e2e"))
        yield stack.enter_context(running_demo(folder, reconcile_seconds=600, database_url=url))


def admin(demo: Demo, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"authorization": f"Bearer {ADMIN_KEY}"}
    return httpx.request(
        method, f"{demo.hub}/api/v1/admin/locations/{path}", headers=headers, timeout=10, **kwargs
    )


def item(menu: dict[str, Any], item_id: str) -> dict[str, Any]:
    return next(i for c in menu["categories"] for i in c["items"] if i["id"] == item_id)


def poster(demo: Demo, method: str, **kwargs: Any) -> Any:
    """A call to the Poster sandbox's API with the demo token."""
    verb = "POST" if "json" in kwargs else "GET"
    params = {"token": DEMO_TOKEN, **kwargs.pop("params", {})}
    answer = httpx.request(verb, f"{demo.poster}/api/{method}", params=params, timeout=10, **kwargs)
    body = answer.json()
    assert "response" in body, body
    return body["response"]


def soon(minutes: float) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).isoformat()


def timeline(demo: Demo, order_id: str) -> list[str]:
    return [e["event"] for e in demo.order(order_id)["timeline"]]


class Receiver:
    """A storefront's webhook endpoint: keeps every event it is sent."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await request_body(receive)
        with self.lock:
            self.events.append(json.loads(body))
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def alerts(self, subject_id: str) -> list[str]:
        """The states (open, cleared) of the alerts received about ``subject_id``."""
        with self.lock:
            return [
                e["data"]["state"]
                for e in self.events
                if e.get("data", {}).get("subject_id") == subject_id
            ]

    def statuses(self, location_id: str) -> list[str]:
        with self.lock:
            return [
                e["data"]["status"]
                for e in self.events
                if e["type"] == "location.status_changed"
                and e["data"]["location_id"] == location_id
            ]


@contextlib.contextmanager
def alerted(demo: Demo, kind: str) -> Iterator[Receiver]:
    """A local alert receiver subscribed to ``kind`` for the block (admin API)."""
    receiver = Receiver()
    with serve_in_thread(receiver, free_port()) as url:
        added = demo.api(
            "/api/v1/admin/alerts", key=ADMIN_KEY, json={"url": f"{url}/alerts", "events": [kind]}
        )
        assert added.status_code == 201, added.text
        try:
            yield receiver
        finally:
            httpx.delete(
                f"{demo.hub}/api/v1/admin/alerts/{added.json()['id']}",
                headers={"authorization": f"Bearer {ADMIN_KEY}"},
                timeout=10,
            )


def open_incidents(demo: Demo, kind: str) -> list[str]:
    found = demo.api("/api/v1/admin/incidents", key=ADMIN_KEY).json()["incidents"]
    return [i["subject_id"] for i in found if i["kind"] == kind]
