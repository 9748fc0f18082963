"""Browser tests wait as patiently as the rest of the suite (``tests/patience.py``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.patience import BROWSER_WAIT_MS


@pytest.fixture(autouse=True, scope="session")
def patient_expectations() -> Iterator[None]:
    """``expect(...)`` assertions wait up to ``BROWSER_WAIT_MS`` (actions: set per context)."""
    expect.set_options(timeout=BROWSER_WAIT_MS)
    yield
