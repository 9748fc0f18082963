"""Menu mapping on SQLite and PostgreSQL: the hub's world with the demo café's POS menu.

The location's published menu is the demo café's Poster menu (the test set's, see
``tests/unit/matching/cafe.py``); the admin client holds an admin key, the storefront
client a storefront key.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from orderbridge.domain.menu import Menu
from orderbridge.storage import admin as admin_rows
from tests.integration.support.world import CONNECTION, LOCATION, TENANT, World, build_world
from tests.unit.matching import cafe

CHANNEL_MENU = f"/api/v1/admin/locations/{LOCATION}/channel-menus/storefront"
MAPPING = f"{CHANNEL_MENU}/mapping"


def cafe_pos_menu() -> Menu:
    """The demo café's Poster menu, as this location's."""
    return replace(cafe.pos_menu(), location_id=LOCATION)


def build_mapping_world(db_url: str, *, price_policy: str = "menu") -> World:
    world = build_world(db_url, price_policy=price_policy)
    with world.hub.uow() as tx:
        tx.save_menu(cafe_pos_menu(), source_connection_id=CONNECTION)
        tx.commit()
    world.pos.menus[LOCATION] = cafe_pos_menu()
    return world


@pytest.fixture
def world(db_url: str) -> Iterator[World]:
    built = build_mapping_world(db_url)
    yield built
    built.close()


@pytest.fixture
def admin(world: World) -> TestClient:
    """The café's admin API, with its admin key."""
    return TestClient(world.hub.app(), headers={"Authorization": f"Bearer {world.admin_key}"})


@pytest.fixture
def storefront(world: World) -> TestClient:
    """The café's storefront, with its storefront key."""
    return TestClient(world.hub.app(), headers={"Authorization": f"Bearer {world.api_key}"})


def add_wix_channel(
    world: World,
    connection_id: str,
    *,
    credentials: dict[str, object] | None = None,
    settings: dict[str, object] | None = None,
    wix_location: str = "wix-location-1",
) -> str:
    """A Wix connection of the café, linked to its location as ``wix_location``."""
    with world.hub.sessions() as session, session.begin():
        admin_rows.create_connection(
            session,
            world.hub.cipher,
            TENANT,
            kind="wix",
            role="channel",
            name="Wix",
            credentials=credentials or {},
            settings=settings or {},
            connection_id=connection_id,
        )
        admin_rows.link_location(session, LOCATION, connection_id, wix_location)
    return connection_id


def upload(admin: TestClient, body: dict[str, object] | None = None) -> dict[str, object]:
    """Upload (by default) the test set's channel menu; the summary."""
    answer = admin.put(CHANNEL_MENU, json=body if body is not None else cafe.channel_body())
    assert answer.status_code == 200, answer.text
    summary: dict[str, object] = answer.json()
    return summary


def mapping_items(admin: TestClient, **params: str) -> dict[str, dict[str, object]]:
    """The mapping's items by channel item id."""
    answer = admin.get(MAPPING, params=params)
    assert answer.status_code == 200, answer.text
    return {item["channel_item_id"]: item for item in answer.json()["items"]}
