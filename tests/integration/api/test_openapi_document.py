"""The OpenAPI document says what each operation needs and answers, and the documentation
pages it feeds are served from the package."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderbridge.web.apidocs import ASSETS, STATIC
from tests.integration.support.world import World

OPEN = {
    ("get", "/health"),
    ("get", "/health/live"),
    ("get", "/health/ready"),
    ("get", "/metrics"),
    ("post", "/webhooks/poster"),
}
OPEN |= {("post", "/webhooks/wix/{connection}"), ("post", "/webhooks/pos/{connection}")}
OPEN |= {("get", "/connect/poster/callback")}


@pytest.fixture
def document(world: World) -> dict[str, Any]:
    found: dict[str, Any] = TestClient(world.hub.app()).get("/openapi.json").json()
    return found


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_the_bearer_scheme_is_declared_and_required_where_a_key_is(
    document: dict[str, Any],
) -> None:
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    for method, path, operation in operations(document):
        if (method, path) in OPEN:
            assert "security" not in operation, (method, path)
        elif (method, path) == ("get", "/connect/poster"):  # a key, or a signed link
            assert operation["security"] == [{"bearerAuth": []}, {}]
            assert {p["name"] for p in operation["parameters"]} >= {"link", "account"}
            assert "api_key" not in {p["name"] for p in operation["parameters"]}
        else:
            assert operation["security"] == [{"bearerAuth": []}], (method, path)
            assert "401" in operation["responses"], (method, path)


def test_every_route_of_the_app_is_documented(world: World, document: dict[str, Any]) -> None:
    documented = {(m.upper(), p) for m, p, _ in operations(document)}
    assert ("POST", "/webhooks/poster") in documented
    assert ("POST", "/webhooks/wix/{connection}") in documented
    assert ("POST", "/webhooks/pos/{connection}") in documented
    for route in world.hub.app().routes:
        path = getattr(route, "path", "")
        if path.startswith(("/api/", "/webhooks/")):
            for method in getattr(route, "methods", ()):
                assert (method, path) in documented, (method, path)


def test_errors_are_per_operation_with_the_error_body_and_examples(
    document: dict[str, Any],
) -> None:
    statuses = {
        (method, path): {s for s in operation["responses"] if int(s) >= 400}
        for method, path, operation in operations(document)
    }
    # Every operation may answer 400: web/guards.py refuses control characters first;
    # every keyed one 429 (over its key's rate) and 503 (the database away).
    keyed = {"400", "401", "429", "503"}
    assert statuses[("get", "/api/v1/locations")] == keyed
    assert statuses[("get", "/api/v1/orders/{order_id}")] == keyed | {"404"}
    assert statuses[("post", "/api/v1/orders")] == keyed | {"404", "409", "413", "415", "422"}
    assert statuses[("get", "/api/v1/admin/deadletters")] == keyed | {"403", "422"}
    assert statuses[("get", "/metrics")] == {"400"}
    for method, path, operation in operations(document):
        for status, answer in operation["responses"].items():
            if int(status) < 400 or "text/html" in answer["content"]:
                continue
            content = answer["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
            assert content["examples"], (method, path, status)
            for example in content["examples"].values():
                assert set(example["value"]["error"]) == {"code", "message", "field"}
    schemas = document["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas


def test_metrics_are_plain_text_and_orders_have_examples(document: dict[str, Any]) -> None:
    metrics = document["paths"]["/metrics"]["get"]["responses"]["200"]["content"]
    assert set(metrics) == {"text/plain"}
    create = document["paths"]["/api/v1/orders"]["post"]
    assert set(create["requestBody"]["content"]["application/json"]["examples"]) == {
        "pickup",
        "delivery",
    }
    created = create["responses"]["201"]
    assert created["content"]["application/json"]["example"]["status"] == "received"
    assert "ReadOrder" in created["links"]
    menu = document["paths"]["/api/v1/locations/{location_id}/menu"]["get"]
    assert menu["responses"]["200"]["content"]["application/json"]["example"]["categories"]


def test_a_405_names_every_method_of_the_path(world: World) -> None:
    client = TestClient(world.hub.app())
    answered = client.delete("/api/v1/webhooks")
    assert answered.status_code == 405
    assert answered.headers["allow"] == "GET, POST"


def test_the_documentation_pages_load_their_viewers_from_the_hub(world: World) -> None:
    client = TestClient(world.hub.app())
    for page in ["/docs", "/redoc"]:
        answered = client.get(page)
        assert answered.status_code == 200
        assert "'self'" in answered.headers["content-security-policy"]
        sources = re.findall(r'(?:src|href)="([^"]+)"', answered.text)
        assert sources and all(s.startswith("/") for s in sources), sources
        for source in sources:
            if source.startswith("/docs/static/"):
                asset = client.get(source)
                assert asset.status_code == 200 and len(asset.content) > 500, source
    assert client.get("/docs/static/../../secrets").status_code == 404
    assert client.get("/docs/static/nothing.js").status_code == 404


def test_the_vendored_viewers_are_the_recorded_files() -> None:
    """Each vendored file's SHA-256 is the one static/README.md records."""
    readme = (STATIC / "README.md").read_text()
    recorded = dict(
        (name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.M)
    )
    served = {path for path, _ in ASSETS.values()}
    assert set(recorded) == served
    for path, digest in recorded.items():
        assert hashlib.sha256((STATIC / path).read_bytes()).hexdigest() == digest, path
