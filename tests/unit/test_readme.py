"""The README's commands are real: every ``orderbridge …`` it shows names a command and
options the CLI has, and every ``curl`` names a method and path the API documents.

The walk itself ("Going live") runs for real in ``tests/e2e/test_going_live.py``; this
catches a renamed command or route the README still shows.
"""

from __future__ import annotations

import itertools
import re
import shlex
from pathlib import Path
from typing import Any

import pytest
from pydantic import SecretStr

from orderbridge.bootstrap import build_hub
from orderbridge.config import Settings
from tests.unit.test_deploy_config import ROOT, check_command

README = (ROOT / "README.md").read_text()
BLOCK = re.compile(r"^```[a-z]*\n(.*?)^```", re.MULTILINE | re.DOTALL)


def blocks() -> list[str]:
    return BLOCK.findall(README)


def commands() -> list[str]:
    """Each ``orderbridge …`` the README shows: code lines, their comments, inline spans."""
    found: list[str] = []
    for block in blocks():
        for line in block.splitlines():
            code, _, comment = ("", "", line) if line.startswith("#") else line.partition("  #")
            if code.strip().startswith("orderbridge "):
                found.append(code.strip())
            if "orderbridge " in comment:
                found.append("orderbridge " + comment.split("orderbridge ", 1)[1].strip("`"))
    prose = BLOCK.sub("", README)
    for span in re.findall(r"`([^`]+)`", prose):
        span = " ".join(span.split()).removeprefix("uv run ")
        if span.startswith("orderbridge "):
            found.append(span)
    return found


def variants(command: str) -> list[list[str]]:
    """``orderbridge deadletters list|retry [ID|--all]`` → each argv it stands for."""
    words = shlex.split(command.replace("…", "X"))[1:]
    choices = [word.strip("[]").split("|") if "|" in word else [word] for word in words]
    return [list(argv) for argv in itertools.product(*choices)]


def test_the_readme_shows_the_commands_of_a_deployment() -> None:
    shown = " ".join(commands())
    for needed in ["db upgrade", "check", "serve", "tenants create", "keys create"]:
        assert f"orderbridge {needed}" in shown, needed
    assert "orderbridge connections add" in shown


@pytest.mark.parametrize("command", commands())
def test_every_command_the_readme_shows_exists(command: str) -> None:
    for argv in variants(command):
        check_command(argv)


def calls() -> list[tuple[str, str]]:
    """(method, path) of every ``curl`` in the README's code blocks."""
    found = []
    for block in blocks():
        for line in block.splitlines():
            if not line.startswith("curl "):
                continue
            words = shlex.split(line.replace("$HUB", "HUB").rstrip("\\"))
            method = words[words.index("-X") + 1] if "-X" in words else "GET"
            [url] = [w for w in words if w.startswith("HUB/")]
            found.append((method.lower(), url.removeprefix("HUB")))
    return found


@pytest.fixture(scope="module")
def documented(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder: Path = tmp_path_factory.mktemp("readme")
    settings = Settings(database_url=f"sqlite:///{folder}/hub.db", secret_key=SecretStr("x" * 32))
    hub = build_hub(settings)
    try:
        paths: dict[str, Any] = hub.app().openapi()["paths"]
    finally:
        hub.engine.dispose()
    return paths


def test_every_call_the_readme_shows_is_documented(documented: dict[str, Any]) -> None:
    shown = calls()
    assert ("post", "/api/v1/admin/connections") in shown and ("post", "/api/v1/orders") in shown
    for method, path in shown:
        matches = [
            template
            for template in documented
            if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path)
            and method in documented[template]
        ]
        assert matches, f"{method.upper()} {path} is not in the OpenAPI document"
