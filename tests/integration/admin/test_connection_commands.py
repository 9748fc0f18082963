"""``orderbridge connections …`` against a Poster sandbox listening on a free port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from typer.testing import CliRunner

from orderbridge.cli import app
from orderbridge.connectors.poster.install_link import InvalidLink, verify_install_link
from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import DEMO_TOKEN, demo_world
from tests.e2e.servers import free_port, serve_in_thread
from tests.integration.admin.setup_support import REFUSED_TOKEN

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def poster_sandbox() -> Iterator[tuple[str, PosterSandbox]]:
    sandbox = PosterSandbox(demo_world())
    with serve_in_thread(create_app(sandbox), free_port()) as base:
        yield base, sandbox


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ORDERBRIDGE_DATABASE_URL", db_url)
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", "a-test-secret")
    monkeypatch.setenv("ORDERBRIDGE_ALLOW_PRIVATE_URLS", "true")
    return CliRunner()


def _json(runner: CliRunner, *args: str) -> Any:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_connect_test_sync_and_remove_from_the_shell(
    run: CliRunner, poster_sandbox: tuple[str, PosterSandbox]
) -> None:
    base, _ = poster_sandbox
    tenant = _json(run, "tenants", "create", "Бріош")["tenant_id"]
    added = _json(
        run, "connections", "add", tenant, "poster", "--token", DEMO_TOKEN, "--base-url", base
    )
    assert [x["external_id"] for x in added["locations"]] == ["1", "2"]
    listed = _json(run, "connections", "list", tenant)["connections"]
    assert [c["id"] for c in listed] == [added["id"]]
    probe = run.invoke(app, ["connections", "test", added["id"]])
    assert probe.exit_code == 0 and "2 places" in probe.stdout
    synced = _json(run, "connections", "sync", added["id"])["locations"]
    assert all(outcome["changed"] for outcome in synced.values())
    renamed = _json(run, "connections", "update", added["id"], "--name", "Poster")
    assert renamed["name"] == "Poster" and renamed["released"] == 0
    removed = run.invoke(app, ["connections", "remove", added["id"]])
    assert removed.exit_code == 0
    assert _json(run, "connections", "list", tenant) == {"connections": []}


def test_refusals_are_one_line_and_store_nothing(
    run: CliRunner, poster_sandbox: tuple[str, PosterSandbox]
) -> None:
    base, sandbox = poster_sandbox
    tenant = _json(run, "tenants", "create", "Бріош")["tenant_id"]
    for args, code in [
        (
            ["connections", "add", tenant, "poster", "--token", REFUSED_TOKEN, "--base-url", base],
            "credentials_refused",
        ),
        (
            ["connections", "add", tenant, "poster", "--token", "nope", "--base-url", base],
            "invalid_token",
        ),
        (["connections", "add", tenant, "square"], "unknown_kind"),
        (
            ["connections", "add", "ten_nope", "poster", "--token", DEMO_TOKEN, "--base-url", base],
            "unknown_tenant",
        ),
        (["connections", "add", tenant, "poster", "--setting", "base_url"], "invalid_setting"),
        (["connections", "test", "con_nope"], "unknown_connection"),
        (["connections", "sync", "con_nope"], "unknown_connection"),
        (["connections", "remove", "con_nope"], "unknown_connection"),
    ]:
        result = run.invoke(app, args)
        assert result.exit_code == 1, (args, result.output)
        assert result.stderr.startswith(f"{code}: ") and result.stderr.count("\n") == 1, args
    assert _json(run, "connections", "list", tenant) == {"connections": []}
    added = _json(
        run, "connections", "add", tenant, "poster", "--token", DEMO_TOKEN, "--base-url", base
    )
    sandbox.world.revoked_tokens.append(DEMO_TOKEN)
    try:
        refused = run.invoke(app, ["connections", "test", added["id"]])
        assert refused.exit_code == 1 and refused.stderr.startswith("reauth_required: ")
    finally:
        sandbox.world.revoked_tokens.remove(DEMO_TOKEN)


def test_any_kind_takes_its_credentials_and_settings_by_name(
    run: CliRunner, poster_sandbox: tuple[str, PosterSandbox], tmp_path: Path
) -> None:
    """``--credential NAME=VALUE`` and ``--setting NAME=VALUE`` (``@FILE`` reads a file):
    what a kind without options of its own (a REST POS's manifest, say) is given by."""
    base, _ = poster_sandbox
    tenant = _json(run, "tenants", "create", "Бріош")["tenant_id"]
    token_file = tmp_path / "token"
    token_file.write_text(DEMO_TOKEN)
    added = _json(
        run,
        "connections",
        "add",
        tenant,
        "poster",
        "--credential",
        f"token=@{token_file}",
        "--credential",
        "application_secret=s3cret",
        "--setting",
        f"base_url={base}",
        "--name",
        "Poster by name",
    )
    assert added["name"] == "Poster by name"
    assert added["credentials"] == ["application_secret", "token"]
    assert added["settings"]["base_url"] == base and len(added["locations"]) == 2
    missing = run.invoke(app, ["connections", "add", tenant, "poster", "--credential", "x=@/no"])
    assert missing.exit_code == 1 and missing.stderr.startswith("invalid_credential: no file")


def test_an_install_link_for_the_owner_from_the_shell(
    run: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``orderbridge connections install-link TENANT``: a signed link, no key in it."""
    tenant = _json(run, "tenants", "create", "Бріош")["tenant_id"]
    disabled = run.invoke(app, ["connections", "install-link", tenant])
    assert disabled.exit_code == 1 and disabled.stderr.startswith("marketplace_disabled")
    monkeypatch.setenv("ORDERBRIDGE_POSTER_APPLICATION_ID", "76")
    monkeypatch.setenv("ORDERBRIDGE_POSTER_APPLICATION_SECRET", "app-secret")
    monkeypatch.setenv("ORDERBRIDGE_BASE_URL", "https://hub.example.com")
    made = _json(run, "connections", "install-link", tenant, "--minutes", "10")
    prefix = "https://hub.example.com/connect/poster?link="
    assert made["url"].startswith(prefix)
    token = parse_qs(urlsplit(made["url"]).query)["link"][0]
    expires = datetime.fromisoformat(made["expires_at"])
    assert verify_install_link(token, secret_key="a-test-secret", now=expires) == tenant
    with pytest.raises(InvalidLink):
        verify_install_link(token, secret_key="a-test-secret", now=expires + timedelta(seconds=1))
    plain = run.invoke(app, ["connections", "install-link", tenant])
    assert plain.exit_code == 0 and plain.stdout.strip().startswith(prefix)
    unknown = run.invoke(app, ["connections", "install-link", "ten_nobody"])
    assert unknown.exit_code == 1 and unknown.stderr.startswith("unknown_tenant")
