"""What a POS's webhook means to the hub, once verified and stored: the commands every POS
connector's event handler ends in.

A POS says "order 1001 changed", "product 42 changed", "the menu changed", "we are
offline". The hub treats each as a hint, never as the truth: an order hint queues
``order.reconcile`` (which asks the POS for the order's real state, so a duplicated,
reordered or stale webhook cannot move an order wrongly), an item hint re-reads that
one item from the POS when the POS can (``Capabilities.menu_item_refresh``) or the
whole menu when it cannot, an availability change pauses or resumes the locations
the POS serves, and an hours change replaces their opening hours with the POS's (where
the POS keeps them: ``Capabilities.opening_hours``); channels are then told about both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from orderbridge.domain.locations import Location, WeeklySchedule
from orderbridge.domain.menu import Item
from orderbridge.ports import ConnectionRecord, LocationBinding, PosSystem, UnitOfWork
from orderbridge.services import locations, menus
from orderbridge.services.pipeline import RECONCILE_ORDER
from orderbridge.services.reservations import RECONCILE_RESERVATION

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]
Clock = Callable[[], datetime]
# The reason a POS-driven pause carries (a resume from the POS lifts only such pauses).
POS_OFFLINE = "switched off at the POS"


def order_changed(uow: UowFactory, connection_id: str, pos_id: str) -> dict[str, Any]:
    """The POS says its order (or reservation) ``pos_id`` changed: reconcile it."""
    with uow() as tx:
        order = tx.find_order_by_pos(connection_id, pos_id)
        if order is not None:
            return _reconcile(tx, connection_id, order.order.id)
        reservation = tx.find_reservation_by_pos(connection_id, pos_id)
        if reservation is not None:
            rid = reservation.reservation.id
            tx.enqueue(
                RECONCILE_RESERVATION, {"reservation_id": rid}, key=rid, connection_id=connection_id
            )
            tx.commit()
            return {"reconcile": rid}
    # Not (yet) known: created at the register, or its submission has not committed.
    # The sweep reconciles it once the submission records the POS id.
    return {"unknown_incoming_order": pos_id}


def check_changed(uow: UowFactory, connection_id: str, check_id: str) -> dict[str, Any]:
    """The POS says the check (bill) ``check_id`` linked to an order changed: reconcile
    that order. A check the hub has no order for was made at the register."""
    with uow() as tx:
        order = tx.find_order_by_check(connection_id, check_id)
        if order is None:
            return {"unknown_check": check_id}
        return _reconcile(tx, connection_id, order.order.id)


def _reconcile(tx: UnitOfWork, connection_id: str, order_id: str) -> dict[str, Any]:
    tx.enqueue(RECONCILE_ORDER, {"order_id": order_id}, key=order_id, connection_id=connection_id)
    tx.commit()
    return {"reconcile": order_id}


async def item_changed(
    uow: UowFactory,
    pos_for: PosFactory,
    clock: Clock,
    connection_id: str,
    item_id: str,
    *,
    removed: bool = False,
    in_stock: bool = True,
) -> dict[str, Any]:
    """The POS says one menu item changed (or went, or sold out): refresh it everywhere
    the connection serves, or re-import the menus when the POS cannot read one item."""
    with uow() as tx:
        connection = tx.get_connection(connection_id)
        bindings = list(tx.locations_of_connection(connection_id))
    if connection is None:
        return {"skipped": "unknown_connection"}
    pos = pos_for(connection)
    if not removed and not pos.capabilities.menu_item_refresh:
        return menu_changed(uow, connection_id)
    results = {}
    for binding in bindings:
        found = None if removed else await pos.fetch_item(item_id, location=binding)
        item = _sold_out(found.item) if found and not in_stock else found.item if found else None
        results[binding.location_id] = menus.refresh_item(
            binding.location_id,
            item_id,
            item,
            found.category_id if found else None,
            uow=uow,
            clock=clock,
        )
        if results[binding.location_id].get("reimport"):
            menu_changed(uow, connection_id)
    return {"refreshed": results}


def _sold_out(item: Item) -> Item:
    return replace(item, availability=replace(item.availability, in_stock=False))


def menu_changed(uow: UowFactory, connection_id: str) -> dict[str, Any]:
    """The POS says its menu changed in a way one item cannot tell: import it again."""
    with uow() as tx:
        bindings = list(tx.locations_of_connection(connection_id))
        for binding in bindings:
            tx.enqueue(
                menus.IMPORT_MENU,
                {"location_id": binding.location_id},
                key=f"menu:{binding.location_id}",
            )
        tx.commit()
    return {"reimport": [b.location_id for b in bindings]}


def _places(uow: UowFactory, connection_id: str, external_id: str | None) -> list[LocationBinding]:
    """The connection's locations: the one linked to the POS's place ``external_id``,
    or all of them when the POS names none."""
    with uow() as tx:
        return [
            b
            for b in tx.locations_of_connection(connection_id)
            if external_id is None or b.external_id == external_id
        ]


def availability_changed(
    uow: UowFactory,
    clock: Clock,
    connection_id: str,
    *,
    online: bool,
    external_location_id: str | None = None,
) -> dict[str, Any]:
    """The POS switched its online availability off (pause) or on (resume) for one of its
    places (``external_location_id``) or, when the POS names none, for all of them.

    A resume lifts only a pause the POS made: a pause an operator set in the hub stays.
    """
    bindings = _places(uow, connection_id, external_location_id)
    now = clock()

    def change(location: Location) -> bool:
        paused = location.pause_state
        if not online:
            if paused is not None and paused.until is None:
                return False
            location.pause(now, reason=POS_OFFLINE)
            return True
        if paused is None or paused.reason != POS_OFFLINE:
            return False
        return location.resume(now, reason="switched on at the POS")

    changed = []
    for binding in bindings:
        with uow() as tx:
            record = tx.get_location(binding.location_id)
            if record is None:
                continue
            before = record.location.status_at(now).state
            after = locations.change_status(
                tx,
                tenant_id=record.tenant_id,
                location_id=binding.location_id,
                change=change,
                now=now,
            )
            if after.location.status_at(now).state is not before:
                changed.append(binding.location_id)
    return {"online": online, "changed": changed}


async def schedule_changed(
    uow: UowFactory,
    pos_for: PosFactory,
    clock: Clock,
    connection_id: str,
    *,
    external_location_id: str | None = None,
) -> dict[str, Any]:
    """The POS says a place's opening hours changed (``external_location_id``, or all
    its places when it names none): read them from the POS and make them the location's.

    The POS is asked, never the webhook believed; hours the POS does not keep leave the
    location's alone, and unchanged hours announce nothing. The POS gives weekly hours:
    dated exceptions (holidays) the location has keep, unless the POS gives its own.
    """
    with uow() as tx:
        connection = tx.get_connection(connection_id)
    bindings = _places(uow, connection_id, external_location_id)
    if connection is None:
        return {"skipped": "unknown_connection"}
    pos = pos_for(connection)
    if not pos.capabilities.opening_hours:
        return {"skipped": "no_opening_hours"}
    changed = []
    for binding in bindings:
        schedule = await pos.fetch_schedule(location=binding)
        if schedule is None:
            continue
        now = clock()

        def change(
            location: Location, schedule: WeeklySchedule = schedule, now: datetime = now
        ) -> bool:
            merged = _with_exceptions(schedule, location.schedule)
            if location.schedule == merged:
                return False
            location.set_schedule(merged, now)
            return True

        with uow() as tx:
            record = tx.get_location(binding.location_id)
            current = record.location.schedule if record is not None else None
            if record is None or current == _with_exceptions(schedule, current):
                continue
            locations.change_status(
                tx,
                tenant_id=record.tenant_id,
                location_id=binding.location_id,
                change=change,
                now=now,
            )
            changed.append(binding.location_id)
    return {"schedule": changed}


def _with_exceptions(weekly: WeeklySchedule, current: WeeklySchedule | None) -> WeeklySchedule:
    """The POS's weekly hours, with the location's dated exceptions when the POS has none."""
    if weekly.exceptions or current is None or not current.exceptions:
        return weekly
    return WeeklySchedule(hours=weekly.hours, exceptions=current.exceptions)
