"""Availability per location, on SQLite and PostgreSQL: stock the POS reported and
operators' snoozes survive every import and refresh, reach the channels as a menu
change, and a stock change in one storage touches only the locations of that storage."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from orderbridge.connectors.poster.events import handle_poster_event
from orderbridge.domain.availability import SnoozeTarget
from orderbridge.domain.menu import Menu
from orderbridge.ports import PosLocationInfo
from orderbridge.services import availability, menus
from orderbridge.services.errors import NotFound, ServiceError
from orderbridge.storage import admin
from tests.integration.support.world import (
    CONNECTION,
    LOCATION,
    POSTER_ACCOUNT,
    TENANT,
    World,
    jobs,
)
from tests.unit.domain import cafe

pytestmark = pytest.mark.anyio
SECOND = "kyiv-pechersk"


def _menu(world: World, location: str = LOCATION) -> Menu:
    with world.hub.uow() as tx:
        menu = tx.get_menu(location)
    assert menu is not None
    return menu


def _reason(world: World, item_id: str, location: str = LOCATION) -> str | None:
    item = _menu(world, location).item(item_id)
    assert item is not None
    return item.availability.unavailable_reason(world.clock())


def _menu_updates(world: World) -> list[dict[str, Any]]:
    return [
        job.payload["message"]["data"]
        for job in jobs(world.hub, "webhook.deliver")
        if job.payload["message"]["type"] == "menu.updated"
    ]


async def _import(world: World, location: str = LOCATION) -> dict[str, Any]:
    return await menus.import_menu(
        location, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )


def _stock(world: World, item_id: str, *, in_stock: bool) -> None:
    availability.record_stock(
        [LOCATION], item_id, in_stock=in_stock, uow=world.hub.uow, clock=world.clock
    )


async def test_stock_from_the_pos_survives_imports_and_refreshes(world: World) -> None:
    _stock(world, "croissant", in_stock=False)
    assert _reason(world, "croissant") == "out_of_stock"
    assert _menu_updates(world)[-1]["changed_items"] == ["croissant"]

    assert (await _import(world))["changed"] is False  # the full reconcile changes nothing
    menus.refresh_item(
        LOCATION, "croissant", cafe.croissant(), None, uow=world.hub.uow, clock=world.clock
    )
    assert _reason(world, "croissant") == "out_of_stock"

    _stock(world, "croissant", in_stock=True)  # only the POS brings it back
    assert _reason(world, "croissant") is None
    assert len(_menu_updates(world)) == 2


async def test_a_price_change_imported_keeps_the_item_sold_out(world: World) -> None:
    _stock(world, "croissant", in_stock=False)
    world.pos.menus[LOCATION] = cafe.cafe_menu(
        food=(cafe.burger(), replace(cafe.croissant(), price=cafe.uah(4900)))
    )
    assert (await _import(world))["changed"] is True
    croissant = _menu(world).item("croissant")
    assert croissant is not None and croissant.price.amount == 4900
    assert _reason(world, "croissant") == "out_of_stock"


async def test_a_snooze_switches_off_until_its_end_and_comes_back_by_itself(world: World) -> None:
    until = world.clock() + timedelta(minutes=45)
    [snooze] = availability.add_snoozes(
        world.hub.uow,
        tenant_id=TENANT,
        location_id=LOCATION,
        targets=[(SnoozeTarget.ITEM, "croissant")],
        until=until,
        reason="oven broken",
        clock=world.clock,
    )
    assert _reason(world, "croissant") == "snoozed"
    assert (await _import(world))["changed"] is False  # survives the reconcile
    with world.hub.uow() as tx:
        assert [s.id for s in tx.snoozes(LOCATION)] == [snooze.id]

    world.clock.advance(45 * 60)
    await world.hub.worker().run_until_idle()
    assert _reason(world, "croissant") is None
    item = _menu(world).item("croissant")
    assert item is not None and item.availability.snoozed_until is None  # channels told
    assert [u["changed_items"] for u in _menu_updates(world)] == [["croissant"], ["croissant"]]
    with world.hub.uow() as tx:
        assert list(tx.snoozes(LOCATION)) == []


def test_a_snooze_of_something_not_on_the_menu_stores_nothing(world: World) -> None:
    with pytest.raises(NotFound) as refused:
        availability.add_snoozes(
            world.hub.uow,
            tenant_id=TENANT,
            location_id=LOCATION,
            targets=[(SnoozeTarget.ITEM, "croissant"), (SnoozeTarget.MODIFIER, "ketchup")],
            until=world.clock() + timedelta(hours=1),
            reason="",
            clock=world.clock,
        )
    assert (refused.value.code, refused.value.field) == ("unknown_modifier", "modifier_ids[1]")
    with pytest.raises(ServiceError):
        availability.add_snoozes(
            world.hub.uow,
            tenant_id=TENANT,
            location_id=LOCATION,
            targets=[(SnoozeTarget.ITEM, "croissant")],
            until=world.clock(),
            reason="",
            clock=world.clock,
        )
    with world.hub.uow() as tx:
        assert list(tx.snoozes(LOCATION)) == []
    assert _reason(world, "croissant") is None


def test_ending_a_snooze_early_brings_the_item_back_at_once(world: World) -> None:
    [snooze] = availability.add_snoozes(
        world.hub.uow,
        tenant_id=TENANT,
        location_id=LOCATION,
        targets=[(SnoozeTarget.VARIANT, "latte-l")],
        until=world.clock() + timedelta(hours=2),
        reason="",
        clock=world.clock,
    )
    latte = _menu(world).item("latte")
    assert latte is not None and not latte.variants[1].availability.is_available_at(world.clock())
    availability.remove_snooze(
        world.hub.uow,
        tenant_id=TENANT,
        location_id=LOCATION,
        snooze_id=snooze.id,
        clock=world.clock,
    )
    latte = _menu(world).item("latte")
    assert latte is not None and latte.variants[1].availability.is_available_at(world.clock())


def _second_spot(world: World) -> None:
    with world.hub.sessions() as session, session.begin():
        admin.create_location(
            session, TENANT, name="Pechersk", timezone="Europe/Kyiv", currency="UAH",
            location_id=SECOND,
        )  # fmt: skip
        admin.link_location(session, SECOND, CONNECTION, "2")
    with world.hub.uow() as tx:
        tx.save_menu(replace(cafe.cafe_menu(), location_id=SECOND), source_connection_id=CONNECTION)
        tx.commit()
    world.pos.places = [
        PosLocationInfo("1", "Podil", currency="UAH", storages=("1",)),
        PosLocationInfo("2", "Pechersk", currency="UAH", storages=("2",)),
    ]


def _stock_hook(storage: int, left: float) -> dict[str, Any]:
    return {
        "connection_id": CONNECTION,
        "account": POSTER_ACCOUNT,
        "object": "stock",
        "object_id": "1",
        "action": "changed",
        "time": "1764000000",
        "data": {
            "type": 2,
            "element_id": "croissant",
            "storage_id": storage,
            "value_relative": -1,
            "value_absolute": left,
        },
    }


async def test_a_stock_webhook_touches_only_the_locations_of_its_storage(world: World) -> None:
    _second_spot(world)
    result = await handle_poster_event(
        _stock_hook(2, 0), uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert list(result["stock"]) == [SECOND]
    assert _reason(world, "croissant", SECOND) == "out_of_stock"
    assert _reason(world, "croissant", LOCATION) is None
    # The facts learned on the way route the next one without asking the POS again.
    world.pos.places = []
    await handle_poster_event(
        _stock_hook(2, 12), uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert _reason(world, "croissant", SECOND) is None
