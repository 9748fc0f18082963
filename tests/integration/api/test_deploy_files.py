"""The example Grafana dashboard and Prometheus alert rules in ``deploy/`` use only
metrics the hub really exposes, and the hub's metrics follow Prometheus' conventions."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.support.world import World
from tests.unit.web.bodies import order_body, reservation_body

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
DASHBOARD = DEPLOY / "grafana" / "orderbridge-dashboard.json"
ALERTS = DEPLOY / "prometheus" / "alerts.yml"
# Series Prometheus itself makes for every target.
PROMETHEUS_OWN = {"up", "scrape_duration_seconds", "scrape_samples_scraped"}
_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
    "and", "or", "unless", "inf", "nan",
}  # fmt: skip


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (functions, labels and keywords aside)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # strings
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # ranges
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\$\w+", " ", text)  # Grafana variables
    text = re.sub(r"\b\d+(\.\d+)?([eE][+-]?\d+)?\b", " ", text)  # numbers
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        rest = text[match.end() :].lstrip()
        if rest.startswith("(") or match.group().lower() in _KEYWORDS:
            continue  # a function, or a keyword
        names.add(match.group())
    return names


def test_the_expression_reader_finds_metrics_and_nothing_else() -> None:
    expr = (
        'histogram_quantile(0.99, sum by (le, route) (rate(x_seconds_bucket{route=~"/a/.*"}'
        '[$__rate_interval]))) / on (job) group_left max(y_total{job=~"$job"}) > bool 1e3'
    )
    assert metric_names(expr) == {"x_seconds_bucket", "y_total"}


def dashboard_expressions() -> list[str]:
    document = json.loads(DASHBOARD.read_text())
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("expr"), str):
                found.append(node["expr"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document["panels"])
    for variable in document["templating"]["list"]:
        query = variable.get("query")
        text = query.get("query") if isinstance(query, dict) else None
        if text:
            matched = re.fullmatch(r"label_values\((\w+),\s*\w+\)", text)
            assert matched, text
            found.append(matched.group(1))
    return found


def alert_expressions() -> list[str]:
    document = yaml.safe_load(ALERTS.read_text())
    rules = [rule for group in document["groups"] for rule in group["rules"]]
    assert all({"alert", "expr", "labels", "annotations"} <= set(rule) for rule in rules)
    return [str(rule["expr"]) for rule in rules]


@pytest.fixture
def exposed(world: World) -> dict[str, str]:
    """Every sample name ``/metrics`` shows once the hub has taken an order, a
    reservation and a webhook and run its jobs, with the type of its family."""
    client = TestClient(world.hub.app(), headers={"Authorization": f"Bearer {world.api_key}"})
    assert client.post("/api/v1/orders", json=order_body()).status_code == 201
    assert client.post("/api/v1/reservations", json=reservation_body()).status_code == 201
    client.post("/webhooks/poster", content=b"{}")
    asyncio.run(world.hub.worker().run_until_idle())
    text = client.get("/metrics").text
    return {
        sample.name: family.type
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_every_metric_the_dashboard_and_the_alerts_use_exists(exposed: dict[str, str]) -> None:
    used = {
        name: source
        for source, expressions in (
            ("dashboard", dashboard_expressions()),
            ("alerts", alert_expressions()),
        )
        for expr in expressions
        for name in metric_names(expr)
    }
    assert len(used) >= 10
    missing = {name: source for name, source in used.items() if name not in exposed}
    assert not (set(missing) - PROMETHEUS_OWN), missing


def test_the_hubs_metrics_follow_prometheus_conventions(exposed: dict[str, str]) -> None:
    ours = {name: kind for name, kind in exposed.items() if name.startswith("orderbridge_")}
    assert len(ours) >= 10
    for name, kind in ours.items():
        assert re.fullmatch(r"orderbridge(_[a-z0-9]+)+", name), name
        if kind == "counter":
            assert name.endswith(("_total", "_created")), name
        if kind == "histogram":
            assert re.search(r"_seconds_(bucket|sum|count|created)$", name), name
        if kind == "gauge" or kind == "info":
            assert not name.endswith("_total"), name
