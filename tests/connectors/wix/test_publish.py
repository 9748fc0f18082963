"""Publishing the hub's menu into the Wix sandbox: bottom-up, as a diff, with revisions."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from orderbridge.connectors.wix import refs as r
from orderbridge.connectors.wix.client import ITEM
from orderbridge.connectors.wix.mapping import item_key
from orderbridge.sandboxes.wix.checkout import published_menu
from orderbridge.sandboxes.wix.seed import LOCATION_ID
from tests.connectors.wix.support import MemoryRefs, connector, new_sandbox
from tests.unit.domain import cafe

pytestmark = pytest.mark.anyio
LOC = cafe.LOCATION_ID


def _items(sandbox: Any) -> dict[str, dict[str, Any]]:
    """The published Wix menu's items by name, as the checkout page sees them."""
    menus = published_menu(sandbox.world, LOCATION_ID)
    return {i["name"]: i for m in menus for s in m["sections"] for i in s["items"]}


async def test_the_first_publish_builds_the_whole_menu_bottom_up() -> None:
    sandbox, refs = new_sandbox(), MemoryRefs()
    stats = await connector(sandbox, refs).publish(cafe.cafe_menu())
    items = _items(sandbox)
    assert set(items) == {"Латте", "Бургер", "Круасан"}
    world = sandbox.world
    assert len(world.menu("menus")) == 1 and len(world.menu("sections")) == 2
    assert {v["name"] for v in world.menu("variants").values()} == {"0.3 л", "0.5 л"}
    groups = {g["name"]: g for g in world.menu("modifierGroups").values()}
    assert groups["Прожарка"]["rule"] == {"required": True, "minSelections": 1, "maxSelections": 1}
    charges = {m["additionalChargeInfo"]["additionalCharge"] for m in groups["Сироп"]["modifiers"]}
    assert charges == {"15.00"}
    latte = world.menu("items")[refs.rows[(r.ITEM, item_key(LOC, "latte"))].external_id]
    prices = [v["priceInfo"]["price"] for v in latte["priceVariants"]["variants"]]
    assert prices == ["65.00", "80.00"]
    assert stats.created == 2 + 6 + 3 + 3 + 2 + 1  # variants, modifiers, groups, items, …
    assert refs.published_menu(LOC) == cafe.cafe_menu()


async def test_an_unchanged_menu_makes_no_calls() -> None:
    sandbox, refs = new_sandbox(), MemoryRefs()
    wix = connector(sandbox, refs)
    await wix.publish(cafe.cafe_menu())
    before = sandbox.world.model_dump()
    stats = await wix.publish(cafe.cafe_menu())
    assert stats.calls == 0
    assert sandbox.world.model_dump() == before


async def test_a_price_change_updates_only_that_item() -> None:
    sandbox, refs = new_sandbox(), MemoryRefs()
    wix = connector(sandbox, refs)
    await wix.publish(cafe.cafe_menu())
    dearer = replace(cafe.croissant(), price=cafe.uah(6000))
    stats = await wix.publish(cafe.cafe_menu(food=(cafe.burger(), dearer)))
    assert stats.as_dict() == {"created": 0, "updated": 1, "deleted": 0, "revision_retries": 0}
    assert _items(sandbox)["Круасан"]["price"] == "60.00"


async def test_a_stale_revision_is_reread_and_retried() -> None:
    """Someone edits the item in Wix's dashboard between two publishes."""
    sandbox, refs = new_sandbox(), MemoryRefs()
    wix = connector(sandbox, refs)
    await wix.publish(cafe.cafe_menu())
    croissant_id = refs.rows[(r.ITEM, item_key(LOC, "croissant"))].external_id
    await wix.client.update_entity(ITEM, croissant_id, "1", {"description": "edited at Wix"})
    dearer = replace(cafe.croissant(), price=cafe.uah(6000))
    stats = await wix.publish(cafe.cafe_menu(food=(cafe.burger(), dearer)))
    assert stats.revision_retries == 1 and stats.updated == 1
    stored = sandbox.world.menu("items")[croissant_id]
    assert (stored["priceInfo"]["price"], stored["revision"]) == ("60.00", "3")


async def test_removed_items_and_their_parts_are_deleted() -> None:
    sandbox, refs = new_sandbox(), MemoryRefs()
    wix = connector(sandbox, refs)
    await wix.publish(cafe.cafe_menu())
    stats = await wix.publish(cafe.cafe_menu(coffee=()))
    assert "Латте" not in _items(sandbox)
    assert sandbox.world.menu("variants") == {}
    assert stats.deleted == 1 + 2 + 1 + 2  # item, variants, group, modifiers
    assert refs.get(r.ITEM, item_key(LOC, "latte")) is None


async def test_an_entity_deleted_at_wix_is_created_again() -> None:
    sandbox, refs = new_sandbox(), MemoryRefs()
    wix = connector(sandbox, refs)
    await wix.publish(cafe.cafe_menu())
    croissant_id = refs.rows[(r.ITEM, item_key(LOC, "croissant"))].external_id
    await wix.client.delete_entity(ITEM, croissant_id)
    dearer = replace(cafe.croissant(), price=cafe.uah(6000))
    await wix.publish(cafe.cafe_menu(food=(cafe.burger(), dearer)))
    assert _items(sandbox)["Круасан"]["price"] == "60.00"
