"""Fixtures shared by the Poster sandbox tests (incoming orders' are prefixed ``orders_``)."""

from __future__ import annotations

import pytest

from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.state import World
from tests.sandboxes.poster.menu_support import MenuSink, menu_account
from tests.sandboxes.poster.orders_support import NOW, RecordingSink, build_world


@pytest.fixture
def orders_sink() -> RecordingSink:
    """Records every webhook event the sandbox publishes."""
    return RecordingSink()


@pytest.fixture
def orders_sandbox(orders_sink: RecordingSink) -> PosterSandbox:
    """The demo account with places and a few products, on a fixed clock."""
    sandbox = PosterSandbox(build_world(), clock=lambda: NOW)
    sandbox.sink = orders_sink
    return sandbox


@pytest.fixture
def menu_sink() -> MenuSink:
    """Records the webhooks of the menu tests."""
    return MenuSink()


@pytest.fixture
def menu_sandbox(menu_sink: MenuSink) -> PosterSandbox:
    """api-demo with spots 1 and 2 and the seeded café menu; webhooks go to ``menu_sink``."""
    sandbox = PosterSandbox(World(accounts={"api-demo": menu_account()}))
    sandbox.sink = menu_sink
    return sandbox
