"""What every browser test shares: patient expectations (``tests/patience.py``), and
Debian's Chromium with a fresh page per test (defined with the Poster shop's tests,
where they began)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.browser.test_shop import browser, page  # noqa: F401
from tests.patience import BROWSER_WAIT_MS


@pytest.fixture(autouse=True, scope="session")
def patient_expectations() -> Iterator[None]:
    """``expect(...)`` assertions wait up to ``BROWSER_WAIT_MS`` (actions: set per context)."""
    expect.set_options(timeout=BROWSER_WAIT_MS)
    yield
