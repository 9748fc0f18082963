"""What ``bench/idle_rss.py`` and ``bench/first_order.py`` share: a hub on a fresh
SQLite file, the ``--env`` option for A/B runs, waiting until its processes are
quiet, and reading their memory."""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from _root import cpu_seconds, stack
from orderbridge.storage.migrate import upgrade


def add_env_option(parser: argparse.ArgumentParser) -> None:
    """``--env NAME=VALUE`` (repeatable): a variable for the hub's processes, for A/B
    runs (e.g. ``PYTHONPATH=`` another checkout's ``src``)."""
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an environment variable for the hub's processes (A/B runs), repeatable",
    )


def env_values(items: list[str]) -> dict[str, str]:
    """``--env``'s ``NAME=VALUE`` items as a mapping."""
    return dict(item.split("=", 1) for item in items)


@contextmanager
def hub_on_fresh_sqlite(prefix: str, *, workers: int, env: dict[str, str]) -> Iterator[stack.Stack]:
    """The e2e setup (a migrated SQLite file in a temporary folder, the Poster sandbox,
    menus imported) with ``orderbridge serve`` running a worker, and ``workers``
    separate ``orderbridge worker`` processes; everything stopped and removed after."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        db_url = f"sqlite:///{folder / 'orderbridge.db'}"
        upgrade(db_url)
        with stack.hub_stack(db_url, folder, workers=workers, api_worker=True, **env) as running:
            assert running.api is not None
            yield running


def memory(pid: int) -> dict[str, float]:
    """``VmRSS`` and its parts (anonymous memory, mapped files) in MiB, and the threads."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    mib = {
        name: round(int(fields[key].split()[0]) / 1024, 1)
        for name, key in (("rss_mib", "VmRSS"), ("anon_mib", "RssAnon"), ("file_mib", "RssFile"))
    }
    return {**mib, "threads": int(fields["Threads"])}


def wait_until_idle(pids: list[int], *, quiet: float = 0.02, timeout: float = 120.0) -> None:
    """Until every process used under ``quiet`` CPU seconds in a second: on a loaded
    machine a worker may still be importing when the menus are published."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = [cpu_seconds(pid) for pid in pids]
        time.sleep(1.0)
        used = [cpu_seconds(pid) - start for pid, start in zip(pids, before, strict=True)]
        if max(used) < quiet:
            return
