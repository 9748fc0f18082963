"""The REST POS client: requests as the manifest writes them, answers as its rules read them.

Each test puts a manifest's client in front of an ``httpx.MockTransport`` that plays
the POS and keeps the requests it got.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from orderbridge.connectors.rest_pos.client import RateLimiter, RestPosClient
from orderbridge.connectors.rest_pos.loading import load_text, shipped_text
from orderbridge.ports import PermanentError, TransientError
from tests.connectors.rest_pos.test_manifest import KIOSKO

pytestmark = pytest.mark.anyio
SANDBOX = load_text(shipped_text("sandbox"))
LOCATION = {"external_id": "st 1/2", "currency": "UAH", "timezone": "Europe/Kyiv", "id": "x"}
Answer = Callable[[httpx.Request], httpx.Response]


def client(
    answer: Answer, manifest_text: str | None = None, **credentials: str
) -> tuple[RestPosClient, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer(request)

    manifest = load_text(manifest_text) if manifest_text else SANDBOX
    secrets = credentials or {"api_key": "ct_key", "webhook_secret": "whsec"}
    built = RestPosClient.build(
        manifest,
        base_url="https://pos.test",
        credentials=secrets,
        transport=httpx.MockTransport(handler),
    )
    return built, seen


def reply(status: int, body: Any = None, **headers: str) -> Answer:
    return lambda request: httpx.Response(status, json=body, headers=headers)


async def test_bearer_auth_static_headers_and_an_encoded_path() -> None:
    pos, seen = client(reply(200, {"ticket": {"id": "tk_1", "status": "open"}}))
    answer = await pos.call("get_order", {"pos_order_id": "tk/1?x", "location": LOCATION})
    assert answer == {"ticket": {"id": "tk_1", "status": "open"}}
    [request] = seen
    assert request.url.raw_path == b"/v2/tickets/tk%2F1%3Fx"
    assert request.headers["authorization"] == "Bearer ct_key"
    assert request.headers["countertop-version"] == "2024-06-01"


async def test_find_sends_its_query_and_leaves_empty_values_out() -> None:
    pos, seen = client(reply(200, {"tickets": []}))
    await pos.call("find_order", {"key": "ord_1", "since": None, "location": LOCATION})
    assert dict(seen[0].url.params) == {"reference": "ord_1"}


async def test_hmac_signed_requests_verify_with_the_shared_secret() -> None:
    pos, seen = client(
        reply(201, {"data": {"id": "1", "attributes": {"state": 10}}}),
        KIOSKO,
        signing_secret="s3cret",
        webhook_secret="w",
    )
    pos.wall_clock = lambda: 1_800_000_000.0
    await pos.call("get_order", {"pos_order_id": "42", "location": LOCATION})
    request = seen[0]
    assert request.headers["x-kiosko-timestamp"] == "1800000000"
    assert request.headers["x-kiosko-key"] == "kio_test_key"
    signed = b"GET\n/api/v1/orders/42\n1800000000\n"
    digest = hmac.new(b"s3cret", signed, hashlib.sha256).digest()
    assert request.headers["x-kiosko-signature"] == base64.b64encode(digest).decode()


async def test_the_body_omits_nulls_and_empty_objects() -> None:
    pos, seen = client(reply(200, {"ticket": {"id": "tk_1", "status": "voided"}}))
    await pos.call("cancel_order", {"pos_order_id": "tk_1", "reason": None, "location": LOCATION})
    assert json.loads(seen[0].content) == {}
    assert seen[0].headers["content-type"] == "application/json"


@pytest.mark.parametrize(
    ("answer", "error", "code"),
    [
        (reply(503, {"error": {"code": "service_unavailable"}}), TransientError, None),
        (
            reply(429, {"error": {"code": "rate_limited"}}, **{"Retry-After": "7"}),
            TransientError,
            None,
        ),
        (
            reply(409, {"error": {"code": "store_offline", "message": "closed"}}),
            TransientError,
            None,
        ),
        (reply(403, {"error": {"code": "api_key_revoked"}}), PermanentError, "reauth_required"),
        (reply(401, {"error": {"code": "invalid_api_key"}}), PermanentError, "reauth_required"),
        (
            reply(422, {"error": {"code": "unknown_sku", "message": "no X"}}),
            PermanentError,
            "unknown_sku",
        ),
        (reply(404, {"error": {"code": "resource_missing"}}), PermanentError, "resource_missing"),
        (reply(302, None, Location="https://elsewhere"), PermanentError, "unexpected_redirect"),
    ],
)
async def test_answers_are_classified_by_the_rules_then_the_defaults(
    answer: Answer, error: type[Exception], code: str | None
) -> None:
    pos, _ = client(answer)
    with pytest.raises(error) as caught:
        await pos.call("get_order", {"pos_order_id": "1", "location": LOCATION})
    if code is not None:
        assert isinstance(caught.value, PermanentError) and caught.value.code == code
    if "Retry-After" in str(answer(httpx.Request("GET", "https://x")).headers):
        assert isinstance(caught.value, TransientError) and caught.value.retry_after == 7


async def test_the_pos_reason_reaches_the_error() -> None:
    pos, _ = client(reply(422, {"error": {"code": "sold_out", "message": "Еклер is sold out"}}))
    with pytest.raises(PermanentError, match="Еклер is sold out"):
        await pos.call("get_order", {"pos_order_id": "1", "location": LOCATION})


async def test_a_2xx_rule_turns_an_ok_into_a_refusal() -> None:
    body = {"errors": [{"code": "LOCATION_CLOSED", "detail": "closed"}]}
    pos, _ = client(reply(200, body), KIOSKO, signing_secret="s", webhook_secret="w")
    with pytest.raises(PermanentError) as caught:
        await pos.call("get_order", {"pos_order_id": "1", "location": LOCATION})
    assert caught.value.code == "location_closed"


async def test_a_not_found_status_means_none() -> None:
    pos, _ = client(
        reply(404, {"errors": [{"code": "NOT_FOUND"}]}),
        KIOSKO,
        signing_secret="s",
        webhook_secret="w",
    )
    assert await pos.call("find_order", {"key": "k", "location": LOCATION}) is None


async def test_an_answer_that_is_not_json_is_permanent() -> None:
    pos, _ = client(lambda request: httpx.Response(200, text="<html>"))
    with pytest.raises(PermanentError, match="not JSON"):
        await pos.call("get_order", {"pos_order_id": "1", "location": LOCATION})


async def test_the_rate_limiter_spaces_calls_evenly() -> None:
    now = [100.0]
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    limiter = RateLimiter(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        await limiter.wait()
    assert waited == [0.25, 0.5]
    assert RateLimiter(None).interval == 0


async def test_a_value_the_manifest_cannot_write_is_permanent_and_nothing_is_sent() -> None:
    """An order type [values.service_type] does not map: the manifest must be fixed."""
    pos, seen = client(reply(201, {}))
    order = {"fulfillment": {"type": "drive_through"}, "lines": []}
    with pytest.raises(PermanentError) as caught:
        await pos.call("create_order", {"key": "k", "order": order, "location": LOCATION})
    assert caught.value.code == "manifest_cannot_write"
    assert "[values.service_type] has no entry for 'drive_through'" in caught.value.reason
    assert seen == []
