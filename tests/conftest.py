"""Project-wide test configuration."""

from __future__ import annotations

import pytest

from tests.patience import patience


@pytest.fixture
def anyio_backend() -> str:
    """Async tests run on asyncio (anyio's pytest plugin, no extra dependency)."""
    return "asyncio"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Scale every test's pytest-timeout limit (its marker, else the ini's ``timeout``)
    by the suite's patience factor (``tests/patience.py``): a hang guard, not a budget."""
    default = getattr(config, "_env_timeout", None)
    for item in items:
        marker = item.get_closest_marker("timeout")
        base = marker.args[0] if marker is not None and marker.args else default
        if base:
            item.add_marker(pytest.mark.timeout(patience(float(base))), append=False)
