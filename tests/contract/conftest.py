"""The contract suite runs every test once per POS: Poster, Countertop (the REST POS
sandbox through its shipped manifest), and Kiosko (a second, deliberately different
REST POS, a fake in ``kiosko/`` driven through its own manifest)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from orderbridge import connectors
from orderbridge.ports import ConnectionRecord
from tests.contract import countertop_driver as countertop
from tests.contract import poster_driver as poster
from tests.contract.countertop_driver import countertop_driver
from tests.contract.kiosko import driver as kiosko
from tests.contract.kiosko.driver import kiosko_driver
from tests.contract.poster_driver import poster_driver
from tests.contract.support import Driver

DRIVERS: dict[str, Callable[[], AbstractAsyncContextManager[Any]]] = {
    "poster": poster_driver,
    "rest_pos": countertop_driver,
    "kiosko": kiosko_driver,
}

CONNECTIONS: dict[str, ConnectionRecord] = {
    "poster": poster.CONNECTION,
    "rest_pos": countertop.CONNECTION,
    "kiosko": kiosko.CONNECTION,
}


def declaring(capability: str) -> list[str]:
    """The POS whose connections declare ``capability`` (as the registry reads them)."""
    return sorted(
        name
        for name, c in CONNECTIONS.items()
        if getattr(connectors.capabilities(c.kind, c.settings), capability)
    )


@pytest.fixture(params=sorted(DRIVERS))
async def pos(request: pytest.FixtureRequest) -> AsyncIterator[Driver]:
    """One POS, fresh for the test, its webhooks caught."""
    async with DRIVERS[request.param]() as driver:
        yield driver


@pytest.fixture(params=declaring("availability_webhooks"))
async def announcing_pos(request: pytest.FixtureRequest) -> AsyncIterator[Driver]:
    """One POS that tells when it stops taking online orders."""
    async with DRIVERS[request.param]() as driver:
        yield driver
