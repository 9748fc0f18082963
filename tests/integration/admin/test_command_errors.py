"""``orderbridge``'s entry point turns every failure into one line on stderr and an exit
code (``--debug``: the traceback): run in-process, with the real database."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from orderbridge.bootstrap import build_hub
from orderbridge.cli import main
from orderbridge.config import Settings
from orderbridge.storage import admin

SECRET = "command-errors-secret"


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    """``orderbridge ARGS`` through ``main()``: exit code, stdout, stderr."""
    monkeypatch.setattr("sys.argv", ["orderbridge", *args])
    try:
        main()
        code = 0
    except SystemExit as ended:
        code = ended.code if isinstance(ended.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def env(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("ORDERBRIDGE_DATABASE_URL", db_url)
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", SECRET)
    return db_url


def _a_tenant_with_a_connection(db_url: str) -> tuple[str, str]:
    hub = build_hub(Settings(database_url=db_url, secret_key=SecretStr(SECRET)))
    with hub.sessions() as session, session.begin():
        tenant = admin.create_tenant(session, "Café")
        connection = admin.create_connection(
            session,
            hub.cipher,
            tenant,
            kind="poster",
            role="pos",
            name="Poster",
            credentials={"token": "1:abcdefabcdefabcdef"},
            settings={"account": "x"},
            external_account="x",
        )
    hub.engine.dispose()
    return tenant, connection


def test_a_wrong_secret_is_one_line_and_check_says_so(
    env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tenant, connection = _a_tenant_with_a_connection(env)
    assert run(monkeypatch, capsys, "check", "--offline")[0] == 0
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", "another-secret")
    code, _, err = run(monkeypatch, capsys, "connections", "test", connection)
    assert code == 1 and err.startswith("the secret key cannot decrypt") and err.count("\n") == 1
    code, out, _ = run(monkeypatch, capsys, "connections", "list", tenant)  # still listed
    assert code == 0 and "Poster" in out
    code, out, _ = run(monkeypatch, capsys, "check", "--offline")
    assert code == 1 and "FAIL  secret key: cannot decrypt" in out


@pytest.mark.parametrize(
    ("args", "starts"),
    [
        (["menu", "sync", "loc_nope"], "unknown_location: "),
        (["orders", "replay", "ord_nope"], "unknown_order: "),
        (["keys", "revoke", "key_nope"], "unknown_key: "),
        (["connections", "test", "con_nope"], "unknown_connection: "),
        (["connections", "list", "ten_nope"], "unknown_tenant: "),
    ],
)
def test_unknown_ids_are_one_line(
    env: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    starts: str,
) -> None:
    code, out, err = run(monkeypatch, capsys, *args)
    assert code == 1 and out == "" and err.startswith(starts) and err.count("\n") == 1


def test_a_location_without_a_pos_cannot_sync(
    env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    hub = build_hub(Settings(database_url=env, secret_key=SecretStr(SECRET)))
    with hub.sessions() as session, session.begin():
        tenant = admin.create_tenant(session, "Café")
        location = admin.create_location(
            session, tenant, name="Podil", timezone="Europe/Kyiv", currency="UAH"
        )
    hub.engine.dispose()
    code, _, err = run(monkeypatch, capsys, "menu", "sync", location)
    assert code == 1 and err.startswith("no_pos_connection: ")


def test_debug_shows_the_traceback(
    env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.argv", ["orderbridge", "--debug", "menu", "sync", "loc_nope"])
    with pytest.raises(Exception, match="no location loc_nope"):
        main()


def test_an_unmigrated_database_says_what_to_run(
    tmp_path: object, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ORDERBRIDGE_DATABASE_URL", f"sqlite:///{tmp_path}/empty.db")
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", SECRET)
    code, _, err = run(monkeypatch, capsys, "tenants", "list")
    assert (code, err) == (
        1,
        "the database has no orderbridge tables: run orderbridge db upgrade\n",
    )
    code, _, err = run(monkeypatch, capsys, "worker")
    assert code == 1 and "empty, this version needs" in err and "db upgrade" in err


def test_the_example_configurations_placeholder_key_is_refused(
    env: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """deploy/systemd/orderbridge.env's ``CHANGE-ME…`` is as public as the dev key."""
    monkeypatch.setenv("ORDERBRIDGE_SECRET_KEY", "CHANGE-ME-openssl-rand-hex-32")
    for command in (["worker"], ["worker", "--dev"]):
        code, _, err = run(monkeypatch, capsys, *command)
        assert code == 2 and err.startswith("refusing to start with the example's placeholder")
        assert err.count("\n") == 1
    code, out, _ = run(monkeypatch, capsys, "check", "--offline")
    assert code == 1 and "FAIL  secret key: the example's placeholder" in out
