"""When the POS menu changes, own channel menus are matched again; decisions hold."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from orderbridge.services import mapping, menus
from tests.integration.mapping.conftest import MAPPING, cafe_pos_menu, mapping_items, upload
from tests.integration.support.world import LOCATION, World, jobs

pytestmark = pytest.mark.anyio


async def _import(world: World) -> None:
    await menus.import_menu(
        LOCATION, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )


async def test_a_vanished_pos_item_turns_its_mappings_back_to_suggested(
    admin: TestClient, world: World
) -> None:
    upload(admin)
    admin.put(f"{MAPPING}/web-24", json={"pos_item_id": "48"})  # Croissant → Круасан класичний
    before = mapping_items(admin)
    assert before["tr-07"]["status"] == "auto" and before["tr-07"]["pos_item_id"] == "48"
    world.pos.menus[LOCATION] = cafe_pos_menu().without_item("48")
    await _import(world)
    world.pos.menus[LOCATION] = cafe_pos_menu().without_item("48").without_item("150")
    await _import(world)  # a second change while the first rematch waits: still one
    assert [j.payload for j in jobs(world.hub, mapping.REMATCH)] == [{"location_id": LOCATION}]
    await world.hub.worker().run_until_idle()
    after = mapping_items(admin)
    for item_id in ("web-24", "tr-07"):
        assert after[item_id]["status"] == "suggested", after[item_id]
        assert after[item_id]["pos_item_id"] != "48"
        assert all(c["pos_item_id"] != "48" for c in after[item_id]["candidates"])
    assert after["web-01"]["status"] == "auto"  # the others are untouched


async def test_a_rematch_reports_what_broke_and_keeps_confirmed_mappings(
    admin: TestClient, world: World
) -> None:
    upload(admin)
    admin.put(f"{MAPPING}/web-24", json={"pos_item_id": "165"})
    with world.hub.uow() as tx:
        tx.save_menu(cafe_pos_menu().without_item("150"), source_connection_id=None)
        tx.commit()
    result = mapping.rematch_location(LOCATION, uow=world.hub.uow, clock=world.clock)
    assert sorted(result["storefront"]["broken"]) == ["uk-11", "web-11"]  # both Coca-Colas
    after = mapping_items(admin)
    assert (after["web-24"]["status"], after["web-24"]["pos_item_id"]) == ("confirmed", "165")
    again = mapping.rematch_location(LOCATION, uow=world.hub.uow, clock=world.clock)
    assert again["storefront"]["broken"] == []  # reported once


async def test_an_unchanged_pos_menu_queues_no_rematch(admin: TestClient, world: World) -> None:
    upload(admin)
    await _import(world)
    assert jobs(world.hub, mapping.REMATCH) == []
