"""Smoke test of a built container image without a container runtime.

``python scripts/container_smoke.py IMAGE`` (root; ``scripts/container.sh`` calls it)
mounts the image read-only (``podman image mount``) and runs what the image defines —
its entrypoint, user, working directory, environment and health check, read from the
image's configuration — under ``chroot``, each process in its own mount namespace with
``/proc``, ``/dev`` and empty ``/tmp`` and home directories. The host's loopback network
is shared, so the processes reach a throwaway PostgreSQL (``ORDERBRIDGE_TEST_POSTGRES_URL``
or one started here) and each other:

1. ``orderbridge db upgrade`` migrates a fresh database;
2. ``orderbridge sandbox poster`` (from the image) plays Poster;
3. the demo café is seeded with the image's Python (tenant, keys, Poster connection);
4. ``orderbridge serve`` answers, the image's ``HEALTHCHECK`` passes against it;
5. a menu sync, then an order through the storefront API, which must reach the sandbox
   exactly once, with the request's id in the JSON logs.

Prints each step and its time; exits non-zero with the processes' logs on failure.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.poster_demo import wait_for  # noqa: E402
from tests.e2e.servers import free_port  # noqa: E402
from tests.integration.conftest import postgres_server  # noqa: E402

from orderbridge.demo import DEMO_ADMIN_KEY, DEMO_TENANT  # noqa: E402
from orderbridge.sandboxes.poster.seed import DEMO_ACCOUNT, OAUTH_APP_SECRET  # noqa: E402
from orderbridge.storage.db import make_engine  # noqa: E402
from orderbridge.web.openapi_examples import ORDER_IN  # noqa: E402

STOREFRONT_KEY = "ob_container_smoke_storefront_key"
LOCATION = ORDER_IN["location_id"]


def step(message: str) -> None:
    print(f"[container smoke {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Image:
    """A mounted image and the way to run its programs under chroot."""

    def __init__(self, name: str, root: Path, config: dict[str, Any], logs: Path) -> None:
        self.name = name
        self.root = root
        self.config = config
        self.logs = logs
        self.processes: list[tuple[str, subprocess.Popen[bytes]]] = []

    @property
    def entrypoint(self) -> list[str]:
        return list(self.config.get("Entrypoint") or [])

    def command(self, argv: list[str], env: dict[str, str]) -> list[str]:
        """The host command that runs ``argv`` in the image as the image would."""
        image_env = dict(e.split("=", 1) for e in self.config.get("Env") or [])
        variables = {**image_env, "HOME": self.config.get("WorkingDir") or "/", **env}
        user = self.config.get("User") or "0:0"
        workdir = self.config.get("WorkingDir") or "/"
        root = shlex.quote(str(self.root))
        inner = [
            "chroot",
            f"--userspec={user}",
            str(self.root),
            "/usr/bin/env",
            "-i",
            "-C",
            workdir,
            *[f"{k}={v}" for k, v in variables.items()],
            *argv,
        ]
        uid, _, gid = user.partition(":")
        script = " && ".join(
            [
                f"mount -t proc proc {root}/proc",
                f"mount --rbind /dev {root}/dev",
                f"mount -t tmpfs tmpfs {root}/tmp",
                f"mount -t tmpfs -o uid={uid},gid={gid or uid},mode=0750 tmpfs "
                f"{root}{shlex.quote(workdir)}",
                "exec " + shlex.join(inner),
            ]
        )
        return ["unshare", "--mount", "--propagation", "private", "--fork", "--kill-child",
                "sh", "-c", script]  # fmt: skip

    def run(self, name: str, argv: list[str], env: dict[str, str], timeout: float = 180) -> str:
        """Run to completion; its output, or AssertionError with it."""
        done = subprocess.run(
            self.command(argv, env), capture_output=True, timeout=timeout, check=False
        )
        output = (done.stdout + done.stderr).decode(errors="replace")
        (self.logs / f"{name}.log").write_text(output)
        if done.returncode != 0:
            raise AssertionError(f"{name} exited {done.returncode}:\n{output[-4000:]}")
        return output

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        out = (self.logs / f"{name}.log").open("wb")
        process = subprocess.Popen(
            self.command(argv, env), stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append((name, process))

    def check_alive(self) -> None:
        for name, process in self.processes:
            if process.poll() is not None:
                raise AssertionError(f"{name} exited {process.returncode}: {self.log(name)}")

    def log(self, name: str) -> str:
        path = self.logs / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def stop(self) -> None:
        for _name, process in reversed(self.processes):
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for _name, process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@contextlib.contextmanager
def mounted(name: str, logs: Path) -> Iterator[Image]:
    inspected = json.loads(subprocess.check_output(["podman", "image", "inspect", name]))
    # The health check sits beside Config in ``podman image inspect``'s answer.
    config = {**inspected[0]["Config"], "Healthcheck": inspected[0].get("Healthcheck") or {}}
    root = Path(subprocess.check_output(["podman", "image", "mount", name], text=True).strip())
    image = Image(name, root, config, logs)
    try:
        yield image
    finally:
        image.stop()
        subprocess.run(["podman", "image", "unmount", name], capture_output=True, check=False)


@contextlib.contextmanager
def empty_database() -> Iterator[str]:
    """A new, empty PostgreSQL database (the image migrates it); dropped at the end."""
    with postgres_server() as (admin_url, _folder):
        name = f"orderbridge_smoke_{uuid.uuid4().hex[:8]}"
        admin = make_engine(admin_url).execution_options(isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


SEED = """
import sys
from orderbridge.bootstrap import build_hub
from orderbridge.config import load_settings
from orderbridge.demo import seed
hub = build_hub(load_settings())
assert seed(hub, poster_url=sys.argv[1], api_key=sys.argv[2])
print("seeded")
"""


def smoke(image: Image, database_url: str) -> None:
    hub_port, poster_port = free_port(), free_port()
    hub = f"http://127.0.0.1:{hub_port}"
    poster = f"http://127.0.0.1:{poster_port}"
    env = {
        "ORDERBRIDGE_DATABASE_URL": database_url,
        "ORDERBRIDGE_SECRET_KEY": uuid.uuid4().hex + uuid.uuid4().hex,
        "ORDERBRIDGE_BASE_URL": hub,
        # The sandbox listens on loopback, which the SSRF guard refuses otherwise.
        "ORDERBRIDGE_ALLOW_PRIVATE_URLS": "true",
    }
    orderbridge = image.entrypoint
    assert orderbridge, f"the image has no entrypoint: {image.config}"

    step("entrypoint --help")
    assert "serve" in image.run("help", [*orderbridge, "--help"], env)
    step("db upgrade")
    assert "revision" in image.run("db-upgrade", [*orderbridge, "db", "upgrade"], env)

    step("Poster sandbox from the image")
    image.start(
        "sandbox",
        [*orderbridge, "sandbox", "poster", "--host", "127.0.0.1", "--port", str(poster_port),
         "--webhook-url", f"{hub}/webhooks/poster", "--app-secret", OAUTH_APP_SECRET],
        env,
    )  # fmt: skip
    step("seed the demo café with the image's Python")
    image.run("seed", ["python", "-c", SEED, poster, STOREFRONT_KEY], env)

    step("serve")
    serve_args = [*orderbridge, "serve", "--host", "127.0.0.1", "--port", str(hub_port)]
    image.start("serve", serve_args, env)
    wait_for(lambda: _answers(image, f"{hub}/health"), timeout=120, what="serve answering")

    healthcheck = (image.config.get("Healthcheck") or {}).get("Test") or []
    assert healthcheck[:1] == ["CMD"], f"the image has no exec-form health check: {healthcheck}"
    step(f"the image's health check: {shlex.join(healthcheck[1:])}")
    # The image's default is /health/live on port 8000; here the port is a free one.
    # A hub that documents no /health/live yet (before its liveness probe) gets /health.
    paths = httpx.get(f"{hub}/openapi.json").json()["paths"]
    live = "/health/live" if "/health/live" in paths else "/health"
    image.run(
        "healthcheck",
        healthcheck[1:],
        {**env, "ORDERBRIDGE_HEALTHCHECK_URL": f"{hub}{live}"},
        timeout=60,
    )

    admin = {"Authorization": f"Bearer {DEMO_ADMIN_KEY}"}
    storefront = {"Authorization": f"Bearer {STOREFRONT_KEY}"}
    step("menu sync, then an order through the storefront API")
    synced = httpx.post(f"{hub}/api/v1/admin/locations/{LOCATION}/menu/sync", headers=admin)
    assert synced.status_code == 200, synced.text
    menu_url = f"{hub}/api/v1/locations/{LOCATION}/menu"
    published = lambda: httpx.get(menu_url, headers=storefront).status_code == 200  # noqa: E731
    wait_for(published, timeout=120, what="the menu published")
    request_id = f"smoke-{uuid.uuid4().hex[:12]}"
    placed = httpx.post(
        f"{hub}/api/v1/orders",
        json={**ORDER_IN, "channel_order_id": request_id},
        headers={**storefront, "Idempotency-Key": request_id, "X-Request-ID": request_id},
        timeout=30,
    )
    assert placed.status_code == 201, placed.text
    assert placed.headers["x-request-id"] == request_id
    order_id = placed.json()["id"]

    def submitted() -> dict[str, Any] | None:
        image.check_alive()
        found: dict[str, Any] = httpx.get(
            f"{hub}/api/v1/orders/{order_id}", headers=storefront
        ).json()
        return found if found["status"] == "submitted" else None

    wait_for(submitted, timeout=120, what=f"order {order_id} submitted to the POS")
    incoming = httpx.get(f"{poster}/_sandbox/incoming-orders", params={"account": DEMO_ACCOUNT})
    marker = f"[ob:{order_id}]"
    at_pos = [o for o in incoming.json()["incoming_orders"] if marker in (o["comment"] or "")]
    assert len(at_pos) == 1, at_pos
    step(f"order {order_id} reached the Poster sandbox, once: {at_pos[0].get('incoming_order_id')}")

    metrics = httpx.get(f"{hub}/metrics").text
    assert 'orderbridge_ingested_total{outcome="stored",source="storefront_order"} 1.0' in metrics
    lines = [json.loads(line) for line in image.log("serve").splitlines() if line.startswith("{")]
    assert any(line.get("request_id") == request_id for line in lines), "no JSON log line"
    assert DEMO_TENANT  # the seeded tenant is the demo's


def _answers(image: Image, url: str) -> bool:
    image.check_alive()
    try:
        return httpx.get(url, timeout=2).status_code < 500
    except httpx.HTTPError:
        return False


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    if os.geteuid() != 0:
        print("the container smoke test needs root (podman image mount, chroot)", file=sys.stderr)
        return 2
    started = time.monotonic()
    logs = Path(tempfile.mkdtemp(prefix="orderbridge-smoke."))
    try:
        with empty_database() as database_url, mounted(argv[1], logs) as image:
            smoke(image, database_url)
    except Exception as error:
        print(f"container smoke test FAILED: {error}", file=sys.stderr)
        for log in sorted(logs.glob("*.log")):
            print(f"--- {log.name} (last lines)\n{log.read_text(errors='replace')[-3000:]}")
        return 1
    step(f"passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
