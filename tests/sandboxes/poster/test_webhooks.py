"""Webhook signatures and delivery: the reference's formula, retries, and the faults."""

from __future__ import annotations

import httpx
import pytest

from orderbridge.sandboxes.poster.faults import FaultConfig, Faults
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.webhooks import MAX_ATTEMPTS, WebhookDispatcher, sign
from tests.sandboxes.poster.receivers import PhpExampleReceiver
from tests.sandboxes.poster.worlds import APP_ID, APP_SECRET, tiny_world

pytestmark = pytest.mark.anyio


def test_signature_vector_without_data() -> None:
    """md5("api-demo;transaction;1;added;1518794257;secret"), the reference's example."""
    body = {
        "account": "api-demo",
        "object": "transaction",
        "object_id": 1,
        "action": "added",
        "time": "1518794257",
    }
    assert sign(body, APP_SECRET) == "ba193c47db34623ff442c9967e0cfc7e"


def test_signature_vector_with_data() -> None:
    """``data`` joins the signature between action and time when it is present."""
    body = {
        "account": "api-demo",
        "object": "stock",
        "object_id": 139,
        "action": "changed",
        "time": "1518794257",
        "data": '{"type":2,"element_id":139,"storage_id":1,"value_relative":-1,'
        '"value_absolute":11}',
    }
    assert sign(body, APP_SECRET) == "bbea748c0309d9239f80cd57cb381835"


def _dispatcher(
    receiver: PhpExampleReceiver, faults: FaultConfig | None = None, senders: int = 4
) -> tuple[PosterSandbox, WebhookDispatcher]:
    sandbox = PosterSandbox(tiny_world(), faults=Faults(faults))
    dispatcher = WebhookDispatcher(
        sandbox,
        retry_scale=0.00001,
        senders=senders,
        transport=httpx.ASGITransport(app=receiver.app()),
    )
    sandbox.sink = dispatcher
    return sandbox, dispatcher


def _emit(
    sandbox: PosterSandbox,
    obj: str,
    object_id: int,
    action: str = "changed",
    data: dict[str, object] | None = None,
) -> None:
    ctx = sandbox.context(sandbox.world.accounts["api-demo"])
    ctx.emit(obj, object_id, action, data)
    sandbox.commit(ctx)


async def test_php_example_receiver_accepts_sandbox_webhooks() -> None:
    receiver = PhpExampleReceiver(APP_SECRET)
    sandbox, dispatcher = _dispatcher(receiver)
    async with dispatcher.running():
        _emit(sandbox, "incoming_order", 5)
        _emit(
            sandbox,
            "stock",
            138,
            data={
                "type": 2,
                "element_id": 138,
                "storage_id": 1,
                "value_relative": -1,
                "value_absolute": 3,
            },
        )
        await dispatcher.idle()
    assert receiver.bad_signatures == 0
    assert sorted((b["object"], b["object_id"]) for b in receiver.accepted) == [
        ("incoming_order", 5),
        ("stock", 138),
    ]
    first = next(b for b in receiver.accepted if b["object"] == "incoming_order")
    assert first["account"] == "api-demo"
    assert first["account_number"] == "687409"
    assert first["action"] == "changed"
    assert first["time"].isdigit()
    assert "data" not in first
    stock = next(b for b in receiver.accepted if b["object"] == "stock")
    assert isinstance(stock["data"], str)
    assert [e["outcome"] for e in dispatcher.entries()] == ["accepted", "accepted"]


async def test_unaccepted_delivery_is_retried_until_accepted() -> None:
    receiver = PhpExampleReceiver(APP_SECRET, reject_first=2)
    sandbox, dispatcher = _dispatcher(receiver)
    async with dispatcher.running():
        _emit(sandbox, "incoming_order", 7)
        await dispatcher.idle()
    assert len(receiver.accepted) == 1
    assert [e["outcome"] for e in dispatcher.entries()] == ["rejected", "rejected", "accepted"]
    assert [e["attempt"] for e in dispatcher.entries()] == [1, 2, 3]


async def test_a_receiver_that_never_accepts_gets_exactly_fifteen_attempts() -> None:
    receiver = PhpExampleReceiver("a-wrong-secret")
    sandbox, dispatcher = _dispatcher(receiver)
    async with dispatcher.running():
        _emit(sandbox, "incoming_order", 7)
        await dispatcher.idle(limit_seconds=20)
    assert receiver.calls == MAX_ATTEMPTS == 15
    assert receiver.bad_signatures == 15
    assert {e["outcome"] for e in dispatcher.entries()} == {"rejected"}


async def test_dropped_webhooks_never_reach_the_receiver() -> None:
    receiver = PhpExampleReceiver(APP_SECRET)
    sandbox, dispatcher = _dispatcher(receiver, FaultConfig(webhook_drop_rate=1.0))
    async with dispatcher.running():
        _emit(sandbox, "incoming_order", 7)
        await dispatcher.idle()
    assert receiver.calls == 0
    assert [e["outcome"] for e in dispatcher.entries()] == ["dropped"]


async def test_duplicated_webhooks_arrive_twice_with_the_same_body() -> None:
    receiver = PhpExampleReceiver(APP_SECRET)
    sandbox, dispatcher = _dispatcher(receiver, FaultConfig(webhook_duplicate_rate=1.0))
    async with dispatcher.running():
        _emit(sandbox, "incoming_order", 7)
        await dispatcher.idle()
    assert len(receiver.accepted) == 2
    assert receiver.accepted[0] == receiver.accepted[1]


async def test_reordered_webhooks_arrive_newest_first() -> None:
    receiver = PhpExampleReceiver(APP_SECRET)
    sandbox, dispatcher = _dispatcher(receiver, FaultConfig(webhook_reorder=True), senders=1)
    async with dispatcher.running():
        for object_id in (1, 2, 3):
            _emit(sandbox, "incoming_order", object_id)
        await dispatcher.idle()
    assert [b["object_id"] for b in receiver.accepted] == [3, 2, 1]


async def test_entity_subscription_filters_events() -> None:
    receiver = PhpExampleReceiver(APP_SECRET)
    sandbox, dispatcher = _dispatcher(receiver)
    sandbox.world.applications[APP_ID].webhook_entities = ["incoming_order"]
    async with dispatcher.running():
        _emit(sandbox, "product", 138)
        _emit(sandbox, "incoming_order", 9)
        await dispatcher.idle()
    assert [b["object"] for b in receiver.accepted] == ["incoming_order"]


async def test_accounts_without_the_application_installed_send_it_nothing() -> None:
    receiver = PhpExampleReceiver(APP_SECRET)
    sandbox, dispatcher = _dispatcher(receiver)
    async with dispatcher.running():
        ctx = sandbox.context(sandbox.world.accounts["dev-example"])
        ctx.emit("product", 1, "changed")
        sandbox.commit(ctx)
        await dispatcher.idle()
    assert receiver.calls == 0
