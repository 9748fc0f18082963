"""The optional copy of the mapping in Poster's product extras (setEntityExtras)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from fastapi.testclient import TestClient

from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import demo_world
from orderbridge.services import mapping_extras
from tests.connectors.poster.support import settings
from tests.integration.mapping.conftest import MAPPING, upload
from tests.integration.support.world import LOCATION, World, jobs


@pytest.fixture
def poster(world: World) -> Iterator[PosterSandbox]:
    """The Poster sandbox in-process as the café's POS, writing extras."""
    sandbox = PosterSandbox(demo_world())
    connector = PosterConnector.from_settings(
        settings(write_extras=True), transport=httpx.ASGITransport(app=create_app(sandbox))
    )
    world.hub.pos_for = lambda _connection: connector  # type: ignore[method-assign]
    yield sandbox
    asyncio.run(connector.aclose())


def test_mapped_products_carry_the_channel_ids_in_their_extras(
    world: World, admin: TestClient, poster: PosterSandbox
) -> None:
    upload(admin)
    admin.put(f"{MAPPING}/web-24", json={"pos_item_id": "48"})
    assert len(jobs(world.hub, mapping_extras.WRITE_EXTRAS)) == 1  # one waiting at a time
    asyncio.run(world.hub.worker().run_until_idle())
    products = poster.world.accounts["api-demo"].products
    assert products[114].extras == {"orderbridge": {"storefront": "tr-01,uk-01,web-01"}}
    assert products[48].extras["orderbridge"] == {"storefront": "tr-07,web-24"}
    assert "orderbridge" not in products[908].extras  # Піца збірна: nobody's mapping


def test_a_pos_without_extras_is_skipped(world: World, admin: TestClient) -> None:
    upload(admin)
    with world.hub.uow() as tx:
        items = mapping_extras.mapped_items(tx, LOCATION)
    assert {i.id for i in items} >= {"114", "115", "191"}
    result = asyncio.run(
        mapping_extras.write_extras(LOCATION, uow=world.hub.uow, pos_for=world.hub.pos_for)
    )
    assert result == {"skipped": "the POS keeps no extras"}
