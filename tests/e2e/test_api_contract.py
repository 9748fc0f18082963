"""schemathesis against the demo's ``/openapi.json``: every operation, with the demo keys.

A real ``orderbridge demo`` (hub, worker, Poster and Wix sandboxes, SQLite) answers
requests that schemathesis generates from the OpenAPI document — its examples first,
then its coverage cases (each constraint at and past its edge), then random ones, then
sequences that follow the document's links (an order created, then read, canceled,
replayed). It must find nothing: no server error, no answer the document does not
describe (status, content type, headers, body schema), no invalid request accepted, no
operation that works without its key, no ``Allow`` header that lies.

One check is left out: ``positive_data_acceptance`` expects every request the schema
allows to succeed, but the API refuses with a 422 what only the domain can judge (an
item not on the menu, a reservation in the past, an unroutable webhook URL), as its
document says.

Deterministic (``--seed``), so CI fails the same way on any machine; to explore, run
with ``ORDERBRIDGE_TEST_FUZZ_SEED=random`` and more ``ORDERBRIDGE_TEST_FUZZ_EXAMPLES``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.poster_demo import ADMIN_KEY, STOREFRONT_KEY, running_demo
from tests.patience import patience

pytestmark = pytest.mark.e2e

EXAMPLES = os.environ.get("ORDERBRIDGE_TEST_FUZZ_EXAMPLES", "15")
SEED = os.environ.get("ORDERBRIDGE_TEST_FUZZ_SEED", "20261124")

CONFIG = f"""
# The storefront key for the storefront API, the admin key for everything else.
headers = {{ Authorization = "Bearer {STOREFRONT_KEY}" }}

[[operations]]
include-path-regex = "^/(api/v1/admin/|connect/|metrics|health)"
headers = {{ Authorization = "Bearer {ADMIN_KEY}" }}
"""


# A hang guard (scaled by the suite's patience), not a budget: schemathesis takes as
# long as the machine needs.
@pytest.mark.timeout(600)
def test_the_demo_keeps_its_openapi_contract(tmp_path: Path) -> None:
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG)
    output = tmp_path / "schemathesis.out"
    with running_demo(tmp_path / "demo", reconcile_seconds=60) as demo:
        command = [
            sys.executable,
            "-m",
            "schemathesis.cli",
            "--config-file",
            str(config),
            "run",
            f"{demo.hub}/openapi.json",
            "--checks",
            "all",
            "--exclude-checks",
            "positive_data_acceptance",
            "--max-examples",
            EXAMPLES,
            "--workers",
            "1",
            "--request-timeout",
            str(int(patience(30))),
            "--no-color",
        ]
        if SEED == "random":
            command += ["--generation-database", "none"]
        else:
            command += ["--seed", SEED, "--generation-deterministic"]
        with output.open("wb") as out:
            finished = subprocess.run(
                command, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, timeout=patience(540)
            )
    text = output.read_text(errors="replace")
    assert finished.returncode == 0, text[-12000:]
    summary = text[text.rfind("SUMMARY") :]
    tested = re.search(r"Tested: (\d+)", summary)
    assert tested and int(tested.group(1)) >= 24, summary  # every operation was run
    assert "❌" not in summary, summary
