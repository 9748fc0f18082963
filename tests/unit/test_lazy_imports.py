"""Processes import the occasional libraries only for the work that needs them."""

from __future__ import annotations

import subprocess
import sys


def test_building_the_hub_loads_none_of_the_occasional_libraries() -> None:
    """What ``serve`` and ``worker`` import before any work: no Alembic, no psycopg on
    SQLite, no rapidfuzz, Jinja2, jsonschema or phonenumbers — each is imported by the
    work that needs it (docs/benchmarks.md, "Idle RSS")."""
    probe = (
        "import sys, orderbridge.bootstrap, orderbridge.cli\n"
        "heavy = ('alembic', 'mako', 'psycopg', 'rapidfuzz', 'jinja2', 'jsonschema',"
        " 'phonenumbers')\n"
        "print(' '.join(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.split()
    assert loaded == []
