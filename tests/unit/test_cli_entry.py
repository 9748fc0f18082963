"""``orderbridge serve`` and ``worker`` start without Typer (``orderbridge.entry``,
``commands/running.py``), and still mean exactly what the Typer app says they mean."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest
import typer

from orderbridge import cli, entry
from orderbridge.cli import app
from orderbridge.commands import running
from orderbridge.commands.errors import NotReady

COMMANDS = {"serve": running.SERVE_OPTIONS, "worker": running.WORKER_OPTIONS}


def _typer_command(name: str) -> Any:
    group: Any = typer.main.get_command(app)
    return group.get_command(group.context_class(group), name)


def _declared(option: running.Option[Any]) -> tuple[object, ...]:
    on, _, off = option.names.partition("/")
    return (option.param, [on], [off] if off else [], option.default, option.help)


@pytest.mark.parametrize("name", COMMANDS)
def test_typer_declares_the_options_the_lean_entry_reads(name: str) -> None:
    """Names, on/off spellings, defaults and help: one list, in Typer's order."""
    params = [p for p in _typer_command(name).params if p.name != "help"]
    typer_side = [(p.name, p.opts, p.secondary_opts, p.default, p.help) for p in params]
    assert typer_side == [_declared(option) for option in COMMANDS[name]]


PLAIN = [
    ("serve", []),
    ("serve", ["--port", "9100", "--host", "0.0.0.0"]),
    ("serve", ["--port=9100", "--no-workers", "--dev"]),
    ("serve", ["--no-workers", "--workers", "--port", "1", "--port", "2"]),
    ("worker", []),
    ("worker", ["--concurrency", "4", "--no-schedules"]),
    ("worker", ["--metrics-port=9200", "--metrics-host", "0.0.0.0", "--dev", "--schedules"]),
]


@pytest.mark.parametrize(("name", "words"), PLAIN)
def test_a_plain_command_line_reads_as_click_reads_it(name: str, words: list[str]) -> None:
    click_reads = _typer_command(name).make_context(name, list(words)).params
    assert running.parse_options(words, COMMANDS[name]) == click_reads
    assert running.parse([name, *words]) is not None


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--help"],
        ["--debug", "serve"],
        ["--version"],
        ["demo"],
        ["serve", "--help"],
        ["serve", "--port"],
        ["serve", "--port", "x"],
        ["serve", "--port", "-1"],
        ["serve", "--host", "--port"],
        ["serve", "--workers=yes"],
        ["serve", "--concurrency", "3"],
        ["serve", "extra"],
        ["worker", "--host", "0.0.0.0"],
    ],
)
def test_everything_else_goes_to_typer(argv: list[str]) -> None:
    """Help, other commands, mistakes: Typer answers them, as it always did."""
    assert running.parse(argv) is None


def _fresh_python(script: str, **env: str) -> tuple[str, str]:
    """Standard output and error of ``script`` in a fresh interpreter."""
    ran = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={"PATH": "/usr/bin:/bin", **env},
    )
    return ran.stdout, ran.stderr


def test_serve_and_worker_through_the_entry_never_import_typer_or_click(tmp_path: Any) -> None:
    """Up to the pre-flight refusal (the development key), in a fresh interpreter: the
    hub is built, and neither Typer, Click, nor the other commands came with it — and
    the refusal is the same line, and exit code, that the Typer path gives."""
    probe = (
        "import sys\n"
        "from orderbridge import entry\n"
        "sys.argv = ['orderbridge', *sys.argv[1:]]\n"
        "try:\n"
        "    entry.main()\n"
        "except SystemExit as ended:\n"
        "    print('exit', ended.code)\n"
        "loaded = ('typer', 'click', 'orderbridge.cli', 'orderbridge.commands.sandboxes',"
        " 'multiprocessing', 'orderbridge.bootstrap')\n"
        "print(*sorted(m for m in loaded if m in sys.modules))\n"
    )
    env = {"ORDERBRIDGE_DATABASE_URL": f"sqlite:///{tmp_path}/hub.db"}
    for command in ("serve", "worker"):
        lean = probe.replace("sys.argv[1:]", repr([command]))
        out, err = _fresh_python(lean, **env)
        assert out.splitlines() == ["exit 2", "orderbridge.bootstrap"], (out, err)
        assert err.startswith("refusing to start with the development secret key")
        typer_way = lean.replace("entry.main()", "from orderbridge import cli; cli.main()")
        typer_out, typer_err = _fresh_python(typer_way, **env)
        assert typer_out.splitlines()[0] == "exit 2" and "typer" in typer_out.split()
        assert typer_err == err


def test_uvicorn_without_its_command_line_serves_and_still_runs() -> None:
    """``runloop.import_uvicorn``: ``uvicorn.Server``/``Config`` are the real classes,
    Click and multiprocessing stay out, ``uvicorn.run`` reaches the real function."""
    out, _ = _fresh_python(
        "import sys\n"
        "from orderbridge import runloop\n"
        "runloop.import_uvicorn()\n"
        "import uvicorn, uvicorn.server, uvicorn.config\n"
        "assert uvicorn.Server is uvicorn.server.Server\n"
        "assert uvicorn.Config is uvicorn.config.Config\n"
        "left_out = ('click', 'multiprocessing', 'uvicorn.main')\n"
        "print(*sorted(m for m in left_out if m in sys.modules))\n"
        "try:\n"
        "    uvicorn.main(['--version'])\n"
        "except SystemExit as ended:\n"
        "    print('exit', ended.code)\n"
    )
    lines = out.splitlines()
    assert lines[0] == ""  # none of them
    assert lines[1].startswith("Running uvicorn") and lines[2] == "exit 0", out


def _interrupted() -> None:
    raise KeyboardInterrupt


def _not_ready() -> None:
    raise NotReady("the database is not ready: run orderbridge db upgrade")


@pytest.mark.parametrize("command", [_interrupted, _not_ready])
def test_the_lean_entry_ends_a_command_as_the_typer_path_does(
    command: Callable[[], None], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ctrl-C during start-up, or a failure: the same exit code and the same stderr."""
    with pytest.raises(SystemExit) as lean:
        entry.run(command)
    lean_err = capsys.readouterr().err
    one = typer.Typer()
    one.command()(command)
    monkeypatch.setattr("sys.argv", ["orderbridge"])
    with pytest.raises(SystemExit) as typer_way:
        cli.run(one)
    assert (lean.value.code, lean_err) == (typer_way.value.code, capsys.readouterr().err)
