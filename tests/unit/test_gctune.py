"""``orderbridge.gctune``: the collector's settings of ``serve`` and ``worker``, and
only theirs.

Each check runs in a fresh interpreter: the settings are process-wide, and the test
process's own collector must stay as pytest left it.
"""

from __future__ import annotations

import json
import subprocess
import sys

from orderbridge import gctune


def _in_fresh_python(code: str) -> dict[str, int]:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    figures: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


_REPORT = (
    "import gc, json; "
    "print(json.dumps({'gen0': gc.get_threshold()[0], 'frozen': gc.get_freeze_count(), "
    "'default_gen0': 700}))"
)


def test_the_long_running_loop_freezes_start_up_and_raises_the_young_threshold() -> None:
    """``runloop.run`` (how ``serve`` and ``worker`` run) applies :func:`gctune.tune`
    before ``main`` starts."""
    figures = _in_fresh_python(
        "import gc, json\n"
        "from orderbridge import runloop\n"
        "async def main():\n"
        "    return {'gen0': gc.get_threshold()[0], 'frozen': gc.get_freeze_count()}\n"
        "print(json.dumps(runloop.run(main())))\n"
    )
    assert figures["gen0"] == gctune.GEN0_THRESHOLD
    assert figures["frozen"] > 10_000  # the imports' modules, functions and classes


def test_a_one_shot_command_keeps_the_interpreter_defaults() -> None:
    """A CLI command that is not ``serve``/``worker`` never goes through the loop, so
    its collector is Python's own (nothing frozen, threshold 700)."""
    figures = _in_fresh_python(
        "from typer.testing import CliRunner\n"
        "from orderbridge.cli import app\n"
        "result = CliRunner().invoke(app, ['--version'])\n"
        "assert result.exit_code == 0, result.output\n" + _REPORT.replace("; ", "\n")
    )
    assert figures["gen0"] == figures["default_gen0"]
    assert figures["frozen"] == 0


def test_tune_keeps_the_older_generations_ratios() -> None:
    figures = _in_fresh_python(
        "import gc, json\n"
        "from orderbridge import gctune\n"
        "gc.set_threshold(700, 11, 12)\n"
        "gctune.tune()\n"
        "print(json.dumps(dict(zip(['gen0', 'gen1', 'gen2'], gc.get_threshold()))))\n"
    )
    assert figures == {"gen0": gctune.GEN0_THRESHOLD, "gen1": 11, "gen2": 12}
