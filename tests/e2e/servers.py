"""Real servers on 127.0.0.1 for end-to-end tests, always stopped by the test.

Ports: :func:`free_port` picks a random port *below* the kernel's ephemeral range and
checks that it binds. Ports the kernel hands out (``bind(0)``) come from the range it
also uses for every outgoing connection's local end, so on a busy machine a port found
free can be taken as some connection's source port before the server binds it; below
the range only another server could take it. Should that happen anyway, the server
exits at start with "address already in use": :class:`PortTaken` says so, and
:func:`on_free_ports` starts again on new ports.

Waits are safety nets scaled by the suite's patience (``tests/patience.py``).
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn

from tests.patience import patience

T = TypeVar("T")

# What an idle machine needs to start ``orderbridge demo``, with room (then scaled).
STARTUP_SECONDS = 60.0
_LOW_PORT = 20000
_FALLBACK_HIGH_PORT = 32767


def _ephemeral_floor() -> int:
    try:
        text = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text()
        return int(text.split()[0])
    except (OSError, ValueError, IndexError):
        return _FALLBACK_HIGH_PORT + 1


def free_port() -> int:
    """A port of 127.0.0.1 that nothing listens on, outside the ephemeral range."""
    high = max(_LOW_PORT + 1000, _ephemeral_floor() - 1)
    for _ in range(200):
        port = random.randint(_LOW_PORT, high)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


class PortTaken(RuntimeError):
    """A server could not bind its port: another process took it first."""


def wait_until_up(
    url: str,
    timeout: float = STARTUP_SECONDS,
    process: subprocess.Popen[Any] | None = None,
    log: Path | None = None,
) -> None:
    """Poll ``url`` until it answers at all; fail if ``process`` exits first.

    ``timeout`` is unscaled (see ``tests/patience.py``).
    """
    limit = patience(timeout)
    deadline = time.monotonic() + limit
    while True:
        if process is not None and process.poll() is not None:
            output = log.read_text(errors="replace")[-3000:] if log is not None else ""
            if "address already in use" in output.lower():
                raise PortTaken(output)
            raise RuntimeError(
                f"server exited with {process.returncode} before answering\n{output}"
            )
        try:
            httpx.get(url, timeout=patience(2))
            return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise TimeoutError(f"{url} did not answer within {limit:.0f} s")
        time.sleep(0.05)


@contextlib.contextmanager
def on_free_ports(start: Callable[[], contextlib.AbstractContextManager[T]]) -> Iterator[T]:
    """Enter ``start()`` (which picks its own ports); on :class:`PortTaken` pick anew."""
    for attempt in range(1, 4):
        stack = contextlib.ExitStack()
        try:
            value = stack.enter_context(start())
        except PortTaken:
            stack.close()
            if attempt == 3:
                raise
            continue
        with stack:
            yield value
        return


@contextlib.contextmanager
def serve_in_thread(app: Any, port: int | None = None) -> Iterator[str]:
    """Run an ASGI app with uvicorn on 127.0.0.1 in a thread for the block; its URL.

    The socket is bound here, before uvicorn starts, so the port cannot be lost; pass
    ``port`` only when a test needs a particular one.
    """
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port or 0))
    bound: int = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + patience(STARTUP_SECONDS)
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("in-thread server did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=patience(10))
        sock.close()


def stop_process(process: subprocess.Popen[Any], sig: int = signal.SIGTERM) -> None:
    """Stop ``process`` and its children (its own session): ``sig``, then SIGKILL."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=patience(10))
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextlib.contextmanager
def orderbridge_process(
    args: list[str], *, ready_url: str, log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``python -m orderbridge ARGS`` until the block ends; output goes to ``log``.

    Raises :class:`PortTaken` if the server could not bind its port (see
    :func:`on_free_ports`).
    """
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "orderbridge", *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        try:
            wait_until_up(ready_url, process=process, log=log)
            yield process
        finally:
            stop_process(process)
