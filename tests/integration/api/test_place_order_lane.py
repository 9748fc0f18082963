"""``POST /api/v1/orders`` answers the same on the direct lane as through FastAPI.

The direct lane (``web.routes.place_order``) serves the POST without a query string;
with one, the request takes FastAPI's route (``routes.storefront.create_order``), which
stays declared for the OpenAPI document. Every request below is sent both ways and
must get the same status, body and headers: bad JSON before the key is looked at,
401 before validation, the header's and the body's errors together, 415 for a body
that is not JSON, 413, a repeat answered with the first order.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient

from tests.integration.support.world import World
from tests.unit.web.bodies import order_body

ROUTER = "/api/v1/orders?via=router"  # any query string: FastAPI's route
DIRECT = "/api/v1/orders"
COMPARED = ("content-type", "www-authenticate", "retry-after", "idempotent-replayed", "location")
JSON = {"Content-Type": "application/json"}


def encoded(body: Any) -> bytes:
    return json.dumps(body).encode()


def without(field: str) -> dict[str, Any]:
    body = order_body()
    del body[field]
    return body


CASES: dict[str, tuple[dict[str, str], bytes]] = {
    "no body": (JSON, b""),
    "malformed JSON": (JSON, b'{"location_id": '),
    "text/plain": ({"Content-Type": "text/plain"}, encoded(order_body())),
    "no content type": ({}, encoded(order_body())),
    "form": ({"Content-Type": "application/x-www-form-urlencoded"}, b"a=1"),
    "a list": (JSON, b"[]"),
    "a string": (JSON, b'"order"'),
    "missing items": (JSON, encoded(without("items"))),
    "unknown field": (JSON, encoded(order_body(extra=1))),
    "quantity as text": (
        JSON,
        encoded(order_body(items=[{"item_id": "croissant", "quantity": "2"}])),
    ),
    "NUL in a string": (JSON, encoded(order_body(note="a\x00b"))),
    "+json media type, bad body": ({"Content-Type": "application/vnd.x+json"}, b"{}"),
    "charset parameter, bad body": ({"Content-Type": "application/json; charset=utf-8"}, b"{}"),
    "UTF-16, bad body": (JSON, json.dumps(without("items")).encode("utf-16")),
    "not UTF-8": (JSON, b'{"note": "\xff\xfe"}'),
    "nested too deep": (JSON, b"[" * 100_000 + b"]" * 100_000),
    "over the limit": (JSON, b" " * (256 * 1024 + 1)),
    "key too long, bad body": ({**JSON, "Idempotency-Key": "k" * 256}, b"{}"),
    "key too long": ({**JSON, "Idempotency-Key": "k" * 256}, encoded(order_body())),
    "unknown location": (JSON, encoded(order_body(location_id="loc_nowhere"))),
    "no items": (JSON, encoded(order_body(items=[]))),
}


def compared(answer: Any) -> tuple[int, Any, dict[str, str]]:
    headers = {name: answer.headers[name] for name in COMPARED if name in answer.headers}
    try:
        body = answer.json()
    except ValueError:
        body = answer.content
    return answer.status_code, body, headers


@pytest.mark.parametrize("case", list(CASES))
def test_a_bad_request_is_answered_the_same_both_ways(client: TestClient, case: str) -> None:
    headers, content = CASES[case]
    direct = compared(client.post(DIRECT, headers=headers, content=content))
    routed = compared(client.post(ROUTER, headers=headers, content=content))
    assert direct == routed
    assert 400 <= direct[0] < 500, direct


@pytest.mark.parametrize(
    "authorization", [None, "Bearer ob_not-a-key"], ids=["no key", "unknown key"]
)
@pytest.mark.parametrize("content", [b"{", encoded(order_body()), b"{}"], ids=str)
def test_without_a_key_the_answers_agree(
    world: World, authorization: str | None, content: bytes
) -> None:
    anonymous = TestClient(world.hub.app())
    headers = {**JSON, **({"Authorization": authorization} if authorization else {})}
    direct = compared(anonymous.post(DIRECT, headers=headers, content=content))
    routed = compared(anonymous.post(ROUTER, headers=headers, content=content))
    assert direct == routed
    # FastAPI parses the body before it solves the key: bad JSON is 400 either way.
    assert direct[0] == (400 if content == b"{" else 401)


def test_an_order_placed_on_one_lane_is_repeated_on_the_other(client: TestClient) -> None:
    headers = {"Idempotency-Key": "lane-1"}
    first = client.post(DIRECT, headers=headers, json=order_body())
    assert first.status_code == 201, first.text
    assert "idempotent-replayed" not in first.headers
    assert first.headers["location"] == f"/api/v1/orders/{first.json()['id']}"
    again_routed = client.post(ROUTER, headers=headers, json=order_body())
    again_direct = client.post(DIRECT, headers=headers, json=order_body())
    assert compared(again_routed) == compared(again_direct)
    assert again_direct.headers["idempotent-replayed"] == "true"
    assert again_direct.json() == first.json()
    different = compared(client.post(DIRECT, headers=headers, json=order_body(note="other")))
    assert different == compared(client.post(ROUTER, headers=headers, json=order_body(note="o")))
    assert different[0] == 409


def test_the_direct_lane_is_labelled_with_the_route(client: TestClient) -> None:
    client.post(DIRECT, headers={"Idempotency-Key": "lane-2"}, json=order_body())
    metrics = client.get("/metrics").text
    counted = [line for line in metrics.splitlines() if "http_requests_total{" in line]
    assert counted == [
        'orderbridge_http_requests_total{method="POST",route="/api/v1/orders",status="201"} 1.0'
    ]
