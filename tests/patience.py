"""How long the suite is willing to wait: one factor for every safety net.

Tests wait on conditions ("the order is submitted", "the server answers"), never for a
fixed time, and never assert how long something took. A condition that never comes
true still has to end the test, so every wait has a timeout — a safety net, not a
budget. The suite runs on shared 2-core machines with load averages of 20 and more,
where a server that starts in 2 s alone can take a minute, so every safety net is
scaled by one factor, ``ORDERBRIDGE_TEST_PATIENCE`` (default 4): raise it on a slower
box, lower it to find a hang quicker on your own. pytest-timeout's per-test limits are
scaled by the same factor (``tests/conftest.py``).

A test names its safety net in "seconds an idle laptop would need, with room":
``patience(30)``; :func:`wait_for` does the polling.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

PATIENCE_ENV = "ORDERBRIDGE_TEST_PATIENCE"
DEFAULT_FACTOR = 4.0


def factor() -> float:
    """The suite-wide multiplier of every safety-net timeout."""
    raw = os.environ.get(PATIENCE_ENV, "")
    try:
        value = float(raw) if raw.strip() else DEFAULT_FACTOR
    except ValueError as exc:
        raise RuntimeError(f"{PATIENCE_ENV} must be a number, got {raw!r}") from exc
    if value <= 0:
        raise RuntimeError(f"{PATIENCE_ENV} must be positive, got {raw!r}")
    return value


def patience(seconds: float) -> float:
    """``seconds`` (what an idle machine needs, with room) scaled for this machine."""
    return seconds * factor()


# One HTTP call of a test to a local server: a busy server may take long to answer.
HTTP_TIMEOUT = patience(15)
# Playwright's wait for an expectation or an action, in ms (its own defaults: 5 s / 30 s).
BROWSER_WAIT_MS = patience(15) * 1000


def wait_for(
    probe: Callable[[], T | None],
    *,
    timeout: float = 30.0,
    what: str = "the condition",
    interval: float = 0.05,
) -> T:
    """Poll ``probe`` until it returns something truthy, and return that.

    ``timeout`` is in unscaled seconds (see :func:`patience`); past it the test fails
    with ``what`` and the probe's last answer.
    """
    limit = patience(timeout)
    deadline = time.monotonic() + limit
    while True:
        last = probe()
        if last:
            return last
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {limit:.0f} s: {what} (last: {last!r})")
        time.sleep(interval)
