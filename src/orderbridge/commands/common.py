"""What every command shares: the hub, JSON output and one-line failures."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, NoReturn

import typer

if TYPE_CHECKING:
    from orderbridge.bootstrap import Hub


def fail(message: str, exit_code: int = 1) -> NoReturn:
    """End the command: ``message`` as one line on stderr, then ``exit_code``."""
    typer.echo(message, err=True)
    raise typer.Exit(exit_code)


def build() -> Hub:
    """The hub of the configured deployment (settings from the environment or TOML)."""
    from orderbridge.bootstrap import build_hub
    from orderbridge.config import load_settings
    from orderbridge.log import configure_logging

    settings = load_settings()
    # A one-shot command says what went wrong in its one line (``commands/errors.py``);
    # the process's own warnings ("database unavailable") would say it a second time.
    configure_logging("ERROR", json=settings.log_json, access_log=False)
    return build_hub(settings)


@contextlib.contextmanager
def hub() -> Iterator[Hub]:
    """``build()`` for one command: its database connections are closed at the end."""
    built = build()
    try:
        yield built
    finally:
        built.engine.dispose()


def echo_json(value: Any) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=2, default=str))


JsonOption = typer.Option("--json", help="Print JSON instead of text.")
