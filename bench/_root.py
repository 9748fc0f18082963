"""The real-process harness of the tests, for the benchmarks.

``uv run python bench/NAME.py`` puts ``bench/`` first on ``sys.path``; the harness
(``tests/reliability/stack.py``: the Poster sandbox, API and worker processes on
127.0.0.1; ``tests/e2e/servers.py``; the throwaway PostgreSQL cluster of
``tests/integration/conftest.py``) lives under ``tests``. This module puts the
repository root on the path and hands those modules over, whatever the import order.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.e2e import servers  # noqa: E402
from tests.integration import conftest as postgres  # noqa: E402
from tests.reliability import stack  # noqa: E402

__all__ = ["ROOT", "cpu_seconds", "postgres", "servers", "stack", "tree_cpu_seconds"]


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds the process ``pid`` has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """CPU seconds of ``pid``, its reaped children, and its live children (Linux).

    For a PostgreSQL postmaster: the server's whole CPU, backends included.
    """
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        own = int(stat.parent.name) == pid
        if own or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / tick
            if own:
                total += (int(fields[13]) + int(fields[14])) / tick
    return total
