"""Auth, Wix's error shape, request bodies and the call faults."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from orderbridge.sandboxes.wix.app import create_app
from orderbridge.sandboxes.wix.faults import FaultConfig, Faults
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import ACCESS_TOKEN
from tests.sandboxes.wix.support import AUTH, READ_ONLY, fresh_world, ok, wix_error

LOCATIONS = "/locations/v1/locations"
MENUS = "/restaurants/menus-menu/v1/menus"


def test_a_call_without_authorization_is_401_in_wix_error_shape(client: TestClient) -> None:
    body = wix_error(client.get(LOCATIONS), 401)
    assert body["details"]["applicationError"]["code"] == "UNAUTHENTICATED"
    assert body["details"]["applicationError"]["description"] == body["message"]


def test_an_unknown_token_is_401(client: TestClient) -> None:
    body = wix_error(client.get(LOCATIONS, headers={"Authorization": "OauthNG.JWS.nope"}), 401)
    assert body["details"]["applicationError"]["code"] == "UNAUTHENTICATED"


def test_the_instance_token_works_bare_or_with_bearer(client: TestClient) -> None:
    ok(client.get(LOCATIONS, headers=AUTH))
    ok(client.get(LOCATIONS, headers={"Authorization": f"Bearer {ACCESS_TOKEN}"}))


def test_a_read_only_token_reads_but_writes_get_403(client: TestClient) -> None:
    ok(client.get(LOCATIONS, headers=READ_ONLY))
    body = wix_error(client.post(MENUS, json={"menu": {"name": "X"}}, headers=READ_ONLY), 403)
    assert body["details"]["applicationError"]["code"] == "PERMISSION_DENIED"


def test_a_revoked_token_stops_working(client: TestClient) -> None:
    issued = ok(client.post("/_sandbox/tokens", json={}), 201)["token"]
    ok(client.get(LOCATIONS, headers={"Authorization": issued}))
    ok(client.post("/_sandbox/tokens/revoke", json={"token": issued}))
    wix_error(client.get(LOCATIONS, headers={"Authorization": issued}), 401)


def test_a_body_that_is_not_json_is_a_validation_error(client: TestClient) -> None:
    body = wix_error(client.post(MENUS, content=b"{nope", headers=AUTH), 400)
    violation = body["details"]["validationError"]["fieldViolations"][0]
    assert violation["field"] == "body"


def test_a_json_array_body_is_rejected(client: TestClient) -> None:
    wix_error(client.post(MENUS, json=[1, 2], headers=AUTH), 400)


def test_next_5xx_fails_exactly_that_many_calls() -> None:
    sandbox = WixSandbox(fresh_world(), faults=Faults(FaultConfig(next_5xx=2)))
    client = TestClient(create_app(sandbox))
    assert [client.get(LOCATIONS, headers=AUTH).status_code for _ in range(3)] == [503, 503, 200]


def test_latency_is_asked_of_the_injected_sleep() -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    sandbox = WixSandbox(fresh_world(), faults=Faults(FaultConfig(latency_ms=250)), sleep=sleep)
    ok(TestClient(create_app(sandbox)).get(LOCATIONS, headers=AUTH))
    assert waits == [0.25]


def test_faults_are_read_and_changed_through_the_control_api(client: TestClient) -> None:
    assert ok(client.get("/_sandbox/faults"))["http_5xx_rate"] == 0
    changed = ok(client.post("/_sandbox/faults", json={"http_5xx_rate": 1.0, "seed": 3}))
    assert changed["http_5xx_rate"] == 1.0
    assert client.get(LOCATIONS, headers=AUTH).status_code == 503
    wix_error(client.post("/_sandbox/faults", json={"bogus": 1}), 400)
    wix_error(client.post("/_sandbox/faults", json={"http_5xx_rate": 2}), 400)


@pytest.mark.parametrize("path", ["/_sandbox/public-key", "/_sandbox/instance", "/checkout"])
def test_control_pages_need_no_token(client: TestClient, path: str) -> None:
    assert client.get(path).status_code == 200
