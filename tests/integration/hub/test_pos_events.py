"""What a POS's webhook means, shared by every POS connector (``services.pos_events``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, time

import pytest

from orderbridge.domain.locations import (
    LocationState,
    OpeningInterval,
    ScheduleException,
    Weekday,
    WeeklySchedule,
)
from orderbridge.services import notify, pos_events
from orderbridge.services.locations import LOCATION_STATUS
from orderbridge.services.menus import IMPORT_MENU
from tests.integration.support.world import (
    CONNECTION,
    LOCATION,
    TENANT,
    World,
    announced,
    jobs,
    place,
)
from tests.unit.domain import cafe

pytestmark = pytest.mark.anyio


def _state(world: World) -> LocationState:
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
    assert record is not None
    return record.location.status_at(world.clock()).state


def _pause_by_operator(world: World) -> None:
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
        assert record is not None
        record.location.pause(world.clock(), reason="staff meeting")
        tx.save_location(record.location)
        tx.commit()


async def test_an_item_webhook_refreshes_that_item_where_the_pos_can(world: World) -> None:
    cheaper = replace(cafe.croissant(), price=cafe.uah(100))
    world.pos.menus[LOCATION] = cafe.cafe_menu().with_item(cheaper, "food")
    result = await pos_events.item_changed(
        world.hub.uow, world.hub.pos_for, world.clock, CONNECTION, "croissant"
    )
    assert result["refreshed"][LOCATION]["changed"] is True
    with world.hub.uow() as tx:
        menu = tx.get_menu(LOCATION)
    assert menu is not None and menu.item("croissant").price == cafe.uah(100)  # type: ignore[union-attr]
    assert jobs(world.hub, IMPORT_MENU) == []


async def test_a_sold_out_item_stays_on_the_menu_unavailable(world: World) -> None:
    await pos_events.item_changed(
        world.hub.uow, world.hub.pos_for, world.clock, CONNECTION, "croissant", in_stock=False
    )
    with world.hub.uow() as tx:
        menu = tx.get_menu(LOCATION)
    item = menu.item("croissant") if menu else None
    assert item is not None and item.availability.in_stock is False


async def test_without_item_refresh_an_item_webhook_reimports_the_menu(world: World) -> None:
    world.pos.capabilities = replace(world.pos.capabilities, menu_item_refresh=False)
    result = await pos_events.item_changed(
        world.hub.uow, world.hub.pos_for, world.clock, CONNECTION, "croissant"
    )
    assert result == {"reimport": [LOCATION]}
    assert [j.payload for j in jobs(world.hub, IMPORT_MENU)] == [{"location_id": LOCATION}]


def test_offline_at_the_pos_pauses_its_locations_and_online_resumes_them(world: World) -> None:
    off = pos_events.availability_changed(world.hub.uow, world.clock, CONNECTION, online=False)
    assert off == {"online": False, "changed": [LOCATION]} and _state(world) is LocationState.PAUSED
    assert "location.status_changed" in announced(world.hub)
    assert (
        pos_events.availability_changed(world.hub.uow, world.clock, CONNECTION, online=False)[
            "changed"
        ]
        == []
    )
    world.clock.advance(300)
    on = pos_events.availability_changed(world.hub.uow, world.clock, CONNECTION, online=True)
    assert on["changed"] == [LOCATION] and _state(world) is LocationState.OPEN


def test_online_at_the_pos_leaves_an_operators_pause(world: World) -> None:
    _pause_by_operator(world)
    on = pos_events.availability_changed(world.hub.uow, world.clock, CONNECTION, online=True)
    assert on["changed"] == [] and _state(world) is LocationState.PAUSED


def test_availability_of_another_place_changes_nothing_here(world: World) -> None:
    result = pos_events.availability_changed(
        world.hub.uow, world.clock, CONNECTION, online=False, external_location_id="99"
    )
    assert result["changed"] == [] and _state(world) is LocationState.OPEN
    assert jobs(world.hub, LOCATION_STATUS) == []


MONDAYS = WeeklySchedule(hours={Weekday.MONDAY: (OpeningInterval(time(9), time(18)),)})


def _schedule(world: World) -> WeeklySchedule | None:
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
    assert record is not None
    return record.location.schedule


async def test_hours_kept_at_the_pos_replace_the_locations_once(world: World) -> None:
    world.pos.capabilities = replace(world.pos.capabilities, opening_hours=True)
    world.pos.schedules[LOCATION] = MONDAYS
    changed = await pos_events.schedule_changed(
        world.hub.uow, world.hub.pos_for, world.clock, CONNECTION
    )
    assert changed == {"schedule": [LOCATION]} and _schedule(world) == MONDAYS
    assert _state(world) is LocationState.CLOSED  # the world's clock says Sunday
    assert [j.payload["location_id"] for j in jobs(world.hub, LOCATION_STATUS)] == []  # no channel
    assert announced(world.hub).count("location.status_changed") == 1
    again = await pos_events.schedule_changed(
        world.hub.uow, world.hub.pos_for, world.clock, CONNECTION
    )
    assert again == {"schedule": []} and announced(world.hub).count("location.status_changed") == 1


async def test_the_locations_holidays_stay_when_the_pos_gives_weekly_hours(
    world: World,
) -> None:
    holiday = ScheduleException(date(2026, 12, 25))
    with world.hub.uow() as tx:
        record = tx.get_location(LOCATION)
        assert record is not None
        hours = {Weekday.SUNDAY: (OpeningInterval(time(10), time(20)),)}
        record.location.set_schedule(WeeklySchedule(hours, (holiday,)), world.clock())
        tx.save_location(record.location)
        tx.commit()
    world.pos.capabilities = replace(world.pos.capabilities, opening_hours=True)
    world.pos.schedules[LOCATION] = MONDAYS
    await pos_events.schedule_changed(world.hub.uow, world.hub.pos_for, world.clock, CONNECTION)
    assert _schedule(world) == WeeklySchedule(MONDAYS.hours, (holiday,))


async def test_hours_are_left_alone_where_the_pos_keeps_none(world: World) -> None:
    world.pos.schedules[LOCATION] = MONDAYS  # but the capability is off
    skipped = await pos_events.schedule_changed(
        world.hub.uow, world.hub.pos_for, world.clock, CONNECTION
    )
    assert skipped == {"skipped": "no_opening_hours"} and _schedule(world) is None
    world.pos.capabilities = replace(world.pos.capabilities, opening_hours=True)
    elsewhere = await pos_events.schedule_changed(
        world.hub.uow, world.hub.pos_for, world.clock, CONNECTION, external_location_id="99"
    )
    assert elsewhere == {"schedule": []} and _schedule(world) is None


def test_each_move_is_announced_once_with_its_own_status(world: World) -> None:
    """``notify.order_event`` drains the order's domain events: two moves in one go are
    two webhooks, each saying its status, and a second announcement adds nothing."""
    order = place(world).stored.order
    order.submit(world.clock(), pos="poster", pos_order_id="7")
    order.accept(world.clock())
    order.complete(world.clock())
    with world.hub.uow() as tx:
        jobs_ = notify.order_event_jobs(tx, tenant_id=TENANT, order=order, at=world.clock())
        again = notify.order_event_jobs(tx, tenant_id=TENANT, order=order, at=world.clock())
    sent = [(j.payload["message"]["type"], j.payload["message"]["data"]["status"]) for j in jobs_]
    assert sent == [
        ("order.submitted", "submitted"),
        ("order.accepted", "accepted"),
        ("order.completed", "completed"),
    ]
    assert again == []
