"""Manifests: the shipped schema is the models', and a bad manifest is refused whole with
the file, the line and the reason of every problem."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from orderbridge.cli import app
from orderbridge.connectors.rest_pos import loading
from orderbridge.connectors.rest_pos.checks import url_problems
from orderbridge.connectors.rest_pos.connector import capabilities
from orderbridge.connectors.rest_pos.loading import ManifestError, load_text, schema, shipped_text
from orderbridge.connectors.rest_pos.manifest import json_schema

SANDBOX = shipped_text("sandbox")
KIOSKO = (Path(__file__).parents[2] / "contract" / "kiosko" / "manifest.toml").read_text()


def problems(text: str) -> list[str]:
    with pytest.raises(ManifestError) as caught:
        load_text(text, source="pos.toml")
    return caught.value.lines()


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_published_schema_is_the_models_schema() -> None:
    """manifest.schema.json ships in the package; regenerate it with `orderbridge manifest
    schema` whenever the models change."""
    assert schema() == json.loads(json.dumps(json_schema()))


def test_the_shipped_and_the_test_manifests_are_valid_and_say_what_they_can_do() -> None:
    sandbox = capabilities(load_text(SANDBOX))
    kiosko = capabilities(load_text(KIOSKO))
    assert sandbox.cancel_orders and sandbox.reservations and sandbox.availability_webhooks
    assert kiosko.orders and kiosko.order_lookup_by_key and kiosko.menu_item_refresh
    assert not (kiosko.cancel_orders or kiosko.reservations)
    assert loading.shipped_names() == ["sandbox"]


def test_an_unknown_key_points_at_its_line_with_a_suggestion() -> None:
    bad = SANDBOX.replace(
        'method = "POST"\npath = "/v2/stores/{{ location.external_id }}/tickets"',
        'methd = "POST"\npath = "/v2/stores/{{ location.external_id }}/tickets"',
        1,
    )
    [problem] = problems(bad)
    assert problem == (
        f"pos.toml:{line_of(bad, 'methd')}: services.create_order.methd: "
        "unknown key 'methd' (did you mean 'method'?)"
    )


def test_an_unknown_service_is_named_with_a_suggestion() -> None:
    bad = SANDBOX.replace("[services.get_order]", "[services.get_ordr]")
    [problem] = problems(bad)
    assert f":{line_of(bad, '[services.get_ordr]')}: services.get_ordr:" in problem
    assert "did you mean 'get_order'" in problem


def test_every_semantic_problem_is_reported_at_its_line() -> None:
    bad = (
        SANDBOX.replace('token = "{{ credentials.api_key }}"', 'token = "ct_live_123"')
        .replace("{{ line.quantity }}", "{{ line.qty }}")
        .replace('records = "sizes[*]"', 'records = "sizes[?(@.soldOut)]"')
        .replace("http://127.0.0.1:8030", "http://pos.example.com")
    )
    found = problems(bad)
    assert any(
        f":{line_of(bad, 'ct_live_123')}: auth.token: secrets are never written" in p for p in found
    )
    assert any(
        "services.create_order.body.lines.quantity: unknown name 'line.qty'" in p for p in found
    )
    assert any("menu.items.variants.records" in p and "filters" in p for p in found)
    assert any("api.base_url: plain http is allowed only on loopback" in p for p in found)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[services.create_order]", "[services.old_create]"), "unknown name 'old_create'"),
        (('strategy = "find"', 'strategy = "header"'), "strategy 'header' needs the header's name"),
        (("[services.find_order]", "[services.find_orders]"), "unknown name"),
        (
            ('secret = "{{ credentials.webhook_secret }}"', 'secret = "{{ credentials.hook }}"'),
            "credentials.hook is not declared",
        ),
        (
            ('format = "t={timestamp},v1={signature}"', 'format = "t={timestamp}"'),
            "must contain {signature}",
        ),
        (
            ('item_id = "$.data.sku"', 'item_id = "$.data[?(@.sku)]"'),
            "use [n]",
        ),
    ],
)
def test_manifest_mistakes_are_refused(change: tuple[str, str], message: str) -> None:
    assert any(message in p for p in problems(SANDBOX.replace(*change, 1)))


def test_not_toml_is_refused_at_its_line() -> None:
    [problem] = problems('version = 1\nname = "unterminated\n')
    assert problem.startswith("pos.toml:2: (top): not valid TOML")


def test_create_order_is_required() -> None:
    minimal = """
version = 1
name = "Empty"
[api]
base_url = "https://pos.example"
[auth]
type = "none"
[money]
format = "minor_units"
[idempotency]
strategy = "header"
header = "Idempotency-Key"
[statuses]
[services.locations]
path = "/places"
"""
    assert any("create_order is required" in p for p in problems(minimal))


@pytest.mark.parametrize(
    ("url", "private", "problem"),
    [
        ("https://pos.example.com/api", False, None),
        ("http://127.0.0.1:8030", True, None),
        ("http://127.0.0.1:8030", False, "loopback or private"),
        ("https://10.1.2.3", False, "loopback or private"),
        ("http://pos.example.com", True, "plain http"),
        ("https://user:pw@pos.example.com", True, "credentials in the URL"),
        ("https://pos.example.com/?x=1", True, "no query"),
        ("ftp://pos.example.com", True, "not an http(s) URL"),
    ],
)
def test_base_urls_must_be_safe_to_call(url: str, private: bool, problem: str | None) -> None:
    found = url_problems(url, allow_private=private)
    assert (not found) if problem is None else any(problem in p for p in found)


def test_manifest_check_prints_ok_or_every_problem_and_fails(tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "good.toml"
    good.write_text(SANDBOX, encoding="utf-8")
    ok = runner.invoke(app, ["manifest", "check", str(good)])
    assert ok.exit_code == 0 and "ok — Countertop POS (sandbox): orders" in ok.stdout
    bad = tmp_path / "bad.toml"
    bad.write_text(SANDBOX.replace("[services.get_order]", "[services.get_ordr]"), encoding="utf-8")
    refused = runner.invoke(app, ["manifest", "check", str(bad)])
    assert refused.exit_code == 1 and f"{bad}:" in refused.stderr and "get_ordr" in refused.stderr
    missing = runner.invoke(app, ["manifest", "check", str(tmp_path / "none.toml")])
    assert missing.exit_code == 1 and "cannot read" in missing.stderr
