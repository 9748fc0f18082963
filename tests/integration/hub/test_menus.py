"""Menus from the POS: only a real difference is stored and announced."""

from __future__ import annotations

from dataclasses import replace

import pytest

from orderbridge.domain.menu import Item
from orderbridge.services import menus
from tests.integration.support.world import LOCATION, World, jobs
from tests.unit.domain import cafe

pytestmark = pytest.mark.anyio


def _menu_updates(world: World) -> list[dict[str, object]]:
    return [
        job.payload["message"]["data"]
        for job in jobs(world.hub, "webhook.deliver")
        if job.payload["message"]["type"] == "menu.updated"
    ]


def _stored_version(world: World) -> str | None:
    with world.hub.uow() as tx:
        menu = tx.get_menu(LOCATION)
    return menu.version if menu else None


async def _import(world: World) -> dict[str, object]:
    return await menus.import_menu(
        LOCATION, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )


def _cheaper_croissant() -> Item:
    return replace(cafe.croissant(), price=cafe.uah(4900))


async def test_importing_an_unchanged_menu_announces_nothing(world: World) -> None:
    before = _stored_version(world)
    assert (await _import(world))["changed"] is False
    assert (await _import(world))["changed"] is False
    assert _menu_updates(world) == []
    assert _stored_version(world) == before


async def test_a_price_change_is_stored_and_announced_once(world: World) -> None:
    world.pos.menus[LOCATION] = cafe.cafe_menu(food=(cafe.burger(), _cheaper_croissant()))
    assert (await _import(world))["changed"] is True
    assert (await _import(world))["changed"] is False
    [update] = _menu_updates(world)
    assert update["changed_items"] == ["croissant"]
    assert update["version"] == world.pos.menus[LOCATION].version
    with world.hub.uow() as tx:
        menu = tx.get_menu(LOCATION)
    assert menu is not None
    croissant = menu.item("croissant")
    assert croissant is not None and croissant.price.amount == 4900


async def test_the_import_job_runs_through_the_worker(world: World) -> None:
    world.pos.menus[LOCATION] = cafe.cafe_menu(food=(cafe.burger(),))
    assert world.hub.schedule_menu_imports() == 1
    assert world.hub.schedule_menu_imports() == 0  # one waiting import per location
    await world.hub.worker().run_until_idle()
    [update] = _menu_updates(world)
    assert update["removed_items"] == ["croissant"]
    assert world.receiver.types() == ["menu.updated"]
    assert _stored_version(world) == world.pos.menus[LOCATION].version


def test_refreshing_one_item_announces_only_a_change(world: World) -> None:
    def refresh(item: Item | None) -> dict[str, object]:
        return menus.refresh_item(
            LOCATION, "croissant", item, None, uow=world.hub.uow, clock=world.clock
        )

    assert refresh(cafe.croissant())["changed"] is False
    assert refresh(_cheaper_croissant())["changed"] is True
    assert refresh(_cheaper_croissant())["changed"] is False
    assert refresh(None)["changed"] is True
    updates = _menu_updates(world)
    assert [(u["changed_items"], u["removed_items"]) for u in updates] == [
        (["croissant"], []),
        ([], ["croissant"]),
    ]
    with world.hub.uow() as tx:
        menu = tx.get_menu(LOCATION)
    assert menu is not None and menu.item("croissant") is None


def test_refreshing_an_item_into_an_unknown_category_asks_for_a_reimport(world: World) -> None:
    new = Item("bagel", "Бейгл", cafe.uah(6000))
    answer = menus.refresh_item(
        LOCATION, "bagel", new, "bakery", uow=world.hub.uow, clock=world.clock
    )
    assert answer == {"skipped": "unknown_category", "reimport": True}
    assert _menu_updates(world) == []
