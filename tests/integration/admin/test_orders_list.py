"""``GET /api/v1/orders``: newest first, a cursor per page, filters, and a storefront key
sees only what it placed."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from orderbridge.storage import admin
from tests.integration.support.api import bearer, error_of
from tests.integration.support.world import TENANT, World
from tests.unit.web.bodies import order_body

ORDERS = "/api/v1/orders"
KYIV = ZoneInfo("Europe/Kyiv")


def _place(client: TestClient, world: World, channel_order_id: str, seconds: float = 60) -> str:
    world.clock.advance(seconds)
    answer = client.post(ORDERS, json=order_body(channel_order_id=channel_order_id))
    assert answer.status_code == 201, answer.text
    order_id: str = answer.json()["id"]
    return order_id


def _all_pages(client: TestClient, **params: Any) -> list[list[str]]:
    pages: list[list[str]] = []
    cursor = None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = client.get(ORDERS, params=query).json()
        pages.append([o["channel_order_id"] for o in body["orders"]])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_orders_come_newest_first_a_page_at_a_time(client: TestClient, world: World) -> None:
    for n in range(5):
        _place(client, world, f"web-{n}")
    assert _all_pages(client, limit=2) == [["web-4", "web-3"], ["web-2", "web-1"], ["web-0"]]
    first = client.get(ORDERS).json()
    assert first["next_cursor"] is None
    assert first["orders"][0]["timeline"][0]["event"] == "order.received"


def test_orders_of_one_moment_are_neither_skipped_nor_repeated(
    client: TestClient, world: World
) -> None:
    for n in range(5):
        _place(client, world, f"same-{n}", seconds=0)
    pages = _all_pages(client, limit=2)
    seen = [order for page in pages for order in page]
    assert sorted(seen) == [f"same-{n}" for n in range(5)] and len(pages) == 3


def test_filters_narrow_the_list(
    client: TestClient, admin_client: TestClient, world: World
) -> None:
    _place(client, world, "web-old")
    since = (world.clock() + timedelta(seconds=1)).isoformat()
    kept = _place(client, world, "web-new")
    canceled = _place(client, world, "web-gone")
    client.post(f"{ORDERS}/{canceled}/cancel")

    def ids(**params: str) -> list[str]:
        return [o["id"] for o in client.get(ORDERS, params=params).json()["orders"]]

    assert ids(status="canceled") == [canceled]
    assert ids(since=since) == [canceled, kept]
    in_kyiv = (world.clock() + timedelta(seconds=1)).astimezone(KYIV).isoformat()
    assert ids(since=in_kyiv) == []
    lower = since.replace("T", "t").replace("+00:00", "z")
    assert ids(since=lower) == [canceled, kept]
    assert ids(channel_order_id="web-new") == [kept]
    assert ids(location_id="nowhere") == []
    assert len(ids(location_id=order_body()["location_id"])) == 3


def test_a_storefront_key_lists_its_own_an_admin_key_all(
    client: TestClient, admin_client: TestClient, world: World
) -> None:
    _place(client, world, "mine")
    with world.hub.sessions() as session, session.begin():
        other_key = admin.issue_api_key(session, TENANT, name="kiosk").key
    kiosk = TestClient(world.hub.app(), headers=bearer(other_key))
    _place(kiosk, world, "kiosk-1")
    assert _all_pages(client) == [["mine"]]
    assert _all_pages(kiosk) == [["kiosk-1"]]
    assert _all_pages(admin_client) == [["kiosk-1", "mine"]]
    other_tenant = TestClient(world.hub.app(), headers=bearer(world.other_admin_key))
    assert _all_pages(other_tenant) == [[]]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "eaten"}, (422, "invalid_value", "query.status")),
        ({"limit": "0"}, (422, "value_out_of_range", "query.limit")),
        ({"limit": "1000"}, (422, "value_out_of_range", "query.limit")),
        ({"cursor": "not-a-cursor"}, (422, "invalid_cursor", "query.cursor")),
        ({"since": "2026-11-22T10:00:00"}, (422, "naive_datetime", "query.since")),
        ({"since": "yesterday"}, (422, "invalid_type", "query.since")),
        ({"since": "1700000000"}, (422, "invalid_type", "query.since")),
        ({"since": "2026-11-22"}, (422, "invalid_type", "query.since")),
        ({"since": "2026-13-22T10:00:00Z"}, (422, "invalid_value", "query.since")),
    ],
)
def test_bad_listing_parameters_are_422(
    client: TestClient, params: dict[str, str], expected: tuple[int, str, str]
) -> None:
    assert error_of(client.get(ORDERS, params=params)) == expected
