"""The test set's POS menu is the demo café's: the saved copy agrees with the sandbox."""

from __future__ import annotations

import httpx
import pytest

from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.domain.menu import Item, Menu
from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import demo_world
from tests.connectors.poster.support import PODIL, settings
from tests.unit.matching import cafe


def _shape(item: Item) -> tuple[object, ...]:
    return (
        item.name,
        item.price.amount,
        [(v.id, v.name, v.price.amount) for v in item.variants],
        [
            (g.id, g.name, [(m.id, m.name, m.price.amount) for m in g.modifiers])
            for g in item.modifier_groups
        ],
    )


@pytest.mark.anyio
async def test_the_saved_menu_is_what_the_hub_imports_from_the_seeded_cafe() -> None:
    """Every item of ``cafe_pos_menu.json`` is in the sandbox's Podil menu, unchanged."""
    transport = httpx.ASGITransport(app=create_app(PosterSandbox(demo_world())))
    connector = PosterConnector.from_settings(settings(), transport=transport)
    try:
        live: Menu = await connector.fetch_menu(location=PODIL)
    finally:
        await connector.aclose()
    saved = cafe.pos_menu()
    for item in saved.items():
        found = live.item(item.id)
        assert found is not None, item.name
        assert _shape(found) == _shape(item)
