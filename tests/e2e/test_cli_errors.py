"""``orderbridge`` as a real process fails in one line: the development key, unknown or
malformed settings, an unreachable database. (The other refusals — a wrong secret,
unknown ids, an unmigrated database — run in-process: tests/integration/admin/
test_command_errors.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orderbridge import __version__
from orderbridge.storage.migrate import upgrade
from tests.e2e.servers import free_port, orderbridge_process

pytestmark = pytest.mark.e2e
SECRET = "e2e-cli-secret"


def orderbridge(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m orderbridge ARGS`` to its end, with only ``env``'s ORDERBRIDGE_*."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ORDERBRIDGE_")}
    return subprocess.run(
        [sys.executable, "-m", "orderbridge", *args],
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(result: subprocess.CompletedProcess[str], code: int, starts: str) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith(starts), result.stderr
    return result.stderr


@pytest.fixture
def migrated(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    return url


def test_version() -> None:
    result = orderbridge("--version")
    assert result.returncode == 0 and result.stdout == f"orderbridge {__version__}\n"


def test_serve_and_worker_refuse_the_development_key(migrated: str, tmp_path: Path) -> None:
    env = {"ORDERBRIDGE_DATABASE_URL": migrated}
    for command in (["serve", "--port", str(free_port())], ["worker"]):
        one_line(orderbridge(*command, env=env), 2, "refusing to start with the development")
    port = free_port()
    dev = ["serve", "--dev", "--no-workers", "--port", str(port)]
    with orderbridge_process(
        dev,
        ready_url=f"http://127.0.0.1:{port}/health",
        log=tmp_path / "serve.log",
        env={**env, "ORDERBRIDGE_SECRET_KEY": "orderbridge-development-key-not-for-production"},
    ) as process:
        assert process.poll() is None


@pytest.mark.parametrize(
    ("env", "code", "starts"),
    [
        (
            {"ORDERBRIDGE_DATABSE_URL": "sqlite:///x.db"},
            2,
            "configuration: unknown setting ORDERBRIDGE_DATABSE_URL; did you mean "
            "ORDERBRIDGE_DATABASE_URL?",
        ),
        ({"ORDERBRIDGE_DATABASE_URL": "orderbridge.db"}, 2, "configuration: invalid setting"),
        (
            {"ORDERBRIDGE_CONFIG": "/nowhere/orderbridge.toml"},
            2,
            "configuration: ORDERBRIDGE_CONFIG",
        ),
        (
            {"ORDERBRIDGE_DATABASE_URL": "postgresql+psycopg://ob:pw-not-shown@127.0.0.1:1/ob"},
            1,
            "the database cannot be reached",
        ),
    ],
)
def test_bad_configuration_is_one_line(env: dict[str, str], code: int, starts: str) -> None:
    env = env | {"ORDERBRIDGE_SECRET_KEY": SECRET}
    for command in (["tenants", "list"], ["serve", "--port", str(free_port())]):
        message = one_line(orderbridge(*command, env=env), code, starts)
        assert "pw-not-shown" not in message
    checked = orderbridge("check", env=env)
    assert checked.returncode == code and "Traceback" not in checked.stderr
    said = checked.stderr or checked.stdout
    assert starts.removeprefix("configuration: ") in said and "pw-not-shown" not in said
