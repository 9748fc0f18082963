"""``orderbridge worker --metrics-port``: a worker process serves its job metrics."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from orderbridge.storage.migrate import upgrade
from tests.e2e.servers import free_port, orderbridge_process

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
    env = {"ORDERBRIDGE_DATABASE_URL": url, "ORDERBRIDGE_LOG_JSON": "true"}
    # On start the worker queues the sweep and the housekeeping, and runs them.
    with orderbridge_process(
        ["worker", "--metrics-port", str(port)],
        ready_url=metrics,
        log=tmp_path / "worker.log",
        env=env,
    ):
        deadline = time.monotonic() + 60
        text = httpx.get(metrics).text
        while _succeeded(text, "orders.sweep") < 1 and time.monotonic() < deadline:
            time.sleep(0.1)
            text = httpx.get(metrics).text
    assert _succeeded(text, "orders.sweep") >= 1, text
    assert 'orderbridge_outbox_jobs{kind="orders.sweep",status="succeeded"}' in text
    assert "process_cpu_seconds_total" in text
    assert "orderbridge_build_info" in text
