"""``place_order``: an accepted order is stored whole with its jobs; a refused one not at all."""

from __future__ import annotations

import threading
from dataclasses import replace

import pytest

from orderbridge.domain.drafts import DraftLine
from orderbridge.domain.orders import OrderStatus
from orderbridge.messaging.tables import OutboxJob
from orderbridge.ports import DuplicateKey
from orderbridge.services.errors import Conflict, Rejected
from orderbridge.services.orders import Placed
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from tests.integration.support.world import (
    CONNECTION,
    LOCATION,
    TENANT,
    World,
    announced,
    count,
    draft,
    events_of,
    jobs,
    place,
    stored,
)


def test_placed_order_is_stored_with_timeline_submit_job_and_notification(world: World) -> None:
    placed = place(world)
    assert placed.created
    order = stored(world.hub, placed.stored.order.id)
    assert order.order.status is OrderStatus.RECEIVED
    assert order.tenant_id == TENANT
    assert order.order.location_id == LOCATION
    assert events_of(order) == ["order.received"]
    assert order.order.totals.total.amount == 8000 + 1500 + 2 * 5500
    [submit] = jobs(world.hub, "order.submit")
    assert submit.payload == {"order_id": order.order.id}
    assert (submit.key, submit.connection_id, submit.status) == (
        order.order.id,
        CONNECTION,
        "pending",
    )
    assert announced(world.hub) == ["order.received"]


def test_one_notification_job_per_endpoint_subscribed_to_the_event(world: World) -> None:
    with world.hub.sessions() as session, session.begin():
        second = admin.create_endpoint(
            session, world.hub.cipher, TENANT, url="http://b.test/h", events=["order.received"]
        )
        admin.create_endpoint(
            session, world.hub.cipher, TENANT, url="http://c.test/h", events=["order.accepted"]
        )
    place(world)
    targets = {job.payload["endpoint_id"] for job in jobs(world.hub, "webhook.deliver")}
    assert targets == {world.endpoint_id, second.id}


def test_same_idempotency_key_and_body_answers_the_same_order(world: World) -> None:
    first = place(world, idempotency_key="idem-1")
    again = place(world, idempotency_key="idem-1")
    assert (again.created, again.stored.order.id) == (False, first.stored.order.id)
    assert count(world.hub, t.OrderRecord) == 1
    assert len(jobs(world.hub, "order.submit")) == 1


def test_same_idempotency_key_with_another_body_is_a_conflict(world: World) -> None:
    place(world, idempotency_key="idem-1")
    with pytest.raises(Conflict) as refused:
        place(world, draft("web-2002"), idempotency_key="idem-1")
    assert (refused.value.code, refused.value.field) == ("idempotency_conflict", "Idempotency-Key")
    assert count(world.hub, t.OrderRecord) == 1


def test_same_channel_order_id_with_another_body_is_a_conflict(world: World) -> None:
    place(world)
    other = draft(items=(DraftLine("croissant", 5),))
    with pytest.raises(Conflict) as refused:
        place(world, other)
    assert (refused.value.code, refused.value.field) == ("duplicate_order", "channel_order_id")
    assert count(world.hub, t.OrderRecord) == 1
    assert len(jobs(world.hub, "order.submit")) == 1


def test_concurrent_duplicate_placements_store_one_order(world: World) -> None:
    """Six threads post the same order at once, as a retrying channel might."""
    start = threading.Barrier(6)
    results: list[Placed] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            start.wait()
            for _ in range(5):  # what the route does: a lost insert race retries the lookup
                try:
                    results.append(place(world, idempotency_key="idem-race"))
                    return
                except DuplicateKey:
                    continue
        except BaseException as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 6
    assert len({r.stored.order.id for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert count(world.hub, t.OrderRecord) == 1
    assert len(jobs(world.hub, "order.submit")) == 1
    assert announced(world.hub) == ["order.received"]


@pytest.mark.parametrize(
    ("line", "code", "field"),
    [
        (DraftLine("espresso", 1), "unknown_item", "items[0].item_id"),
        (DraftLine("latte", 1, "latte-xl"), "unknown_variant", "items[0].variant_id"),
        (DraftLine("burger", 1), "modifier_min", "items[0].modifiers"),
    ],
)
def test_a_rejected_order_stores_nothing(
    world: World, line: DraftLine, code: str, field: str
) -> None:
    before = (count(world.hub, t.OrderRecord), count(world.hub, OutboxJob))
    with pytest.raises(Rejected) as refused:
        place(world, replace(draft(), items=(line,)))
    assert (refused.value.code, refused.value.field) == (code, field)
    assert (count(world.hub, t.OrderRecord), count(world.hub, OutboxJob)) == before
    assert count(world.hub, t.TimelineRecord) == 0
