"""Hostile input answers 4xx, never 500, on SQLite and on PostgreSQL.

What a hostile run against a hub found (#15): deeply nested JSON to the unauthenticated
Poster webhook, integers past 2^63 in admin paths and query parameters, NUL characters
in any string or path id (PostgreSQL refuses to store or compare them), and a signed
Poster webhook whose ``object_id`` would overflow the inbox key. Each must be a clear
4xx with the API's error body, and must write nothing. (Wix's are in
``test_wix_ingress.py``, the dashboard's in ``dashboard/test_operations.py``.)
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from orderbridge.messaging.tables import InboxEvent, OutboxJob
from tests.integration.api.test_poster_ingress import HOOK, signed
from tests.integration.support.api import bearer, error_of, stored_rows
from tests.integration.support.world import CONNECTION, World, build_world, count
from tests.unit.web.bodies import order_body, reservation_body

TOO_BIG = str(2**63)  # one past the largest 64-bit integer
POS_HOOK = f"/webhooks/pos/{CONNECTION}"
JSON = {"content-type": "application/json"}


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_world(db_url)
    yield built
    built.close()


@pytest.fixture
def client(world: World) -> TestClient:
    return TestClient(world.hub.app(), raise_server_exceptions=False)


def _refused(answer: httpx.Response, status: int) -> str:
    """The answer is ``status`` with the API's error body; its code."""
    assert answer.status_code == status, answer.text
    return error_of(answer)[1]


def _nothing_stored(world: World) -> None:
    assert count(world.hub, InboxEvent) == 0
    assert stored_rows(world) == (0, 0, 0)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_deeply_nested_json_to_the_poster_webhook_is_4xx(client: TestClient, world: World) -> None:
    # [ × 100,000 is 200 kB: past the webhook's 64 KiB, refused before it is read.
    answer = client.post(HOOK, content=_nested(100_000), headers=JSON)
    assert _refused(answer, 413) == "payload_too_large"
    # Under the limit and far too deep for Python's parser (a RecursionError).
    answer = client.post(HOOK, content=_nested(30_000), headers=JSON)
    assert _refused(answer, 400) == "malformed_json"
    # Parseable, but deeper than any webhook: refused before the account is looked at.
    nested = '{"account": "cafe-kyiv", "data": ' + _nested(50) + "}"
    answer = client.post(HOOK, content=nested, headers=JSON)
    assert _refused(answer, 400) == "malformed_json"
    _nothing_stored(world)


def test_deeply_nested_json_to_the_pos_route_is_400(client: TestClient, world: World) -> None:
    answer = client.post(POS_HOOK, content=_nested(30_000), headers=JSON)
    assert _refused(answer, 400) == "invalid_webhook"
    _nothing_stored(world)


@pytest.mark.parametrize("path", ["/api/v1/orders", "/api/v1/reservations"])
def test_deeply_nested_json_to_the_storefront_api_is_400(
    client: TestClient, world: World, path: str
) -> None:
    headers = {**JSON, **bearer(world.api_key)}
    for depth in (30_000, 5_000):  # too deep to parse; parseable but no object
        answer = client.post(path, content=_nested(depth), headers=headers)
        assert answer.status_code in (400, 422), answer.text
        error_of(answer)
    _nothing_stored(world)


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", f"/api/v1/admin/deadletters/{TOO_BIG}/retry"),
        ("GET", f"/api/v1/admin/deadletters?offset={TOO_BIG}"),
        ("GET", "/api/v1/admin/deadletters?offset=-1"),
        ("GET", f"/api/v1/admin/deadletters?limit={TOO_BIG}"),
    ],
)
def test_integers_past_2_63_in_paths_and_queries_are_422(
    client: TestClient, world: World, method: str, path: str
) -> None:
    answer = client.request(method, path, headers=bearer(world.admin_key))
    assert _refused(answer, 422) == "value_out_of_range"


@pytest.mark.parametrize(
    "where",
    [("channel_order_id",), ("note",), ("customer", "name"), ("items", 0, "note")],
    ids=lambda where: ".".join(map(str, where)),
)
def test_an_order_with_nul_in_a_string_is_422_at_its_field(
    client: TestClient, world: World, where: tuple[str | int, ...]
) -> None:
    body = order_body()
    target: Any = body
    for part in where[:-1]:
        target = target[part]
    target[where[-1]] = f"{target.get(where[-1]) or 'x'}\x00y"
    answer = client.post("/api/v1/orders", json=body, headers=bearer(world.api_key))
    status, code, field = error_of(answer)
    field_path = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in where)
    assert (status, code, field) == (422, "invalid_value", field_path.lstrip("."))
    _nothing_stored(world)


def test_a_reservation_with_nul_in_its_note_is_422(client: TestClient, world: World) -> None:
    body = reservation_body(note="by the\x00window")
    answer = client.post("/api/v1/reservations", json=body, headers=bearer(world.api_key))
    assert error_of(answer) == (422, "invalid_value", "note")
    _nothing_stored(world)


def test_an_admin_body_with_nul_is_422(client: TestClient, world: World) -> None:
    body = {"url": "https://shop.test/h\x00ook", "events": ["order.received"]}
    answer = client.post("/api/v1/webhooks", json=body, headers=bearer(world.admin_key))
    assert answer.status_code == 422, answer.text
    assert error_of(answer)[2] == "url"


@pytest.mark.parametrize(
    ("method", "path", "code"),
    [
        ("GET", "/api/v1/orders/ord_%00x", "invalid_path"),
        ("POST", "/api/v1/orders/ord_%00x/cancel", "invalid_path"),
        ("GET", "/api/v1/locations/loc%00/menu", "invalid_path"),
        ("GET", "/api/v1/orders/ord_%0Ax", "invalid_path"),
        ("POST", "/webhooks/wix/con%00x", "invalid_path"),
        ("POST", "/webhooks/pos/con%00x", "invalid_path"),
        ("GET", "/api/v1/admin/deadletters?limit=10&x=%00", "invalid_query"),
        ("GET", "/admin/orders?q=%00", "invalid_query"),
    ],
)
def test_nul_in_a_path_id_or_a_query_is_400(
    client: TestClient, world: World, method: str, path: str, code: str
) -> None:
    answer = client.request(method, path, headers=bearer(world.admin_key), content=b"{}")
    assert _refused(answer, 400) == code


def test_a_poster_account_with_nul_or_overlong_is_400(client: TestClient, world: World) -> None:
    raw = json.dumps({"account": "cafe\x00kyiv", "object": "incoming_order"})
    assert _refused(client.post(HOOK, content=raw, headers=JSON), 400) == "malformed_json"
    for body in (signed(account="x" * 500), {**signed(), "account_number": "4" * 100}):
        assert _refused(client.post(HOOK, json=body), 400) == "invalid_webhook"
    _nothing_stored(world)


@pytest.mark.parametrize(
    "overlong",
    [{"object_id": int("9" * 400)}, {"action": "changed" * 40}, {"time": "1" * 300}],
    ids=["object_id", "action", "time"],
)
@pytest.mark.parametrize("hook", [HOOK, POS_HOOK], ids=["poster", "pos"])
def test_a_signed_poster_webhook_with_an_overlong_field_is_400(
    client: TestClient, world: World, overlong: dict[str, Any], hook: str
) -> None:
    answer = client.post(hook, json=signed(**overlong))
    assert _refused(answer, 400) == "invalid_value"
    _nothing_stored(world)
    # A sane one after it is stored as usual.
    assert client.post(hook, json=signed()).status_code == 200
    assert count(world.hub, InboxEvent) == 1


def test_a_nul_inside_a_poster_webhooks_data_string_is_stored_as_text(
    client: TestClient, world: World
) -> None:
    """``data`` travels as a JSON string: its escaped NUL is six characters of text, which
    any database stores; decoding it would give a NUL, so the event keeps no decoded
    ``data`` (the handler re-reads the entity from Poster, as for any change)."""
    answer = client.post(HOOK, json=signed(object="product", data={"name": "a\x00b"}))
    assert answer.status_code == 200, answer.text
    with world.hub.sessions() as session:
        [payload] = session.scalars(select(InboxEvent.payload)).all()
        [job] = session.scalars(select(OutboxJob.payload)).all()
    assert "\x00" not in json.dumps(payload, ensure_ascii=False)
    assert "\x00" not in json.dumps(job, ensure_ascii=False)
