"""The ``orderbridge`` command (and ``python -m orderbridge``).

``orderbridge serve …`` and ``orderbridge worker …`` in their plain forms run straight
from ``commands.running``, without importing Typer, Click and the other commands
(memory the long-running processes would keep for nothing; docs/benchmarks.md,
"Idle RSS … (round 6, rss2)"). Every other command line goes to the Typer app
(``cli.main``), which declares the same options and so answers ``--help`` and
mistakes as it always did. Failures are one line on stderr either way
(``commands.errors``); ``--debug`` always takes the Typer path, and shows the traceback.
"""

from __future__ import annotations

import sys
from collections.abc import Callable


def main() -> None:
    """Run the command line in ``sys.argv``."""
    from orderbridge.commands.running import parse

    command = parse(sys.argv[1:])
    if command is None:
        from orderbridge.cli import main as typer_main

        typer_main()
        return
    run(command)


def run(command: Callable[[], None]) -> None:
    """Run ``command``, ending as the Typer path would: a failure as one line on stderr
    and its exit code (``commands.errors``); Ctrl-C before the event loop handles it, 130."""
    try:
        command()
    except KeyboardInterrupt:
        raise SystemExit(130) from None
    except Exception as error:
        from orderbridge.commands.errors import explain

        message, code = explain(error)
        print(message, file=sys.stderr)
        raise SystemExit(code) from None
