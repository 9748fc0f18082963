"""``orderbridge worker --metrics-port``: a worker process serves its job metrics."""

from __future__ import annotations

import secrets
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from orderbridge.storage.migrate import upgrade
from tests.e2e.servers import free_port, orderbridge_process
from tests.patience import HTTP_TIMEOUT, wait_for

pytestmark = pytest.mark.e2e


def _succeeded(text: str, kind: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == "orderbridge_job_attempts_total" and sample.labels == {
                "kind": kind,
                "outcome": "succeeded",
            }:
                return sample.value
    return 0.0


def test_a_worker_process_serves_its_job_metrics(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    upgrade(url)
    port = free_port()
    metrics = f"http://127.0.0.1:{port}/metrics"
    # A worker refuses the public development key (it would decrypt nothing real).
    env = {
        "ORDERBRIDGE_DATABASE_URL": url,
        "ORDERBRIDGE_SECRET_KEY": secrets.token_hex(32),
        "ORDERBRIDGE_LOG_JSON": "true",
    }
    # On start the worker queues the sweep and the housekeeping, and runs them.
    with orderbridge_process(
        ["worker", "--metrics-port", str(port)],
        ready_url=metrics,
        log=tmp_path / "worker.log",
        env=env,
    ):

        def swept() -> str | None:
            text = httpx.get(metrics, timeout=HTTP_TIMEOUT).text
            return text if _succeeded(text, "orders.sweep") >= 1 else None

        text = wait_for(swept, timeout=60, what="a sweep counted", interval=0.1)
    assert 'orderbridge_outbox_jobs{kind="orders.sweep",status="succeeded"}' in text
    assert "process_cpu_seconds_total" in text
    assert "orderbridge_build_info" in text
