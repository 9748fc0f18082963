"""A cancel only a cashier can carry out is an incident: ``order.cancel_needs_cashier``
(and ``reservation.cancel_needs_cashier``) opens once when the hub finds the POS cannot
cancel by API, alerts the destinations that asked for it once, and clears — alerting
once more — when the POS's answer makes the order or reservation final. Both databases.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from orderbridge.domain.reservations import ReservationStatus
from orderbridge.ports import PosOrderState
from orderbridge.services import pipeline, watch
from orderbridge.services import reservations as reservation_service
from orderbridge.services.alerts import DELIVER_ALERT
from orderbridge.services.orders import cancel_order
from orderbridge.storage.alert_destinations import create_destination
from orderbridge.storage.alert_tables import Incident
from tests.integration.hub.test_reservations import _place, _reservation
from tests.integration.support.world import TENANT, World, jobs, place

pytestmark = pytest.mark.anyio
ORDER_KIND = "order.cancel_needs_cashier"
RESERVATION_KIND = "reservation.cancel_needs_cashier"


def _incidents(world: World, kind: str) -> list[tuple[str, str]]:
    with world.hub.sessions() as session:
        rows = session.scalars(
            select(Incident).where(Incident.kind == kind).order_by(Incident.opened_at)
        )
        return [(row.subject_id, row.status) for row in rows]


def _alerts(world: World) -> list[tuple[str, str, str]]:
    """Each queued alert: (kind, open/cleared, its one-line text)."""
    messages = [j.payload["message"] for j in jobs(world.hub, DELIVER_ALERT)]
    return [(m["type"], m["data"]["state"], m["text"]) for m in messages]


def _subscribe(world: World, events: list[str]) -> None:
    with world.hub.sessions() as session, session.begin():
        create_destination(
            session,
            world.hub.cipher,
            TENANT,
            url="http://ops.test/alerts",
            events=events,
            description="cashier desk",
            now=world.clock(),
        )


async def _relay_again(world: World, order_id: str) -> None:
    with world.hub.uow() as tx:
        tx.enqueue("order.cancel_at_pos", {"order_id": order_id}, key=f"{order_id}-again")
        tx.commit()
    await world.hub.worker().run_until_idle()


async def test_a_cancel_the_pos_cannot_make_alerts_once_and_clears_when_declined(
    world: World,
) -> None:
    _subscribe(world, [ORDER_KIND])
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()  # submitted: new at the POS
    with world.hub.uow() as tx:
        cancel_order(tx, tenant_id=TENANT, order_id=order_id, reason="", now=world.clock())
    await world.hub.worker().run_until_idle()
    assert _incidents(world, ORDER_KIND) == [(order_id, "open")]
    [(kind, state, text)] = _alerts(world)
    assert (kind, state) == (ORDER_KIND, "open")
    assert "web-1001" in text and "tell the cashier" in text
    assert "+380" not in text  # no phone in an alert

    await _relay_again(world, order_id)  # the relay running again tells nobody twice
    assert watch.scan(uow=world.hub.uow, clock=world.clock) == {"opened": 0, "cleared": 0}
    assert _incidents(world, ORDER_KIND) == [(order_id, "open")] and len(_alerts(world)) == 1

    world.pos.set_order_state(order_id, PosOrderState.DECLINED)  # the cashier declined it
    world.clock.advance(60)
    await pipeline.reconcile_order(
        order_id, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert _incidents(world, ORDER_KIND) == [(order_id, "cleared")]
    assert [(k, s) for k, s, _ in _alerts(world)] == [(ORDER_KIND, "open"), (ORDER_KIND, "cleared")]
    assert watch.scan(uow=world.hub.uow, clock=world.clock) == {"opened": 0, "cleared": 0}


async def test_a_cashier_who_serves_it_anyway_clears_it_too(world: World) -> None:
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    with world.hub.uow() as tx:
        cancel_order(tx, tenant_id=TENANT, order_id=order_id, reason="", now=world.clock())
    await world.hub.worker().run_until_idle()
    assert _incidents(world, ORDER_KIND) == [(order_id, "open")]
    world.pos.set_order_state(order_id, PosOrderState.COMPLETED)
    await pipeline.reconcile_order(
        order_id, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    assert _incidents(world, ORDER_KIND) == [(order_id, "cleared")]


async def test_the_watch_clears_one_whose_order_became_final_another_way(world: World) -> None:
    """The safety net: an order final without passing ``_follow_cancel`` (here moved in
    storage directly) loses its incident at the watch's next pass."""
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    with world.hub.uow() as tx:
        cancel_order(tx, tenant_id=TENANT, order_id=order_id, reason="", now=world.clock())
    await world.hub.worker().run_until_idle()
    assert watch.scan(uow=world.hub.uow, clock=world.clock)["cleared"] == 0
    with world.hub.uow() as tx:
        stored = tx.get_order(order_id)
        assert stored is not None
        assert stored.order.cancel(world.clock(), "by hand").applied
        tx.save_order(stored.order)
        tx.commit()
    assert watch.scan(uow=world.hub.uow, clock=world.clock) == {"opened": 0, "cleared": 1}
    assert _incidents(world, ORDER_KIND) == [(order_id, "cleared")]


async def test_an_order_the_pos_has_not_got_is_canceled_without_a_person(world: World) -> None:
    order_id = place(world).stored.order.id  # not submitted yet: the worker has not run
    with world.hub.uow() as tx:
        cancel_order(tx, tenant_id=TENANT, order_id=order_id, reason="", now=world.clock())
    await world.hub.worker().run_until_idle()
    assert _incidents(world, ORDER_KIND) == []


async def test_a_reservation_canceled_at_the_register_alerts_once_and_clears(
    world: World,
) -> None:
    _subscribe(world, ["*"])
    placed, _ = _place(world, _reservation(world, "res-77"))
    reservation_id = placed.reservation.id
    await world.hub.worker().run_until_idle()
    with world.hub.uow() as tx:
        reservation_service.cancel_reservation(
            tx, tenant_id=TENANT, reservation_id=reservation_id, reason="", now=world.clock()
        )
    await world.hub.worker().run_until_idle()
    assert _incidents(world, RESERVATION_KIND) == [(reservation_id, "open")]
    [(kind, state, text)] = _alerts(world)
    assert (kind, state) == (RESERVATION_KIND, "open")
    assert "Reservation res-77 was canceled" in text
    assert watch.scan(uow=world.hub.uow, clock=world.clock) == {"opened": 0, "cleared": 0}

    world.pos.set_reservation_state(reservation_id, PosOrderState.CANCELED)
    await reservation_service.reconcile_reservation(
        reservation_id, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock
    )
    with world.hub.uow() as tx:
        found = tx.get_reservation(reservation_id)
    assert found is not None and found.reservation.status is ReservationStatus.CANCELED
    assert _incidents(world, RESERVATION_KIND) == [(reservation_id, "cleared")]
    assert [(k, s) for k, s, _ in _alerts(world)] == [
        (RESERVATION_KIND, "open"),
        (RESERVATION_KIND, "cleared"),
    ]
