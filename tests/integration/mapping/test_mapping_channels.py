"""A marketplace channel (a Wix connection) with its own menu: orders kept, never published to."""

from __future__ import annotations

from dataclasses import replace

import pytest
from fastapi.testclient import TestClient

from orderbridge.domain.drafts import DraftLine, DraftModifier
from orderbridge.domain.orders import OrderKey
from orderbridge.services import mapping, menus
from orderbridge.services.channel_orders import place_channel_order
from tests.integration.mapping.conftest import (
    add_wix_channel,
    cafe_pos_menu,
    mapping_items,
    upload,
)
from tests.integration.support.world import LOCATION, TENANT, World, jobs
from tests.unit.domain import cafe as domain_cafe
from tests.unit.matching import cafe

WIX = "con_wix_site"
pytestmark = pytest.mark.anyio


@pytest.fixture
def wix(world: World) -> str:
    return add_wix_channel(world, WIX)


def _place(world: World, order_id: str, *lines: DraftLine) -> str:
    draft = replace(
        domain_cafe.draft(),
        key=OrderKey("wix", order_id),
        location_id=LOCATION,
        items=lines,
        payment=None,
    )
    with world.hub.uow() as tx:
        placed = place_channel_order(
            tx,
            tenant_id=TENANT,
            draft=draft,
            request_hash=f"wix:{order_id}",
            now=world.clock(),
            channel_connection_id=WIX,
        )
    return placed.stored.order.id


def test_a_wix_orders_own_ids_are_translated(admin: TestClient, world: World, wix: str) -> None:
    upload(admin, cafe.channel_body())  # the storefront's menu is not Wix's
    url = f"/api/v1/admin/locations/{LOCATION}/channel-menus/{wix}"
    assert admin.put(url, json=cafe.channel_body()).status_code == 200
    assert mapping_items(admin)["web-01"]["status"] == "auto"
    cow = (DraftModifier("wix:web-01-g1m1"),)
    order_id = _place(
        world, "w-1", DraftLine("wix:web-01", 1, modifiers=cow), DraftLine("wix:uk-02", 2)
    )
    with world.hub.uow() as tx:
        found = tx.get_order(order_id)
    assert found is not None
    assert found.order.status.value == "received", found.order.timeline[-1].detail
    assert [(ln.item_id, [m.modifier_id for m in ln.modifiers]) for ln in found.order.lines] == [
        ("114", ["26"]),
        ("115", ["33"]),
    ]
    assert found.order.external_refs["mapping_channel"] == wix


def test_a_wix_order_with_unmapped_or_unknown_items_is_kept_failed(
    admin: TestClient, world: World, wix: str
) -> None:
    url = f"/api/v1/admin/locations/{LOCATION}/channel-menus/{wix}"
    admin.put(url, json=cafe.channel_body())
    order_id = _place(
        world,
        "w-2",
        DraftLine("wix:neg-01", 1),
        DraftLine("wix:zzz", 1, name="Mystery", unit_price=domain_cafe.uah(100)),
    )
    with world.hub.uow() as tx:
        found = tx.get_order(order_id)
    assert found is not None and found.order.status.value == "failed"
    reason = found.order.timeline[-1].detail
    assert "unknown_item" in reason and "unmapped_item" in reason
    assert [(ln.item_id, ln.name) for ln in found.order.lines] == [
        ("neg-01", "Tiramisu"),
        ("zzz", "Mystery"),
    ]
    assert jobs(world.hub, "order.submit") == []


async def test_the_pos_menu_is_not_published_to_a_channel_with_its_own_menu(
    admin: TestClient, world: World, wix: str
) -> None:
    url = f"/api/v1/admin/locations/{LOCATION}/channel-menus/{wix}"
    admin.put(url, json=cafe.channel_body())
    world.pos.menus[LOCATION] = cafe_pos_menu().without_item("48")
    await menus.import_menu(
        LOCATION, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert jobs(world.hub, menus.PUBLISH_MENU) == []
    assert len(jobs(world.hub, mapping.REMATCH)) == 1
    admin.put(url, json={"mode": "pos"})
    world.pos.menus[LOCATION] = cafe_pos_menu()
    await menus.import_menu(
        LOCATION, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert [j.payload["connection_id"] for j in jobs(world.hub, menus.PUBLISH_MENU)] == [wix]
