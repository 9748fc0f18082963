"""Storefront webhooks: signed the Standard Webhooks way, retried on 5xx, dropped on 410."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from orderbridge.messaging.tables import JobAttempt
from orderbridge.messaging.worker import Worker
from orderbridge.services.notify import DELIVER_WEBHOOK
from orderbridge.storage import admin
from tests.integration.support.receiver import Delivery
from tests.integration.support.world import ENDPOINT_URL, TENANT, World, draft, jobs, place

pytestmark = pytest.mark.anyio


async def _deliver_only(world: World) -> None:
    """Run the webhook deliveries only: the orders stay where they are (received)."""
    deliver = world.hub.handlers()[DELIVER_WEBHOOK]
    worker = Worker(
        world.hub.sessions,
        {DELIVER_WEBHOOK: deliver},
        clock=world.clock,
        retry_policy=world.hub.retry_policy,
        poll_interval=0.01,
    )
    await worker.run_until_idle()


def _verifies(world: World, secret: str, delivery: Delivery) -> bool:
    return delivery.signed_by(secret, at=world.clock())


def _rotate(world: World, overlap: timedelta) -> str:
    with world.hub.sessions() as session, session.begin():
        return admin.rotate_endpoint_secret(
            session, world.hub.cipher, world.endpoint_id, overlap=overlap, now=world.clock()
        )


async def test_a_delivery_carries_verifiable_standard_webhooks_headers(world: World) -> None:
    order_id = place(world).stored.order.id
    await _deliver_only(world)  # one event to deliver
    [delivery] = world.receiver.deliveries
    assert delivery.path == "/hooks/orderbridge"
    assert delivery.headers["content-type"] == "application/json"
    assert delivery.headers["webhook-id"].startswith("msg_")
    assert delivery.headers["webhook-timestamp"] == str(int(world.clock().timestamp()))
    assert _verifies(world, world.endpoint_secret, delivery)
    assert not _verifies(world, admin.new_webhook_secret(), delivery)
    message = delivery.message
    assert message["type"] == "order.received"
    assert message["data"]["id"] == order_id
    assert "phone" not in delivery.body.decode() and "olena" not in delivery.body.decode()


async def test_a_retried_delivery_keeps_its_message_id(world: World) -> None:
    world.receiver.answers = [503, 500]
    place(world)
    await _deliver_only(world)
    first, second, third = world.receiver.deliveries
    assert (
        first.headers["webhook-id"] == second.headers["webhook-id"] == third.headers["webhook-id"]
    )
    [job] = jobs(world.hub, "webhook.deliver")
    assert (job.status, job.result) == ("succeeded", {"status": 204})
    with world.hub.sessions() as session:
        outcomes = session.scalars(
            select(JobAttempt.outcome)
            .where(JobAttempt.job_id == job.id)
            .order_by(JobAttempt.number)
        ).all()
    assert outcomes == ["transient", "transient", "succeeded"]


async def test_410_gone_makes_a_dead_letter_at_once(world: World) -> None:
    world.receiver.answers = [410]
    place(world)
    await _deliver_only(world)
    assert len(world.receiver.deliveries) == 1
    [job] = jobs(world.hub, "webhook.deliver")
    assert job.status == "dead"
    assert job.last_error == f"endpoint_gone: {ENDPOINT_URL} answered 410 Gone"


async def test_during_a_rotation_both_secrets_sign_then_only_the_new_one(world: World) -> None:
    old = world.endpoint_secret
    new = _rotate(world, timedelta(hours=1))
    place(world, draft("web-1"))
    await _deliver_only(world)
    overlapping = world.receiver.deliveries[-1]
    assert len(overlapping.headers["webhook-signature"].split(" ")) == 2
    assert _verifies(world, old, overlapping) and _verifies(world, new, overlapping)
    world.clock.advance(2 * 3600)
    place(world, draft("web-2"))
    await _deliver_only(world)
    after = world.receiver.deliveries[-1]
    assert after.message["data"]["channel_order_id"] == "web-2"
    assert _verifies(world, new, after)
    assert not _verifies(world, old, after)


async def test_a_deleted_endpoint_gets_nothing_more(world: World) -> None:
    place(world)
    with world.hub.sessions() as session, session.begin():
        assert admin.delete_endpoint(session, TENANT, world.endpoint_id)
    await _deliver_only(world)
    assert world.receiver.deliveries == []
    [job] = jobs(world.hub, "webhook.deliver")
    assert job.result == {"skipped": "endpoint_removed"}
