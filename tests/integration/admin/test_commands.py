"""``orderbridge tenants …`` and ``keys …`` on a real database: what a new user types."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from orderbridge.bootstrap import build_hub
from orderbridge.cli import app
from orderbridge.config import Settings
from tests.integration.support.api import bearer, error_of


@pytest.fixture
def run(db_url: str, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.setenv("ORDERBRIDGE_DATABASE_URL", db_url)
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", "a-test-secret")
    return CliRunner()


def _json(runner: CliRunner, *args: str) -> dict[str, object]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    parsed: dict[str, object] = json.loads(result.stdout)
    return parsed


def test_a_tenant_gets_its_first_admin_key_once(run: CliRunner, db_url: str) -> None:
    created = _json(run, "tenants", "create", "Бріош")
    assert set(created) == {"tenant_id", "admin_key"}
    listed = _json(run, "tenants", "list")["tenants"]
    assert isinstance(listed, list)
    assert [(t["id"], t["name"], t["active_keys"]) for t in listed] == [
        (created["tenant_id"], "Бріош", 1)
    ]
    keys = _json(run, "keys", "list", str(created["tenant_id"]))["keys"]
    assert isinstance(keys, list) and [k["scope"] for k in keys] == ["admin"]
    assert str(created["admin_key"]) not in json.dumps(keys)
    hub = build_hub(Settings(database_url=db_url, secret_key="a-test-secret"))  # type: ignore[arg-type]
    try:
        api = TestClient(hub.app(), headers=bearer(str(created["admin_key"])))
        assert api.get("/api/v1/admin/keys").status_code == 200
    finally:
        hub.engine.dispose()


def test_a_storefront_key_from_the_command_line_cannot_pause(run: CliRunner, db_url: str) -> None:
    tenant = str(_json(run, "tenants", "create", "Café")["tenant_id"])
    key = _json(run, "keys", "create", tenant, "--scope", "storefront")
    assert key["scope"] == "storefront" and key["tenant_id"] == tenant
    hub = build_hub(Settings(database_url=db_url, secret_key="a-test-secret"))  # type: ignore[arg-type]
    try:
        api = TestClient(hub.app(), headers=bearer(str(key["key"])))
        assert api.get("/api/v1/locations").json() == {"locations": []}
        answer = api.post("/api/v1/locations/anything/status", json={"action": "pause"})
        assert error_of(answer)[:2] == (403, "insufficient_scope")
    finally:
        hub.engine.dispose()


def test_revoking_twice_and_unknown_names_fail_in_one_line(run: CliRunner) -> None:
    tenant = str(_json(run, "tenants", "create", "Café")["tenant_id"])
    key = _json(run, "keys", "create", tenant, "--scope", "admin")
    first = run.invoke(app, ["keys", "revoke", str(key["id"])])
    assert first.exit_code == 0 and "revoked" in first.stdout
    for args, code in [
        (["keys", "revoke", str(key["id"])], "already_revoked"),
        (["keys", "revoke", "key_nope"], "unknown_key"),
        (["keys", "create", "ten_nope", "--scope", "admin"], "unknown_tenant"),
        (["keys", "create", tenant, "--scope", "root"], "invalid_scope"),
        (["keys", "list", "ten_nope"], "unknown_tenant"),
        (["tenants", "create", "  "], "invalid_name"),
    ]:
        result = run.invoke(app, args)
        assert result.exit_code == 1, args
        assert result.stderr.startswith(f"{code}: ") and result.stderr.count("\n") == 1, args
        assert result.stdout == ""
