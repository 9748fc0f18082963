"""The whole hub as real processes on 127.0.0.1: Poster sandbox, API, workers.

:func:`hub_stack` seeds the demo tenant (``orderbridge.demo.seed``) into a migrated
database, starts ``orderbridge sandbox poster``, ``orderbridge serve --no-workers`` and
``orderbridge worker`` processes with short leases, fast polling and a short retry
schedule, waits until both locations have a published menu, and stops every process
when the block ends, whatever happened. Workers can be killed (SIGKILL) and started
again, and the sandbox stopped and started again, mid-test.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import select, text

from orderbridge.bootstrap import build_hub
from orderbridge.config import Settings
from orderbridge.demo import DEMO_CONNECTION, DEMO_LOCATIONS, queue_menu_imports, seed
from orderbridge.sandboxes.poster.seed import DEMO_TOKEN, OAUTH_APP_SECRET
from orderbridge.storage import tables as t
from orderbridge.storage.db import make_engine
from tests.e2e.servers import free_port, stop_process, wait_until_up
from tests.patience import HTTP_TIMEOUT, patience

API_KEY = "ob_reliability_storefront_key"
SECRET_KEY = "orderbridge-reliability-test-secret-key"
MARKER = re.compile(r"\[ob:([A-Za-z0-9_\-]+)\]")
LOCATIONS = [location_id for location_id, _name, _spot in DEMO_LOCATIONS]
PAST_RECEIVED = ("submitted", "accepted", "declined", "completed", "canceled")


def lease(seconds: float) -> str:
    """``ORDERBRIDGE_LEASE_SECONDS`` for a test: short, so a killed worker's jobs are
    taken over soon, but scaled with the suite's patience. A lease must outlast any
    stall of its renewal and stay above the POS call's deadline (twice the 2 s call
    timeout of :func:`seed_demo`): a starved machine delays renewals by seconds."""
    return f"{max(patience(seconds), 5.0):g}"


def hub_env(db_url: str, **extra: str) -> dict[str, str]:
    """Environment of the hub's processes: fast, short-leased, quiet."""
    env = {
        "ORDERBRIDGE_DATABASE_URL": db_url,
        "ORDERBRIDGE_SECRET_KEY": SECRET_KEY,
        "ORDERBRIDGE_ALLOW_PRIVATE_URLS": "true",
        "ORDERBRIDGE_LOG_LEVEL": "WARNING",
        "ORDERBRIDGE_LEASE_SECONDS": lease(4),
        "ORDERBRIDGE_POLL_INTERVAL_SECONDS": "0.05",
        "ORDERBRIDGE_RECONCILE_INTERVAL_SECONDS": "3600",
        "ORDERBRIDGE_WORKER_CONCURRENCY": "16",
        "ORDERBRIDGE_RETRY_BASE_SECONDS": "0.2",
        "ORDERBRIDGE_RETRY_CAP_SECONDS": "1",
        "ORDERBRIDGE_RETRY_MAX_ATTEMPTS": "200",
        "ORDERBRIDGE_POS_RATE_PER_SECOND": "1000",
        "ORDERBRIDGE_POS_RATE_BURST": "100",
        "ORDERBRIDGE_BREAKER_COOLDOWN_SECONDS": "0.5",
    }
    env.update(extra)
    return env


def seed_demo(db_url: str, poster_url: str, *, poster_timeout: float) -> None:
    """The demo tenant, its Poster connection (a short call timeout) and menu imports."""
    hub = build_hub(Settings(database_url=db_url, secret_key=SecretStr(SECRET_KEY)))
    try:
        seed(hub, poster_url=poster_url, api_key=API_KEY)
        with hub.sessions.begin() as session:
            connection = session.get(t.Connection, DEMO_CONNECTION)
            assert connection is not None
            connection.settings = {**connection.settings, "timeout_seconds": poster_timeout}
        queue_menu_imports(hub)
    finally:
        hub.engine.dispose()


def _spawn(args: Sequence[str], log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "orderbridge", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **env},
            start_new_session=True,
        )


@dataclass
class Stack:
    """The running processes of one test, and how to reach and disturb them."""

    db_url: str
    folder: Path
    env: dict[str, str]
    poster_port: int = field(default_factory=free_port)
    hub_port: int = field(default_factory=free_port)
    sandbox_args: list[str] = field(default_factory=list)
    # Whether the sandbox sends its webhooks to the hub (off: a test sends its own).
    sandbox_webhooks: bool = True
    # Whether ``orderbridge serve`` runs its own worker too (the demo's setup).
    api_worker: bool = False
    sandbox: subprocess.Popen[bytes] | None = None
    api: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    extra_apis: list[subprocess.Popen[bytes]] = field(default_factory=list)
    spawned: list[subprocess.Popen[bytes]] = field(default_factory=list)

    @property
    def poster_url(self) -> str:
        return f"http://127.0.0.1:{self.poster_port}"

    @property
    def hub_url(self) -> str:
        return f"http://127.0.0.1:{self.hub_port}"

    def _log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    def start_sandbox(self) -> None:
        args = [
            "sandbox",
            "poster",
            "--port",
            str(self.poster_port),
            "--webhook-url",
            f"{self.hub_url}/webhooks/poster" if self.sandbox_webhooks else "",
            "--app-secret",
            OAUTH_APP_SECRET,
            "--webhook-retry-scale",
            "0.01",
            "--fault-seed",
            "7",
            "--state",
            str(self.folder / "poster-state.json"),
            *self.sandbox_args,
        ]
        self.sandbox = _spawn(args, self._log("sandbox"), {})
        self.spawned.append(self.sandbox)
        wait_until_up(
            f"{self.poster_url}/_sandbox/faults", process=self.sandbox, log=self._log("sandbox")
        )

    def stop_sandbox(self) -> None:
        """SIGTERM: the sandbox saves its world (the --state file) and exits."""
        assert self.sandbox is not None
        stop_process(self.sandbox)
        self.sandbox = None

    def start_api(self) -> None:
        workers = "--workers" if self.api_worker else "--no-workers"
        args = ["serve", workers, "--port", str(self.hub_port)]
        self.api = _spawn(args, self._log("api"), self.env)
        self.spawned.append(self.api)
        wait_until_up(f"{self.hub_url}/health", process=self.api, log=self._log("api"))

    def start_extra_api(self) -> str:
        """One more ``orderbridge serve --no-workers`` on the same database; its URL."""
        port = free_port()
        args = ["serve", "--no-workers", "--port", str(port)]
        log = self._log(f"api-{port}")
        process = _spawn(args, log, self.env)
        self.spawned.append(process)
        self.extra_apis.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_until_up(f"{url}/health", process=process, log=log)
        return url

    def start_worker(self) -> subprocess.Popen[bytes]:
        process = _spawn(["worker"], self._log(f"worker-{len(self.spawned)}"), self.env)
        self.spawned.append(process)
        self.workers.append(process)
        return process

    def kill_worker(self, process: subprocess.Popen[bytes]) -> None:
        """kill -9: no shutdown, no cleanup, leases left to expire."""
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        self.workers.remove(process)

    def faults(self, **knobs: Any) -> None:
        response = httpx.post(
            f"{self.poster_url}/_sandbox/faults", json=knobs, timeout=HTTP_TIMEOUT
        )
        response.raise_for_status()

    def close(self) -> None:
        for process in reversed(self.spawned):
            stop_process(process)

    def logs(self) -> str:
        """The tail of every process log, for assertion messages."""
        parts = []
        for log in sorted(self.folder.glob("*.log")):
            parts.append(f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}")
        return "\n".join(parts)


@contextlib.contextmanager
def hub_stack(
    db_url: str,
    folder: Path,
    *,
    workers: int = 1,
    poster_timeout: float = 2.0,
    sandbox_args: Sequence[str] = (),
    sandbox_webhooks: bool = True,
    api_worker: bool = False,
    **env: str,
) -> Iterator[Stack]:
    """Seed, start everything, wait for the menus; stop every process at the end.

    ``api_worker`` runs a worker inside ``orderbridge serve`` as well (the demo's
    one-process setup), besides the ``workers`` separate worker processes.
    """
    stack = Stack(
        db_url=db_url,
        folder=folder,
        env=hub_env(db_url, **env),
        sandbox_args=list(sandbox_args),
        sandbox_webhooks=sandbox_webhooks,
        api_worker=api_worker,
    )
    seed_demo(db_url, stack.poster_url, poster_timeout=poster_timeout)
    try:
        stack.start_sandbox()
        stack.start_api()
        for _ in range(workers):
            stack.start_worker()
        wait_for_menus(stack)
        yield stack
    finally:
        stack.close()


def wait_for_menus(stack: Stack) -> None:
    with httpx.Client(base_url=stack.hub_url, headers=auth(), timeout=HTTP_TIMEOUT) as client:

        def published() -> bool:
            return all(
                client.get(f"/api/v1/locations/{location}/menu").status_code == 200
                for location in LOCATIONS
            )

        deadline = time.monotonic() + patience(60)
        while not published():
            if time.monotonic() > deadline:
                raise AssertionError(f"no menu published in time\n{stack.logs()}")
            time.sleep(0.1)


def auth() -> dict[str, str]:
    return {"authorization": f"Bearer {API_KEY}"}


# Orders ----------------------------------------------------------------------------


def simple_lines(menu: dict[str, Any]) -> list[dict[str, Any]]:
    """Order lines for the menu's plain items (no variants, no required modifiers)."""
    lines = []
    items = [item for category in menu["categories"] for item in category["items"]]
    for item in items:
        if item["variants"] or not item["available"]:
            continue
        if any(group["min"] > 0 for group in item["modifier_groups"]):
            continue
        lines.append({"item_id": item["id"], "quantity": 1})
    assert lines, "the demo menu has no plain item to order"
    return lines


def menu_lines(hub_url: str) -> dict[str, list[dict[str, Any]]]:
    with httpx.Client(base_url=hub_url, headers=auth(), timeout=HTTP_TIMEOUT) as client:
        return {
            location: simple_lines(client.get(f"/api/v1/locations/{location}/menu").json())
            for location in LOCATIONS
        }


def order_body(n: int, lines: dict[str, list[dict[str, Any]]], tag: str) -> dict[str, Any]:
    location = LOCATIONS[n % len(LOCATIONS)]
    choices = lines[location]
    return {
        "location_id": location,
        "channel_order_id": f"{tag}-{n}",
        "items": [choices[n % len(choices)], choices[(n * 7 + 3) % len(choices)]],
        "customer": {"name": f"Guest {n}", "phone": f"+38067{n % 10_000_000:07d}"},
        "fulfillment": {"type": "pickup"},
        "note": "reliability test",
    }


async def post_orders(
    hub_url: str,
    numbers: Sequence[int],
    lines: dict[str, list[dict[str, Any]]],
    *,
    tag: str,
    concurrency: int = 16,
) -> list[str]:
    """POST the orders concurrently; return the ids of those answered 201.

    A request that fails on the network is sent again with the same Idempotency-Key,
    as a storefront would; the hub answers the same order.
    """
    queue = list(numbers)
    created: list[str] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=hub_url, headers=auth(), timeout=HTTP_TIMEOUT, limits=limits
    ) as client:

        async def one(n: int) -> None:
            body = order_body(n, lines, tag)
            for _ in range(5):
                try:
                    response = await client.post(
                        "/api/v1/orders", json=body, headers={"idempotency-key": f"{tag}-{n}"}
                    )
                except httpx.TransportError:
                    await asyncio.sleep(0.2)
                    continue
                assert response.status_code in (200, 201), response.text
                created.append(response.json()["id"])
                return
            raise AssertionError(f"order {n} could not be posted")

        async def lane() -> None:
            while queue:
                await one(queue.pop(0))

        await asyncio.gather(*(lane() for _ in range(concurrency)))
    return created


# What the hub and the POS hold ----------------------------------------------------------


def hub_statuses(db_url: str) -> dict[str, str]:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(t.OrderRecord.id, t.OrderRecord.status)).all()
    finally:
        engine.dispose()
    return {order_id: status for order_id, status in rows}


def timelines(db_url: str) -> dict[str, list[tuple[Any, str, str]]]:
    """Per order, its timeline rows in insertion order: (at, status, event)."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                select(
                    t.TimelineRecord.subject_id,
                    t.TimelineRecord.at,
                    t.TimelineRecord.status,
                    t.TimelineRecord.event,
                )
                .where(t.TimelineRecord.subject_kind == "order")
                .order_by(t.TimelineRecord.id)
            ).all()
    finally:
        engine.dispose()
    found: dict[str, list[tuple[Any, str, str]]] = {}
    for subject, at, status, event in rows:
        found.setdefault(subject, []).append((at, status, event))
    return found


def pos_markers(poster_url: str) -> Counter[str]:
    """How many incoming orders at the sandbox carry each hub marker ``[ob:<id>]``."""
    response = httpx.get(
        f"{poster_url}/api/incomingOrders.getIncomingOrders",
        params={"token": DEMO_TOKEN},
        timeout=HTTP_TIMEOUT,
    )
    response.raise_for_status()
    orders = response.json()["response"]
    return Counter(m for order in orders for m in MARKER.findall(order.get("comment") or ""))


def wait_until_submitted(
    stack: Stack, expected: set[str], *, timeout: float = 120, chaos: Any = None
) -> dict[str, str]:
    """Poll until every expected order is submitted or beyond; return the statuses.

    ``timeout`` is a safety net in unscaled seconds (``tests/patience.py``)."""
    deadline = time.monotonic() + patience(timeout)
    while True:
        statuses = hub_statuses(stack.db_url)
        behind = {o for o in expected if statuses.get(o) not in PAST_RECEIVED}
        if not behind:
            return statuses
        if time.monotonic() > deadline:
            sample = sorted(behind)[:5]
            raise AssertionError(
                f"{len(behind)} orders not submitted in time, e.g. "
                f"{[(o, statuses.get(o)) for o in sample]}\n{job_summary(stack.db_url)}\n"
                f"{stack.logs()}"
            )
        if chaos is not None:
            chaos()
        time.sleep(0.2)


def job_summary(db_url: str) -> str:
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT kind, status, count(*) FROM outbox_jobs GROUP BY kind, status")
            ).all()
    finally:
        engine.dispose()
    return "jobs: " + ", ".join(f"{k}/{s}={n}" for k, s, n in rows)


def db_rows(db_url: str, sql: str, **params: Any) -> list[Any]:
    """Rows of one SQL query on the test's database."""
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql), params).all())
    finally:
        engine.dispose()
