"""Submitting orders to the POS through the worker: retries, refusals, ambiguity, replays."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import select

from orderbridge.domain.orders import OrderStatus
from orderbridge.messaging.tables import JobAttempt
from orderbridge.ports import PermanentError
from orderbridge.services.errors import Conflict
from orderbridge.services.orders import place_order, replay_order
from orderbridge.storage import tables as t
from orderbridge.storage.codec import canonical_hash, draft_to_json
from tests.integration.support.world import (
    CONNECTION,
    OTHER_LOCATION,
    OTHER_TENANT,
    World,
    announced,
    build_world,
    draft,
    events_of,
    jobs,
    place,
    stored,
)

pytestmark = pytest.mark.anyio


def _attempts(world: World, job_id: int) -> list[str]:
    with world.hub.sessions() as session:
        rows = session.scalars(
            select(JobAttempt).where(JobAttempt.job_id == job_id).order_by(JobAttempt.number)
        )
        return [str(row.outcome) for row in rows]


def _connection_status(world: World) -> tuple[str, str]:
    with world.hub.sessions() as session:
        row = session.get(t.Connection, CONNECTION)
        assert row is not None
        return row.status, row.status_reason


async def test_worker_submits_the_order_and_records_the_pos_id(world: World) -> None:
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    found = stored(world.hub, order_id)
    [at_pos] = world.pos.created(order_id)
    assert found.order.status is OrderStatus.SUBMITTED
    assert (found.pos_order_id, found.pos_connection_id) == (at_pos.pos_id, CONNECTION)
    assert found.order.external_refs["pos_order_id"] == at_pos.pos_id
    assert events_of(found) == ["order.received", "order.submitted"]
    assert announced(world.hub) == ["order.received", "order.submitted"]
    assert world.receiver.types() == ["order.received", "order.submitted"]
    [submit] = jobs(world.hub, "order.submit")
    assert submit.status == "succeeded"


async def test_transient_failures_are_retried_until_the_order_is_submitted(world: World) -> None:
    world.pos.fail_next = 2
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    assert stored(world.hub, order_id).order.status is OrderStatus.SUBMITTED
    assert len(world.pos.created(order_id)) == 1
    [submit] = jobs(world.hub, "order.submit")
    assert _attempts(world, submit.id) == ["transient", "transient", "succeeded"]


async def test_transient_failures_past_the_last_attempt_fail_the_order(world: World) -> None:
    """The dead letter and the failed order are one fact: the channel hears of it."""
    world.pos.fail_next = 3
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    [submit] = jobs(world.hub, "order.submit")
    assert submit.status == "dead"
    found = stored(world.hub, order_id)
    assert found.order.status is OrderStatus.FAILED
    assert found.order.timeline[-1].detail == (
        "pos_unavailable: the POS answered 503 (gave up after 3 attempts)"
    )
    assert world.receiver.types() == ["order.received", "order.failed"]
    failed = world.receiver.deliveries[-1].message["data"]
    assert (failed["code"], failed["reason"]) == (
        "pos_unavailable",
        "the POS answered 503 (gave up after 3 attempts)",
    )
    assert world.pos.created(order_id) == []


async def test_permanent_refusal_fails_the_order_with_the_reason(world: World) -> None:
    world.pos.refuse = PermanentError("unknown_product", "product 42 is not on the menu")
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    found = stored(world.hub, order_id)
    assert found.order.status is OrderStatus.FAILED
    assert found.order.timeline[-1].detail == "unknown_product: product 42 is not on the menu"
    [submit] = jobs(world.hub, "order.submit")
    assert (submit.status, _attempts(world, submit.id)) == ("dead", ["permanent"])
    assert announced(world.hub) == ["order.received", "order.failed"]
    assert world.receiver.types() == ["order.received", "order.failed"]


async def test_a_refused_token_parks_the_connection_and_fails_the_order(world: World) -> None:
    world.pos.refuse = PermanentError("reauth_required", "the token was revoked")
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    assert _connection_status(world) == ("needs_reauth", "the token was revoked")
    found = stored(world.hub, order_id)
    assert found.order.status is OrderStatus.FAILED
    assert events_of(found) == ["order.received", "pos.reauth_required", "order.failed"]
    assert found.order.timeline[-1].detail == "reauth_required: the token was revoked"
    assert announced(world.hub) == ["order.received", "order.failed"]


async def test_after_an_ambiguous_timeout_the_retry_finds_the_order_instead_of_creating_it(
    world: World,
) -> None:
    world.pos.ambiguous_next = 1
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    [at_pos] = world.pos.created(order_id)
    found = stored(world.hub, order_id)
    assert (found.order.status, found.pos_order_id) == (OrderStatus.SUBMITTED, at_pos.pos_id)
    assert events_of(found) == ["order.received", "pos.found", "order.submitted"]
    [submit] = jobs(world.hub, "order.submit")
    assert _attempts(world, submit.id) == ["transient", "succeeded"]


async def test_a_failed_order_is_replayed_and_submitted(world: World) -> None:
    world.pos.refuse = PermanentError("unknown_product", "product 42 is not on the menu")
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    world.pos.refuse = None  # the operator mapped the product
    with world.hub.uow() as tx:
        replayed = replay_order(tx, order_id=order_id, now=world.clock())
    assert replayed.order.status is OrderStatus.RECEIVED
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
    assert [j.status for j in jobs(world.hub, "order.submit")] == ["dead", "succeeded"]


async def test_a_submitted_order_is_not_replayed(world: World) -> None:
    order_id = place(world).stored.order.id
    await world.hub.worker().run_until_idle()
    with world.hub.uow() as tx, pytest.raises(Conflict) as refused:
        replay_order(tx, order_id=order_id, now=world.clock())
    assert refused.value.code == "not_replayable"
    assert len(jobs(world.hub, "order.submit")) == 1


async def test_replaying_after_an_ambiguous_dead_letter_does_not_create_a_second_pos_order(
    db_url: str,
) -> None:
    """The POS got the order but the answer timed out, and the job ran out of tries; an
    operator's replay must look the order up too, not create it again."""
    world = build_world(db_url, max_attempts=1)
    try:
        world.pos.ambiguous_next = 1
        order_id = place(world).stored.order.id
        await world.hub.worker().run_until_idle()
        assert [j.status for j in jobs(world.hub, "order.submit")] == ["dead"]
        with world.hub.uow() as tx:
            replay_order(tx, order_id=order_id, now=world.clock())
        await world.hub.worker().run_until_idle()
        [at_pos] = world.pos.created(order_id)
        found = stored(world.hub, order_id)
        assert (found.order.status, found.pos_order_id) == (OrderStatus.SUBMITTED, at_pos.pos_id)
    finally:
        await world.aclose()


async def test_an_order_for_a_location_without_a_pos_fails_with_the_reason(world: World) -> None:
    other = replace(draft("web-9"), location_id=OTHER_LOCATION)
    with world.hub.uow() as tx:
        placed = place_order(
            tx,
            tenant_id=OTHER_TENANT,
            draft=other,
            request_hash=canonical_hash(draft_to_json(other)),
            now=world.clock(),
        )
    await world.hub.worker().run_until_idle()
    found = stored(world.hub, placed.stored.order.id)
    assert found.order.status is OrderStatus.FAILED
    assert found.order.timeline[-1].detail == (
        "no_pos_connection: the location has no POS connection"
    )
    assert world.pos.orders == []
    assert announced(world.hub) == []  # the other tenant has no endpoints
