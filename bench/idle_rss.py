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
import time
from pathlib import Path

from _idle_hub import add_env_option, env_values, hub_on_fresh_sqlite, memory, wait_until_idle

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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=15.0, help="seconds idle before reading")
    add_env_option(parser)
    args = parser.parse_args()
    extra = env_values(args.env)
    with hub_on_fresh_sqlite(
        "orderbridge-rss-", workers=1, env={"PYTHONPROFILEIMPORTTIME": "1", **extra}
    ) as running:
        assert running.api is not None
        processes = {"serve": running.api.pid, "worker": running.workers[0].pid}
        wait_until_idle(list(processes.values()))
        time.sleep(args.idle)
        figures = {
            name: {
                **memory(pid),
                "optional_imported": imported(running.folder / log),
            }
            for (name, pid), log in zip(processes.items(), ["api.log", "worker-2.log"], strict=True)
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
