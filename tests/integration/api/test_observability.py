"""Request ids, HTTP metrics, the access log and the log context of requests."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from orderbridge.log import configure_logging, get_logger
from orderbridge.log_context import bind_log_context
from tests.integration.api.test_poster_ingress import signed
from tests.integration.support.world import CONNECTION, World
from tests.unit.web.bodies import order_body, reservation_body


def samples(client: TestClient) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample ``/metrics`` exposes, keyed by name and labels."""
    text = client.get("/metrics").text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    found: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
def json_logs(capsys: pytest.CaptureFixture[str]) -> Iterator[pytest.CaptureFixture[str]]:
    """Logging configured as ``ORDERBRIDGE_LOG_JSON=true`` does, captured; reset after."""
    configure_logging("INFO", json=True)
    capsys.readouterr()
    yield capsys
    configure_logging("INFO", json=False, access_log=False)


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    """The JSON log lines written so far (every line on stderr must be one)."""
    return [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.strip()]


def test_a_request_id_is_made_when_none_is_sent_and_echoed(client: TestClient) -> None:
    first = client.get("/api/v1/locations")
    second = client.get("/api/v1/locations")
    assert first.status_code == 200
    made = first.headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{16}", made) and made != second.headers["X-Request-ID"]


def test_a_sane_request_id_is_kept_and_an_odd_one_replaced(client: TestClient) -> None:
    kept = client.get("/api/v1/locations", headers={"X-Request-ID": "lb-7f3a:2026/11.x"})
    assert kept.headers["X-Request-ID"] == "lb-7f3a:2026/11.x"
    for odd in [b"has space", b"x" * 129, "caf\u00e9".encode("latin-1"), b'{"a":1}', b""]:
        answered = client.get("/api/v1/locations", headers={"X-Request-ID": odd})
        assert answered.headers["X-Request-ID"].encode() != odd
        assert len(answered.headers["X-Request-ID"]) == 16


def test_errors_carry_the_request_id_too(world: World) -> None:
    app = world.hub.app()

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    client = TestClient(app, raise_server_exceptions=False)
    failed = client.get("/boom", headers={"X-Request-ID": "req-500"})
    assert failed.status_code == 500
    assert failed.headers["X-Request-ID"] == "req-500"
    assert (
        client.get("/nowhere", headers={"X-Request-ID": "req-404"}).headers["X-Request-ID"]
        == "req-404"
    )
    found = samples(client)
    assert (
        value(found, "orderbridge_http_requests_total", method="GET", route="/boom", status="500")
        == 1
    )
    assert (
        value(
            found, "orderbridge_http_requests_total", method="GET", route="unmatched", status="404"
        )
        == 1
    )


def test_requests_are_counted_and_timed_by_route_template(client: TestClient) -> None:
    for order_id in ["ord_a", "ord_b", "ord_c"]:
        assert client.get(f"/api/v1/orders/{order_id}").status_code == 404
    client.get("/api/v1/locations")
    found = samples(client)
    route = "/api/v1/orders/{order_id}"
    assert (
        value(found, "orderbridge_http_requests_total", method="GET", route=route, status="404")
        == 3
    )
    assert (
        value(found, "orderbridge_http_request_duration_seconds_count", method="GET", route=route)
        == 3
    )
    assert not any("ord_a" in dict(labels).get("route", "") for _, labels in found)
    assert (
        value(
            found,
            "orderbridge_http_requests_total",
            method="GET",
            route="/api/v1/locations",
            status="200",
        )
        == 1
    )


def test_webhook_ingest_is_counted_under_its_route(world: World) -> None:
    client = TestClient(world.hub.app())
    assert client.post("/webhooks/poster", content=b"{not json").status_code == 400
    found = samples(client)
    assert (
        value(
            found,
            "orderbridge_http_requests_total",
            method="POST",
            route="/webhooks/poster",
            status="400",
        )
        == 1
    )


def test_storefront_orders_and_reservations_are_counted_as_ingested(client: TestClient) -> None:
    assert client.post("/api/v1/orders", json=order_body()).status_code == 201
    assert client.post("/api/v1/orders", json=order_body()).status_code == 201  # a replay
    refused = client.post(
        "/api/v1/orders", json=order_body(channel_order_id="web-2", location_id="nowhere")
    )
    assert refused.status_code == 404
    unknown_item = order_body(channel_order_id="web-3")
    unknown_item["items"][0]["item_id"] = "no-such-item"
    assert client.post("/api/v1/orders", json=unknown_item).status_code == 422
    assert client.post("/api/v1/reservations", json=reservation_body()).status_code == 201
    found = samples(client)
    assert (
        value(found, "orderbridge_ingested_total", source="storefront_order", outcome="stored") == 1
    )
    assert (
        value(found, "orderbridge_ingested_total", source="storefront_order", outcome="duplicate")
        == 1
    )
    assert (
        value(found, "orderbridge_ingested_total", source="storefront_order", outcome="rejected")
        == 1
    )
    assert (
        value(
            found, "orderbridge_ingested_total", source="storefront_reservation", outcome="stored"
        )
        == 1
    )


def test_process_and_build_metrics_are_exposed(client: TestClient) -> None:
    found = {name for name, _ in samples(client)}
    assert {
        "process_cpu_seconds_total",
        "process_resident_memory_bytes",
        "python_gc_collections_total",
        "python_info",
        "orderbridge_build_info",
    } <= found


def test_the_access_log_is_json_without_the_query_string(
    client: TestClient, json_logs: pytest.CaptureFixture[str]
) -> None:
    answered = client.get(
        "/api/v1/orders/ord_missing?api_key=ob_secret_key&code=oauth-code-123",
        headers={"X-Request-ID": "req-access-1"},
    )
    assert answered.status_code == 404
    written = lines(json_logs)
    access = [line for line in written if line.get("logger") == "orderbridge.access"]
    assert len(access) == 1
    line = access[0]
    assert line["event"] == "request"
    assert line["request_id"] == "req-access-1"
    assert line["path"] == "/api/v1/orders/ord_missing"
    assert line["route"] == "/api/v1/orders/{order_id}"
    assert line["status"] == 404 and line["method"] == "GET"
    assert line["order_id"] == "ord_missing"
    assert isinstance(line["duration_ms"], float) and line["timestamp"].endswith("Z")
    raw = json.dumps(written)
    assert "ob_secret_key" not in raw and "oauth-code-123" not in raw


def test_a_created_order_names_itself_in_the_access_line(
    client: TestClient, json_logs: pytest.CaptureFixture[str]
) -> None:
    created = client.post("/api/v1/orders", json=order_body())
    assert created.status_code == 201
    access = [line for line in lines(json_logs) if line.get("logger") == "orderbridge.access"]
    assert access[-1]["order_id"] == created.json()["id"]
    assert access[-1]["request_id"] == created.headers["X-Request-ID"]
    assert "+380" not in json.dumps(access) and "olena@" not in json.dumps(access)


def test_every_line_logged_in_a_request_carries_its_id(
    world: World, json_logs: pytest.CaptureFixture[str]
) -> None:
    """structlog and standard-library lines alike, in the route's worker thread, with the
    path's ids and what the route bound; and nothing of it leaks into the next request."""
    app = world.hub.app()

    @app.get("/api/v1/orders/{order_id}/probe")
    def probe(order_id: str) -> dict[str, str]:
        bind_log_context(connection_id="con_probe")
        get_logger("test.probe").info("probing", detail="structlog")
        logging.getLogger("test.stdlib").warning("probing %s", "stdlib")
        return {"ok": order_id}

    @app.get("/quiet")
    def quiet() -> dict[str, str]:
        get_logger("test.quiet").info("quiet")
        return {}

    client = TestClient(app)
    client.get("/api/v1/orders/ord_42/probe", headers={"X-Request-ID": "req-probe"})
    client.get("/quiet", headers={"X-Request-ID": "req-quiet"})
    written = lines(json_logs)
    probing = [line for line in written if line["event"] in ("probing", "probing stdlib")]
    assert len(probing) == 2
    for line in probing:
        assert line["request_id"] == "req-probe"
        assert line["order_id"] == "ord_42"
        assert line["connection_id"] == "con_probe"
    assert {line["logger"] for line in probing if "logger" in line} >= {"test.stdlib"}
    quiet_line = next(line for line in written if line["event"] == "quiet")
    assert quiet_line["request_id"] == "req-quiet"
    assert "order_id" not in quiet_line and "connection_id" not in quiet_line


def test_the_access_log_can_be_turned_off(
    client: TestClient, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("INFO", json=True, access_log=False)
    capsys.readouterr()
    client.get("/api/v1/locations")
    assert "orderbridge.access" not in capsys.readouterr().err
    configure_logging("WARNING", json=True)
    client.get("/api/v1/locations")
    assert "orderbridge.access" not in capsys.readouterr().err
    configure_logging("INFO", json=False, access_log=False)


def test_a_webhooks_access_line_names_its_connection(
    world: World, json_logs: pytest.CaptureFixture[str]
) -> None:
    client = TestClient(world.hub.app())
    assert client.post("/webhooks/poster", json=signed()).status_code == 200
    access = [line for line in lines(json_logs) if line.get("logger") == "orderbridge.access"]
    assert access[-1]["route"] == "/webhooks/poster"
    assert access[-1]["connection_id"] == CONNECTION
