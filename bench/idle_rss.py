"""Benchmark: the resident memory of an idle ``orderbridge serve`` and ``worker``.

Real processes on 127.0.0.1, the setup of ``bench/e2e_orders.py`` (a migrated SQLite
file, the Poster sandbox, menus imported): ``orderbridge serve`` running the API and a
worker, and one separate ``orderbridge worker``. Once the menus are published, both
processes use no CPU and have idled for ``--idle`` seconds more, prints each one's
``VmRSS`` (anonymous and file-backed parts, threads) and which of the heavy,
only-sometimes-needed libraries it has imported (from ``PYTHONPROFILEIMPORTTIME``'s
report in its log), and one JSON object as the last line. ``--env NAME=VALUE`` sets
a variable for the hub's processes (A/B runs, e.g. ``MALLOC_ARENA_MAX=2``).
Runnable alone::

    uv run python bench/idle_rss.py [--idle 15] [--env NAME=VALUE]
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from _root import cpu_seconds, stack
from orderbridge.storage.migrate import upgrade

# Libraries that only some work needs; each one imported by an idle process is memory
# that process pays for nothing. (Pygments stands for Rich: a Rich that a library looked
# for and did not get still shows in the report, as a failed import.)
OPTIONAL = (
    "rapidfuzz",
    "jsonschema",
    "jinja2",
    "phonenumbers",
    "aiohttp",
    "httpx",
    "pygments",
    "jwt",
    "cryptography",
    "fastapi",
    # The web app's occasional parts (web/lazy.py).
    "orderbridge.web.dashboard",
    "orderbridge.web.apidocs",
    "orderbridge.web.routes.admin_keys",
)


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


def imported(log: Path) -> list[str]:
    """The top-level packages of ``OPTIONAL`` that the process's import report names."""
    seen: set[str] = set()
    for line in log.read_text(errors="replace").splitlines():
        if not line.startswith("import time:"):
            continue
        name = line.rsplit("|", 1)[-1].strip()
        if name in OPTIONAL:
            seen.add(name)
    return sorted(seen)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=15.0, help="seconds idle before reading")
    add_env_option(parser)
    args = parser.parse_args()
    extra = dict(item.split("=", 1) for item in args.env)
    with tempfile.TemporaryDirectory(prefix="orderbridge-rss-") as tmp:
        folder = Path(tmp)
        db_url = f"sqlite:///{folder / 'orderbridge.db'}"
        upgrade(db_url)
        with stack.hub_stack(
            db_url, folder, workers=1, api_worker=True, PYTHONPROFILEIMPORTTIME="1", **extra
        ) as running:
            assert running.api is not None
            processes = {"serve": running.api.pid, "worker": running.workers[0].pid}
            wait_until_idle(list(processes.values()))
            time.sleep(args.idle)
            figures = {
                name: {
                    **memory(pid),
                    "optional_imported": imported(folder / log),
                }
                for (name, pid), log in zip(
                    processes.items(), ["api.log", "worker-2.log"], strict=True
                )
            }
    for name, row in figures.items():
        print(
            f"{name}: {row['rss_mib']} MiB idle (anonymous {row['anon_mib']}, files"
            f" {row['file_mib']}; {row['threads']} threads); imported"
            f" {', '.join(row['optional_imported']) or 'none'}"
        )
    load = round(os.getloadavg()[0], 2)
    print(json.dumps({"benchmark": "idle_rss", "load_average": load, "env": extra, **figures}))


if __name__ == "__main__":
    main()
