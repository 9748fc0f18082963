"""Orders and reservations reach the POS by one path (``services/submission.py``).

Each test runs for both: an ambiguous create is found again instead of repeated, a
revoked token parks the connection and leaves the subject waiting, the lease fence
runs right before the create (a try that lost its job creates nothing), and a replay's
first try looks before it creates.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest

from orderbridge.domain.reservations import Reservation, ReservationKey
from orderbridge.ports import PermanentError, TransientError, UnitOfWork
from orderbridge.services import pipeline, reservations
from orderbridge.services.ids import new_id
from orderbridge.storage import tables as t
from orderbridge.storage.codec import canonical_hash, reservation_to_json
from tests.integration.support.fake_pos import PosEntry
from tests.integration.support.world import CONNECTION, LOCATION, TENANT, World, place
from tests.unit.domain import cafe

pytestmark = pytest.mark.anyio


@dataclass(frozen=True)
class Subject:
    """An order or a reservation, and how the tests reach it."""

    name: str
    place: Callable[[World], str]
    submit: Callable[..., object]
    at_pos: Callable[[World, str], list[PosEntry]]
    status: Callable[[World, str], str]
    events: Callable[[World, str], list[str]]
    replay: Callable[[UnitOfWork, str, World], object]


def _place_order(world: World) -> str:
    return place(world).stored.order.id


def _place_reservation(world: World) -> str:
    reservation = Reservation.receive(
        id=new_id("res"),
        key=ReservationKey("storefront", new_id("r")),
        location_id=LOCATION,
        time=world.clock() + timedelta(hours=8),
        duration=timedelta(hours=2),
        guests=2,
        customer=cafe.customer(),
        at=world.clock(),
    )
    document = reservation_to_json(reservation)
    with world.hub.uow() as tx:
        stored, _ = reservations.place_reservation(
            tx,
            tenant_id=TENANT,
            reservation=reservation,
            request_hash=canonical_hash(document),
            now=world.clock(),
        )
    return stored.reservation.id


def _order_view(world: World, order_id: str) -> tuple[str, list[str]]:
    with world.hub.uow() as tx:
        found = tx.get_order(order_id)
    assert found is not None
    return found.order.status.value, [e.event for e in found.order.timeline]


def _reservation_view(world: World, reservation_id: str) -> tuple[str, list[str]]:
    with world.hub.uow() as tx:
        found = tx.get_reservation(reservation_id)
    assert found is not None
    return found.reservation.status.value, [e.event for e in found.reservation.timeline]


def _replay_order(tx: UnitOfWork, order_id: str, world: World) -> object:
    from orderbridge.services.orders import replay_order

    return replay_order(tx, order_id=order_id, now=world.clock())


def _replay_reservation(tx: UnitOfWork, reservation_id: str, world: World) -> object:
    stored = tx.get_reservation(reservation_id)
    assert stored is not None
    assert stored.reservation.replay(world.clock(), "replayed by an operator").applied
    tx.save_reservation(stored.reservation)
    tx.commit()
    return stored


ORDER = Subject(
    "order",
    _place_order,
    pipeline.submit_order,
    lambda world, key: [e for e in world.pos.orders if e.key == key],
    lambda world, key: _order_view(world, key)[0],
    lambda world, key: _order_view(world, key)[1],
    _replay_order,
)
RESERVATION = Subject(
    "reservation",
    _place_reservation,
    reservations.submit_reservation,
    lambda world, key: [e for e in world.pos.reservations if e.key == key],
    lambda world, key: _reservation_view(world, key)[0],
    lambda world, key: _reservation_view(world, key)[1],
    _replay_reservation,
)


@pytest.fixture(params=[ORDER, RESERVATION], ids=lambda s: s.name)
def subject(request: pytest.FixtureRequest) -> Subject:
    return request.param  # type: ignore[no-any-return]


async def _submit(world: World, subject: Subject, key: str, attempt: int, **kw: object) -> object:
    return await subject.submit(  # type: ignore[misc]
        key, attempt=attempt, uow=world.hub.uow, pos_for=world.hub.pos_for, clock=world.clock, **kw
    )


async def test_an_ambiguous_create_is_found_again_not_repeated(
    world: World, subject: Subject
) -> None:
    key = subject.place(world)
    world.pos.ambiguous_next = 1
    with pytest.raises(TransientError):
        await _submit(world, subject, key, attempt=1)
    result = await _submit(world, subject, key, attempt=2)
    assert result is not None and result["found"] is True  # type: ignore[index]
    assert len(subject.at_pos(world, key)) == 1
    assert subject.status(world, key) == "submitted"
    assert "pos.found" in subject.events(world, key)


async def test_a_revoked_token_parks_the_connection_and_the_subject_waits(
    world: World, subject: Subject
) -> None:
    key = subject.place(world)
    world.pos.refuse = PermanentError("reauth_required", "the token was revoked")
    with pytest.raises(PermanentError):
        await _submit(world, subject, key, attempt=1)
    with world.hub.sessions() as session:
        connection = session.get(t.Connection, CONNECTION)
        assert connection is not None
        assert (connection.status, connection.status_reason) == (
            "needs_reauth",
            "the token was revoked",
        )
    assert subject.status(world, key) == "received"
    assert subject.events(world, key)[-1] == "pos.reauth_required"


async def test_the_lease_fence_runs_right_before_the_create(world: World, subject: Subject) -> None:
    key = subject.place(world)
    fenced: list[int] = []

    async def lost_lease() -> None:
        fenced.append(len(subject.at_pos(world, key)))
        raise TransientError("the job was taken over: its lease lapsed")

    with pytest.raises(TransientError):
        await _submit(world, subject, key, attempt=1, before_create=lost_lease)
    assert fenced == [0]
    assert subject.at_pos(world, key) == []
    assert subject.status(world, key) == "received"


async def test_the_first_try_after_a_replay_looks_before_it_creates(
    world: World, subject: Subject
) -> None:
    key = subject.place(world)
    world.pos.ambiguous_next = 1  # reached the POS; the answer was lost …
    with pytest.raises(TransientError):
        await _submit(world, subject, key, attempt=1)
    with world.hub.uow() as tx:  # … the job died, an operator fails and replays it
        if subject is ORDER:
            found = tx.get_order(key)
            assert found is not None
            found.order.fail(world.clock(), "dead letter")
            tx.save_order(found.order)
        else:
            held = tx.get_reservation(key)
            assert held is not None
            held.reservation.fail(world.clock(), "dead letter")
            tx.save_reservation(held.reservation)
        tx.commit()
    with world.hub.uow() as tx:
        subject.replay(tx, key, world)
    await _submit(world, subject, key, attempt=1)  # a new job's first try
    assert len(subject.at_pos(world, key)) == 1
    assert subject.status(world, key) == "submitted"
