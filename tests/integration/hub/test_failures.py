"""A submission that cannot reach the POS fails its order, tells the channel and opens an
incident; a replay after the fix moves it on and clears the incident. Same for
reservations."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from orderbridge.domain.orders import OrderStatus
from orderbridge.domain.reservations import Reservation, ReservationKey, ReservationStatus
from orderbridge.messaging import deadletters
from orderbridge.ports import PermanentError, StoredReservation
from orderbridge.services import reservations as reservation_service
from orderbridge.services.errors import Conflict
from orderbridge.services.ids import new_id
from orderbridge.services.notify import CHANNEL_ORDER_CHANGED
from orderbridge.services.orders import cancel_order, place_order, replay_order
from orderbridge.storage import tables as t
from orderbridge.storage.alert_tables import Incident
from orderbridge.storage.codec import canonical_hash, draft_to_json, reservation_to_json
from tests.integration.support.world import (
    LOCATION,
    TENANT,
    World,
    draft,
    events_of,
    jobs,
    place,
    stored,
)
from tests.unit.domain import cafe

pytestmark = pytest.mark.anyio

UNKNOWN_PRODUCT = PermanentError("unknown_product", "product 42 is not on the menu")


def incidents(world: World, kind: str | None = None) -> list[Incident]:
    query = select(Incident).order_by(Incident.opened_at, Incident.id)
    if kind is not None:
        query = query.where(Incident.kind == kind)
    with world.hub.sessions() as session:
        return list(session.scalars(query))


def _retry_dead(world: World, kind: str) -> int:
    with world.hub.sessions() as session, session.begin():
        where = deadletters.DeadLetterFilter(kind=kind)
        return deadletters.retry_all(session, where, now=world.clock())


async def test_a_refused_order_fails_once_with_reason_and_code_for_the_channel(
    world: World,
) -> None:
    world.pos.refuse = UNKNOWN_PRODUCT
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    found = stored(world.hub, order_id)
    assert found.order.status is OrderStatus.FAILED
    assert events_of(found) == ["order.received", "order.failed"]
    assert world.receiver.types() == ["order.received", "order.failed"]
    data = world.receiver.deliveries[-1].message["data"]
    assert (data["id"], data["status"]) == (order_id, "failed")
    assert (data["code"], data["reason"]) == ("unknown_product", "product 42 is not on the menu")
    [incident] = incidents(world)
    assert (incident.kind, incident.subject_id, incident.status) == (
        "order.failed",
        order_id,
        "open",
    )
    assert incident.detail == "unknown_product: product 42 is not on the menu"
    assert incident.data["channel_order_id"] == "web-1001"


async def test_retrying_the_dead_submission_after_the_fix_moves_the_order_on(
    world: World,
) -> None:
    world.pos.refuse = UNKNOWN_PRODUCT
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    world.pos.refuse = None  # the operator mapped the product
    assert _retry_dead(world, "order.submit") == 1
    await world.hub.worker().run_until_idle()
    found = stored(world.hub, order_id)
    assert found.order.status is OrderStatus.SUBMITTED
    assert events_of(found) == [
        "order.received",
        "order.failed",
        "order.replayed",
        "order.submitted",
    ]
    assert len(world.pos.created(order_id)) == 1
    assert world.receiver.types()[-1] == "order.submitted"
    [incident] = incidents(world)
    assert (incident.status, incident.cleared_at) == ("cleared", world.clock())


async def test_a_replayed_order_clears_its_incident_and_a_new_failure_opens_another(
    world: World,
) -> None:
    world.pos.refuse = UNKNOWN_PRODUCT
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    world.clock.advance(60)
    with world.hub.uow() as tx:
        replay_order(tx, order_id=order_id, now=world.clock())
    assert [i.status for i in incidents(world)] == ["cleared"]
    await world.hub.worker().run_until_idle()  # refused again: a new incident
    assert [i.status for i in incidents(world)] == ["cleared", "open"]
    assert stored(world.hub, order_id).order.status is OrderStatus.FAILED


async def test_canceling_a_failed_order_clears_its_incident(world: World) -> None:
    world.pos.refuse = UNKNOWN_PRODUCT
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    with world.hub.uow() as tx:
        cancel_order(tx, tenant_id=TENANT, order_id=order_id, reason="", now=world.clock())
    assert [i.status for i in incidents(world)] == ["cleared"]


async def test_a_revived_job_whose_order_moved_on_meanwhile_does_nothing(world: World) -> None:
    """The operator replayed the order (a new job submitted it); the old dead letter,
    retried later, finds the order submitted and leaves the POS alone."""
    world.pos.refuse = UNKNOWN_PRODUCT
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    world.pos.refuse = None
    with world.hub.uow() as tx:
        replay_order(tx, order_id=order_id, now=world.clock())
    await world.hub.worker().run_until_idle()
    assert _retry_dead(world, "order.submit") == 1
    await world.hub.worker().run_until_idle()
    assert len(world.pos.created(order_id)) == 1
    first, _replayed = jobs(world.hub, "order.submit")
    assert first.result == {"skipped": "submitted"}


async def test_a_channel_order_that_fails_is_announced_to_its_channel(world: World) -> None:
    """A Wix (or other connected channel's) order's failure reaches the channel's job."""
    world.pos.refuse = UNKNOWN_PRODUCT
    order = draft("wix-1")
    with world.hub.uow() as tx:
        placed = place_order(
            tx,
            tenant_id=TENANT,
            draft=order,
            request_hash=canonical_hash(draft_to_json(order)),
            now=world.clock(),
            channel_connection_id="con_wix",
        )
    await world.hub.worker().run_until_idle()
    told = [(j.payload["event"], j.connection_id) for j in jobs(world.hub, CHANNEL_ORDER_CHANGED)]
    assert told == [("order.received", "con_wix"), ("order.failed", "con_wix")]
    assert stored(world.hub, placed.stored.order.id).order.status is OrderStatus.FAILED


# Reservations ----------------------------------------------------------------------


def _reservation(world: World) -> Reservation:
    return Reservation.receive(
        id=new_id("res"),
        key=ReservationKey("storefront", "res-1"),
        location_id=LOCATION,
        time=world.clock() + timedelta(hours=8),
        duration=timedelta(hours=2),
        guests=4,
        customer=cafe.customer(),
        at=world.clock(),
    )


def _book(world: World) -> str:
    reservation = _reservation(world)
    document = reservation_to_json(reservation)
    with world.hub.uow() as tx:
        reservation_service.place_reservation(
            tx,
            tenant_id=TENANT,
            reservation=reservation,
            request_hash=canonical_hash(document),
            now=world.clock(),
        )
    return reservation.id


def _load(world: World, reservation_id: str) -> StoredReservation:
    with world.hub.uow() as tx:
        found = tx.get_reservation(reservation_id)
    assert found is not None
    return found


async def test_a_reservation_whose_tries_run_out_fails_and_the_channel_is_told(
    world: World,
) -> None:
    world.pos.fail_next = 3
    rid = _book(world)
    await world.hub.worker().run_until_idle()
    found = _load(world, rid)
    assert found.reservation.status is ReservationStatus.FAILED
    assert world.receiver.types() == ["reservation.received", "reservation.failed"]
    data = world.receiver.deliveries[-1].message["data"]
    assert (data["id"], data["code"]) == (rid, "pos_unavailable")
    assert data["reason"] == "the POS answered 503 (gave up after 3 attempts)"
    [incident] = incidents(world)
    assert (incident.kind, incident.subject_id) == ("reservation.failed", rid)


async def test_a_failed_reservation_moves_on_when_its_dead_letter_is_retried(
    world: World,
) -> None:
    world.pos.refuse = PermanentError("table_taken", "table 4 is booked")
    rid = _book(world)
    await world.hub.worker().run_until_idle()
    world.pos.refuse = None
    assert _retry_dead(world, reservation_service.SUBMIT_RESERVATION) == 1
    await world.hub.worker().run_until_idle()
    assert _load(world, rid).reservation.status is ReservationStatus.SUBMITTED
    assert len(world.pos.reservations) == 1
    assert [i.status for i in incidents(world)] == ["cleared"]


async def test_a_failed_reservation_is_replayed_by_an_operator(world: World) -> None:
    world.pos.refuse = PermanentError("table_taken", "table 4 is booked")
    rid = _book(world)
    await world.hub.worker().run_until_idle()
    world.pos.refuse = None
    with world.hub.uow() as tx:
        replayed = reservation_service.replay_reservation(tx, reservation_id=rid, now=world.clock())
    assert replayed.reservation.status is ReservationStatus.RECEIVED
    await world.hub.worker().run_until_idle()
    assert _load(world, rid).reservation.status is ReservationStatus.SUBMITTED
    assert [i.status for i in incidents(world)] == ["cleared"]
    with world.hub.uow() as tx, pytest.raises(Conflict):
        reservation_service.replay_reservation(tx, reservation_id=rid, now=world.clock())


async def test_an_order_at_a_location_without_pos_fails_once_with_its_code(world: World) -> None:
    """No POS: the order fails at once (the job succeeds: there is nothing to retry)."""
    with world.hub.sessions() as session, session.begin():
        session.execute(delete(t.LocationLink))
    order_id = place(world, replace(draft("web-7"))).stored.order.id
    await world.hub.worker().run_until_idle()
    assert stored(world.hub, order_id).order.status is OrderStatus.FAILED
    assert world.receiver.deliveries[-1].message["data"]["code"] == "no_pos_connection"
    assert [(i.kind, i.status) for i in incidents(world)] == [("order.failed", "open")]
