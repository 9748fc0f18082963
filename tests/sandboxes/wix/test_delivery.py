"""Webhook delivery under Wix's rule: 200 within 1,250 ms, else up to 12 resends."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from orderbridge.sandboxes.wix.delivery import (
    MAX_ATTEMPTS,
    RESEND_DELAYS,
    RESPONSE_DEADLINE_SECONDS,
    EventDispatcher,
)
from orderbridge.sandboxes.wix.events import order_event
from orderbridge.sandboxes.wix.faults import FaultConfig, Faults
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from tests.patience import patience
from tests.sandboxes.wix.support import NOW, Receiver, fresh_world, unwrap

pytestmark = pytest.mark.anyio
# Wix's 1,250 ms, scaled for a loaded machine: an in-process answer never misses it
# by slowness alone, and a receiver told to be slower than it still does.
DEADLINE = patience(RESPONSE_DEADLINE_SECONDS)


def _setup(
    receiver: Receiver, faults: FaultConfig | None = None, senders: int = 4
) -> tuple[WixSandbox, EventDispatcher]:
    sandbox = WixSandbox(fresh_world(), faults=Faults(faults), clock=lambda: NOW)
    dispatcher = EventDispatcher(
        sandbox,
        resend_scale=0.00001,
        senders=senders,
        transport=httpx.ASGITransport(app=receiver.app()),
        deadline_seconds=DEADLINE,
    )
    sandbox.sink = dispatcher
    return sandbox, dispatcher


def _fire(sandbox: WixSandbox, order_id: str = "o-1") -> None:
    sandbox.publish([order_event("created", {"id": order_id}, NOW)])


def _outcomes(dispatcher: EventDispatcher) -> list[str]:
    return [e["outcome"] for e in dispatcher.entries()]


def test_the_schedule_is_wix_s() -> None:
    minute, hour = 60, 3600
    assert (
        minute,
        10 * minute,
        hour,
        *(2 * hour,) * 3,
        *(4 * hour,) * 3,
        *(8 * hour,) * 2,
        12 * hour,
    ) == RESEND_DELAYS
    assert MAX_ATTEMPTS == 13 and RESPONSE_DEADLINE_SECONDS == 1.25


async def test_a_200_is_delivered_once_and_never_resent() -> None:
    receiver = Receiver()
    sandbox, dispatcher = _setup(receiver)
    async with dispatcher.running():
        _fire(sandbox)
        await dispatcher.idle()
    assert receiver.calls == 1
    assert _outcomes(dispatcher) == ["delivered"]
    outer, event = unwrap_old(receiver.bodies[0], sandbox)
    assert outer["eventType"] == "wix.ecom.v1.order_created" and event["entityId"] == "o-1"


def unwrap_old(token: str, sandbox: WixSandbox) -> tuple[dict[str, Any], dict[str, Any]]:
    """Verify and unwrap a token signed on the fixed (past) test clock."""
    return unwrap(token, sandbox.public_key_pem, verify_exp=False)


async def test_a_receiver_answering_500_gets_all_twelve_resends() -> None:
    receiver = Receiver(statuses=[500] * 20)
    sandbox, dispatcher = _setup(receiver)
    async with dispatcher.running():
        _fire(sandbox)
        await dispatcher.idle()
    assert receiver.calls == MAX_ATTEMPTS == 13
    assert set(_outcomes(dispatcher)) == {"rejected"}
    assert [e["attempt"] for e in dispatcher.entries()] == list(range(1, 14))


async def test_any_status_but_200_fails_and_resends_stop_at_the_first_200() -> None:
    receiver = Receiver(statuses=[202, 500])
    sandbox, dispatcher = _setup(receiver)
    async with dispatcher.running():
        _fire(sandbox)
        await dispatcher.idle()
    assert receiver.calls == 3
    assert _outcomes(dispatcher) == ["rejected", "rejected", "delivered"]
    assert [e["status_code"] for e in dispatcher.entries()] == [202, 500, 200]


async def test_a_receiver_slower_than_the_deadline_gets_a_resend() -> None:
    receiver = Receiver(delays=[DEADLINE + 0.3])
    sandbox, dispatcher = _setup(receiver)
    async with dispatcher.running():
        _fire(sandbox)
        await dispatcher.idle()
    assert receiver.calls == 2
    assert _outcomes(dispatcher) == ["timeout", "delivered"]
    assert len(receiver.bodies) == 1


async def test_resends_arrive_after_later_events() -> None:
    receiver = Receiver(statuses=[500])
    sandbox, dispatcher = _setup(receiver, senders=1)
    async with dispatcher.running():
        _fire(sandbox, "first")
        _fire(sandbox, "second")
        await dispatcher.idle()
    order = [unwrap_old(body, sandbox)[1]["entityId"] for body in receiver.bodies]
    assert order == ["second", "first"]


async def test_dropped_events_never_reach_the_receiver() -> None:
    receiver = Receiver()
    sandbox, dispatcher = _setup(receiver, FaultConfig(event_drop_rate=1.0))
    async with dispatcher.running():
        _fire(sandbox)
        await dispatcher.idle()
    assert receiver.calls == 0 and _outcomes(dispatcher) == ["dropped"]


async def test_duplicated_events_arrive_twice_with_the_same_event_id() -> None:
    receiver = Receiver()
    sandbox, dispatcher = _setup(receiver, FaultConfig(event_duplicate_rate=1.0))
    async with dispatcher.running():
        _fire(sandbox)
        await dispatcher.idle()
    first, second = (unwrap_old(b, sandbox)[1]["id"] for b in receiver.bodies)
    assert first == second
    assert [e["duplicate"] for e in dispatcher.entries()] == [False, True]


async def test_reordered_events_arrive_newest_first() -> None:
    receiver = Receiver()
    sandbox, dispatcher = _setup(receiver, FaultConfig(event_reorder=True), senders=1)
    async with dispatcher.running():
        for order_id in ("1", "2", "3"):
            _fire(sandbox, order_id)
        await dispatcher.idle()
    assert [unwrap_old(b, sandbox)[1]["entityId"] for b in receiver.bodies] == ["3", "2", "1"]


async def test_without_a_webhook_url_events_are_only_logged() -> None:
    receiver = Receiver()
    sandbox, dispatcher = _setup(receiver)
    sandbox.world.site.webhook_url = ""
    async with dispatcher.running():
        _fire(sandbox)
        await dispatcher.idle()
    assert receiver.calls == 0 and _outcomes(dispatcher) == ["no_url"]
    assert len(dispatcher.published) == 1


async def test_an_unreachable_receiver_is_an_error_and_resent() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    sandbox = WixSandbox(fresh_world(), clock=lambda: NOW)
    dispatcher = EventDispatcher(
        sandbox, resend_scale=0.00001, transport=httpx.MockTransport(refuse)
    )
    sandbox.sink = dispatcher
    async with dispatcher.running():
        _fire(sandbox)
        await dispatcher.idle()
    assert _outcomes(dispatcher) == ["error"] * MAX_ATTEMPTS
