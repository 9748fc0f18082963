"""The POS's own webhooks: verified before they are read, and read as the right hint."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from orderbridge import connectors
from orderbridge.connectors import WebhookRejected
from orderbridge.ports import ConnectionRecord, PosSystem, StoredOrder
from orderbridge.services.pipeline import RECONCILE_ORDER
from tests.contract.support import Driver, OneOrder, read

pytestmark = pytest.mark.anyio


async def test_an_accepted_order_comes_back_as_a_hint_to_reconcile_it(pos: Driver) -> None:
    order = pos.order("3001")
    ref = await pos.connector.submit_order(order, location=pos.location, key=order.id)
    pos.hook.clear()
    await pos.accept(ref.pos_order_id)
    await pos.settle()
    assert pos.hook.received, f"{pos.name} sent no webhook for the acceptance"
    stored = StoredOrder(
        order=order,
        tenant_id="t",
        request_hash="h",
        idempotency_key=None,
        pos_connection_id=pos.connection.id,
        pos_order_id=ref.pos_order_id,
        pos_check_id=None,
        updated_at=datetime.now(UTC),
    )
    uow = OneOrder(stored, pos.connection, pos.location)
    handlers = connectors.event_handlers()
    now = datetime.now(UTC)

    def pos_for(connection: ConnectionRecord) -> PosSystem:
        return pos.connector

    for headers, body in pos.hook.received:
        for event in read(pos.connection, headers, body, now):
            if event.job_kind is not None:
                await handlers[event.job_kind](
                    event.payload, uow=uow, pos_for=pos_for, clock=lambda: now
                )
    assert (RECONCILE_ORDER, {"order_id": order.id}) in uow.queued


async def test_a_tampered_webhook_is_refused_before_it_is_read(pos: Driver) -> None:
    ref = await pos.connector.submit_order(pos.order("3002"), location=pos.location, key="w2")
    pos.hook.clear()
    await pos.accept(ref.pos_order_id)
    await pos.settle()
    headers, body = pos.hook.received[0]
    tampered = body.replace(ref.pos_order_id.encode(), b"999999", 1)
    assert tampered != body
    with pytest.raises(WebhookRejected) as caught:
        read(pos.connection, headers, tampered, datetime.now(UTC))
    assert caught.value.code == "invalid_signature"


async def test_an_item_change_comes_back_as_a_hint_to_read_that_item(pos: Driver) -> None:
    before = (await pos.connector.fetch_menu(location=pos.location)).item(pos.item_id)
    assert before is not None
    pos.hook.clear()
    await pos.change_item(price=before.price.amount + 500, available=True)
    await pos.settle()
    events = [
        e
        for headers, body in pos.hook.received
        for e in read(pos.connection, headers, body, datetime.now(UTC))
        if e.job_kind is not None
    ]
    assert events, f"{pos.name}'s item change queues no work"
    assert any(pos.item_id in str(e.payload.values()) for e in events)
