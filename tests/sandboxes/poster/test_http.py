"""The HTTP wire format: encodings, tokens, hosts, formats, unknown methods, faults."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from orderbridge.sandboxes.poster.app import create_app, read_params
from orderbridge.sandboxes.poster.faults import Faults
from orderbridge.sandboxes.poster.sandbox import PosterSandbox, load_world
from tests.sandboxes.poster.worlds import TOKEN, tiny_world


class FakeSleep:
    """Records the waits the sandbox asks for instead of waiting."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleep() -> FakeSleep:
    return FakeSleep()


@pytest.fixture
def sandbox(sleep: FakeSleep) -> PosterSandbox:
    return PosterSandbox(tiny_world(), faults=Faults(), sleep=sleep)


@pytest.fixture
def client(sandbox: PosterSandbox) -> TestClient:
    return TestClient(create_app(sandbox))


def _echo_client() -> TestClient:
    async def echo(request: Request) -> JSONResponse:
        return JSONResponse(await read_params(request))

    return TestClient(Starlette(routes=[Route("/echo", echo, methods=["GET", "POST"])]))


def test_form_body_with_php_brackets_reads_as_php_would() -> None:
    # What PHP's http_build_query makes of the reference's createIncomingOrder example.
    body = "spot_id=1&phone=%2B380680000000&products%5B0%5D%5Bproduct_id%5D=169"
    answer = _echo_client().post(
        "/echo?token=x",
        content=body,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.json() == {
        "token": "x",
        "spot_id": "1",
        "phone": "+380680000000",
        "products": [{"product_id": "169"}],
    }


def test_json_body_keeps_its_types() -> None:
    answer = _echo_client().post("/echo", json={"spot_id": 1, "products": [{"product_id": 169}]})
    assert answer.json() == {"spot_id": 1, "products": [{"product_id": 169}]}


def test_multipart_body_is_read_like_a_form() -> None:
    answer = _echo_client().post(
        "/echo",
        data={"spot_id": "1", "products[0][product_id]": "169"},
        files={"photo": ("p.jpg", b"\xff\xd8", "image/jpeg")},
    )
    assert answer.json() == {"spot_id": "1", "products": [{"product_id": "169"}]}


def test_get_parameters_are_read_from_the_query() -> None:
    answer = _echo_client().get("/echo?category_id=15&type=products")
    assert answer.json() == {"category_id": "15", "type": "products"}


def test_token_with_percent_encoded_colon_works(client: TestClient) -> None:
    answer = client.get("/api/access.getSpots?token=687409%3A4164553abf6a031302898da7800b59fb")
    assert answer.status_code == 200
    assert [s["spot_id"] for s in answer.json()["response"]] == ["1", "2"]


def test_any_host_routes_by_path(client: TestClient) -> None:
    answer = client.get(
        f"/api/access.getSpots?token={TOKEN}&format=json",
        headers={"host": "api-demo.localhost:8010"},
    )
    assert "response" in answer.json()


@pytest.mark.parametrize(
    ("query", "code"),
    [("", 10), ("token=", 10), ("token=1:nope", 11)],
)
def test_token_errors(client: TestClient, query: str, code: int) -> None:
    answer = client.get(f"/api/access.getSpots?{query}")
    assert answer.status_code == 200  # Poster puts API errors in the body
    assert answer.json()["error"]["code"] == code


def test_unknown_method_is_a_defined_error(client: TestClient) -> None:
    answer = client.get(f"/api/menu.makeCoffee?token={TOKEN}")
    assert answer.status_code == 200
    assert answer.json()["error"]["code"] == 42


def test_xml_format_is_refused_with_a_defined_error(client: TestClient) -> None:
    answer = client.get(f"/api/access.getSpots?token={TOKEN}&format=xml")
    assert answer.json()["error"]["code"] == 400


def test_malformed_json_body_is_a_400_error_not_a_crash(client: TestClient) -> None:
    answer = client.post(
        f"/api/access.getSpots?token={TOKEN}",
        content=b"{not json",
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 200
    assert answer.json()["error"]["code"] == 400


def _set_faults(client: TestClient, **knobs: Any) -> dict[str, Any]:
    answer = client.post("/_sandbox/faults", json=knobs)
    assert answer.status_code == 200, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_next_5xx_fails_exactly_the_next_calls(client: TestClient) -> None:
    _set_faults(client, next_5xx=2)
    codes = [client.get(f"/api/access.getSpots?token={TOKEN}").status_code for _ in range(3)]
    assert codes == [503, 503, 200]


def test_next_44_answers_error_44(client: TestClient) -> None:
    _set_faults(client, next_44=1)
    assert client.get(f"/api/access.getSpots?token={TOKEN}").json()["error"]["code"] == 44
    assert "response" in client.get(f"/api/access.getSpots?token={TOKEN}").json()


def test_rate_limit_answers_700_after_n_calls_per_window(client: TestClient) -> None:
    _set_faults(client, rate_limit_calls=3, rate_limit_window_seconds=3600)
    answers = [client.get(f"/api/access.getSpots?token={TOKEN}").json() for _ in range(5)]
    assert ["response" in a for a in answers] == [True, True, True, False, False]
    assert answers[3]["error"]["code"] == 700


def test_full_5xx_rate_fails_every_call(client: TestClient) -> None:
    _set_faults(client, http_5xx_rate=1.0)
    assert {client.get(f"/api/access.getSpots?token={TOKEN}").status_code for _ in range(5)} == {
        503
    }


def test_faults_can_target_one_method(client: TestClient) -> None:
    _set_faults(client, http_5xx_rate=1.0, methods=["settings.getAllSettings"])
    assert client.get(f"/api/access.getSpots?token={TOKEN}").status_code == 200
    assert client.get(f"/api/settings.getAllSettings?token={TOKEN}").status_code == 503


def test_latency_is_added_to_every_call(client: TestClient, sleep: FakeSleep) -> None:
    _set_faults(client, latency_ms=250)
    client.get(f"/api/access.getSpots?token={TOKEN}")
    assert sleep.waits == [0.25]


def test_bad_fault_knobs_are_refused(client: TestClient) -> None:
    assert client.post("/_sandbox/faults", json={"http_5xx_rate": 2}).status_code == 422
    assert client.post("/_sandbox/faults", json={"nonsense": 1}).status_code == 422
    assert client.post("/_sandbox/faults", content=b"[").status_code == 400


def test_faults_reset_with_replace(client: TestClient) -> None:
    _set_faults(client, http_5xx_rate=1.0)
    reset = client.post("/_sandbox/faults?replace=1", json={})
    assert reset.json()["http_5xx_rate"] == 0.0


def test_state_file_round_trip(tmp_path: Path) -> None:
    state = tmp_path / "poster.json"
    sandbox = PosterSandbox(tiny_world(), state_file=state)
    sandbox.world.accounts["api-demo"].products[138].product_name = "Evian 0.5"
    sandbox.save()
    loaded = load_world(state)
    assert loaded.accounts["api-demo"].products[138].product_name == "Evian 0.5"
    assert loaded == sandbox.world
    assert json.loads(state.read_text())["accounts"]["api-demo"]["account_number"] == "687409"


def test_webhook_log_endpoint_lists_and_clears(client: TestClient) -> None:
    with client:
        assert client.get("/_sandbox/webhooks").json() == {"deliveries": []}
        assert client.get("/_sandbox/webhooks?limit=x").status_code == 400
        assert client.delete("/_sandbox/webhooks").json() == {"deleted": True}


def test_revoked_token_answers_11(client: TestClient) -> None:
    client.post("/_sandbox/tokens/revoke", json={"token": TOKEN})
    assert client.get(f"/api/access.getSpots?token={TOKEN}").json()["error"]["code"] == 11
    client.post("/_sandbox/tokens/restore", json={"token": TOKEN})
    assert "response" in client.get(f"/api/access.getSpots?token={TOKEN}").json()


def test_upload_paths_answer_a_placeholder_picture(client: TestClient) -> None:
    answer = client.get("/upload/pos_cdb_687409/menu/product_1403094497_138.jpg")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("image/svg+xml")
    assert "<svg" in answer.text
    assert ">E</text>" in answer.text  # Evian's initial
