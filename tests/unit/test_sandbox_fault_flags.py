"""The sandbox commands' shared fault flags reach the vendor's ``FaultConfig`` intact."""

from __future__ import annotations

from collections.abc import Callable

import typer
from typer.testing import CliRunner

from orderbridge.commands.sandbox_faults import fault_flags
from orderbridge.sandboxes.poster.faults import FaultConfig as PosterFaults
from orderbridge.sandboxes.wix.faults import FaultConfig as WixFaults


def _command(config_type: Callable[..., object], *names: str) -> tuple[typer.Typer, list[object]]:
    """A one-command app that records what the decorated command was given."""
    seen: list[object] = []
    app = typer.Typer()

    @app.command()
    @fault_flags(config_type, *names, limit_answer="error 700")
    def run(port: int = 1, *, fault_config: object) -> None:
        seen.append((port, fault_config))

    return app, seen


def test_flags_build_the_config_with_renamed_fields() -> None:
    app, seen = _command(PosterFaults, "latency_ms", "rate_limit_window", "fault_seed")
    result = CliRunner().invoke(
        app, ["--port", "7", "--latency-ms", "40", "--rate-limit-window", "5", "--fault-seed", "3"]
    )
    assert result.exit_code == 0, result.output
    [(port, config)] = seen
    assert port == 7
    assert config == PosterFaults(latency_ms=40, rate_limit_window_seconds=5.0, seed=3)


def test_defaults_are_the_configs_defaults_and_help_names_the_vendor_answer() -> None:
    app, seen = _command(WixFaults, "event_reorder", "http_5xx_rate")
    assert CliRunner().invoke(app, []).exit_code == 0
    assert seen == [(1, WixFaults())]
    app, _ = _command(PosterFaults, "rate_limit_calls")
    assert "before error 700" in CliRunner().invoke(app, ["--help"]).output
