"""Containerfile, compose.yaml and the systemd units run commands the CLI really has,
and keep what docs/deploying.md promises (non-root, migration first, connection sizing)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml

from orderbridge import healthcheck
from orderbridge.cli import app
from orderbridge.config import PLACEHOLDER_PREFIX, check_environment

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "deploy" / "systemd"
CONNECTIONS_PER_PROCESS = 16  # pool 5 + overflow 10, + LISTEN (docs/deploying.md)


def check_command(argv: list[str]) -> None:
    """``argv`` (after ``orderbridge``) names a real command and only its real options."""
    command: Any = typer.main.get_command(app)
    words = list(argv)
    while hasattr(command, "get_command") and words and not words[0].startswith("-"):
        found = command.get_command(command.context_class(command), words.pop(0))
        assert found is not None, argv
        command = found
    options = {name for param in command.params for name in getattr(param, "opts", [])}
    options |= {name for param in command.params for name in getattr(param, "secondary_opts", [])}
    for word in words:
        if word.startswith("--"):
            assert word.split("=")[0] in options, f"{word} is not an option of {argv}"


def containerfile() -> str:
    return (ROOT / "Containerfile").read_text()


def instruction(name: str) -> list[str]:
    """The JSON (exec-form) argument of the last ``name`` instruction."""
    found = re.findall(rf"^{name} (\[.*\])$", containerfile(), re.MULTILINE)
    assert found, name
    return list(yaml.safe_load(found[-1]))


def test_the_image_runs_orderbridge_as_an_unprivileged_user() -> None:
    text = containerfile()
    assert re.search(r"^ARG BASE_IMAGE=\S*python:3\.11-slim-bookworm$", text, re.MULTILINE)
    assert re.findall(r"^USER (\S+)$", text, re.MULTILINE)[-1] == "10001:10001"
    assert "uv sync --frozen --no-dev" in text
    assert instruction("ENTRYPOINT") == ["orderbridge"]
    check_command(instruction("CMD"))
    health = re.search(r"^\s+CMD (\[.*\])$", text, re.MULTILINE)
    assert health and yaml.safe_load(health.group(1)) == [
        "python",
        "-m",
        "orderbridge.healthcheck",
    ]


def test_compose_migrates_first_and_runs_one_api_and_two_workers() -> None:
    compose: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"postgres", "migrate", "serve", "worker-1", "worker-2"}
    assert services["migrate"]["command"] == ["db", "upgrade"]
    assert "build" in services["migrate"]
    for name in ["serve", "worker-1", "worker-2"]:
        service = services[name]
        assert service["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}}
        assert service["image"] == services["migrate"]["image"]
        check_command(service["command"])
    for name in ["worker-1", "worker-2"]:
        assert services[name]["command"][:3] == ["worker", "--metrics-port", "9100"]
        assert services[name]["healthcheck"]["test"][-1] == "http://127.0.0.1:9100/metrics"
    assert "--no-workers" in services["serve"]["command"]
    assert services["postgres"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert "pgdata" in compose["volumes"]
    environment = services["serve"]["environment"]
    assert environment["ORDERBRIDGE_SECRET_KEY"].startswith("${ORDERBRIDGE_SECRET_KEY:?")
    command = services["postgres"]["command"]
    max_connections = int(command[command.index("-c") + 1].split("=")[1])
    assert max_connections >= CONNECTIONS_PER_PROCESS * 3 + 10


def unit(path: Path) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    current: dict[str, str] = {}
    for line in path.read_text().splitlines():
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
        elif "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            current[key.strip()] = value.strip()
    return sections


def test_the_systemd_units_run_real_commands_as_the_orderbridge_user() -> None:
    units = sorted(SYSTEMD.glob("*.service"))
    assert {u.name for u in units} == {
        "orderbridge-migrate.service",
        "orderbridge-serve.service",
        "orderbridge-worker@.service",
    }
    for path in units:
        service = unit(path)["Service"]
        assert (service["User"], service["Group"]) == ("orderbridge", "orderbridge")
        assert service["EnvironmentFile"] == "/etc/orderbridge/orderbridge.env"
        argv = shlex.split(service["ExecStart"].replace("%i", "1"))
        assert argv[0] == "/opt/orderbridge/bin/orderbridge"
        check_command(argv[1:])
        if path.name != "orderbridge-migrate.service":
            assert unit(path)["Unit"]["Requires"] == "orderbridge-migrate.service"
    environment = (SYSTEMD / "orderbridge.env").read_text()
    for name in ["DATABASE_URL", "SECRET_KEY", "BASE_URL"]:
        assert f"ORDERBRIDGE_{name}=" in environment
    # Every name in it is a setting, and its secret key is one serve/worker refuse
    # until it is replaced.
    values = dict(
        line.split("=", 1) for line in environment.splitlines() if line and line[0] != "#"
    )
    check_environment(values)
    assert values["ORDERBRIDGE_SECRET_KEY"].startswith(PLACEHOLDER_PREFIX)


def test_systemd_accepts_the_units() -> None:
    """``systemd-analyze verify`` finds nothing but the binary not installed here."""
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze (Debian's systemd package) is needed for this check"
    names = [
        "orderbridge-migrate.service",
        "orderbridge-serve.service",
        "orderbridge-worker@1.service",
        "orderbridge.target",
    ]
    done = subprocess.run(
        [analyze, "verify", *names], cwd=SYSTEMD, capture_output=True, text=True, check=False
    )
    complaints = [
        line
        for line in (done.stdout + done.stderr).splitlines()
        if line.strip() and "/opt/orderbridge/bin/orderbridge is not executable" not in line
    ]
    assert complaints == []


class _Answer(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/live" else 503)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        return None


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Answer)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_the_health_check_passes_only_on_a_2xx(server: str) -> None:
    assert healthcheck.main(["healthcheck", f"{server}/live"]) == 0
    assert healthcheck.main(["healthcheck", f"{server}/degraded"]) == 1
    closed = HTTPServer(("127.0.0.1", 0), _Answer)
    port = closed.server_address[1]
    closed.server_close()
    assert healthcheck.main(["healthcheck", f"http://127.0.0.1:{port}/live"]) == 1
    assert healthcheck.main(["healthcheck", "file:///etc/passwd"]) == 2
