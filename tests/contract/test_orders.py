"""Orders: created once however the first try ended, followed, canceled where capable."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orderbridge.ports import PermanentError, PosOrderState, TransientError
from tests.contract.support import Driver

pytestmark = pytest.mark.anyio
SINCE = datetime.now(UTC) - timedelta(days=2)


async def test_an_order_is_created_new_and_carries_the_key(pos: Driver) -> None:
    ref = await pos.connector.submit_order(pos.order("1001"), location=pos.location, key="ord_1001")
    assert ref.pos_order_id and ref.state is PosOrderState.NEW
    assert await pos.orders_with("ord_1001") == 1


async def test_after_an_ambiguous_failure_the_retry_does_not_duplicate(pos: Driver) -> None:
    """The create was done but never answered: a timeout, not a refusal. The retry finds
    it by the key (or, for a POS that deduplicates creates by key, creates it again
    safely): one order at the POS either way."""
    order = pos.order("1002")
    await pos.hang_next_create()
    with pytest.raises(TransientError):
        await pos.connector.submit_order(order, location=pos.location, key="ord_1002")
    assert await pos.orders_with("ord_1002") == 1
    if pos.connector.capabilities.order_lookup_by_key:
        found = await pos.connector.find_order(location=pos.location, key="ord_1002", since=SINCE)
        assert found is not None and found.state is PosOrderState.NEW
        missing = await pos.connector.find_order(location=pos.location, key="ord_x", since=SINCE)
        assert missing is None
    else:
        await pos.connector.submit_order(order, location=pos.location, key="ord_1002")
    assert await pos.orders_with("ord_1002") == 1


async def test_the_order_follows_the_register(pos: Driver) -> None:
    first = await pos.connector.submit_order(pos.order("1003"), location=pos.location, key="a")
    second = await pos.connector.submit_order(pos.order("1004"), location=pos.location, key="b")
    await pos.accept(first.pos_order_id)
    accepted = await pos.connector.order_state(first.pos_order_id, location=pos.location)
    assert accepted.state is PosOrderState.ACCEPTED
    await pos.complete(first.pos_order_id)
    done = await pos.connector.order_state(first.pos_order_id, location=pos.location)
    assert done.state is PosOrderState.COMPLETED
    await pos.decline(second.pos_order_id)
    declined = await pos.connector.order_state(second.pos_order_id, location=pos.location)
    assert declined.state is PosOrderState.DECLINED


async def test_cancel_reaches_the_pos_where_it_can(pos: Driver) -> None:
    ref = await pos.connector.submit_order(pos.order("1005"), location=pos.location, key="c")
    await pos.accept(ref.pos_order_id)
    if pos.connector.capabilities.cancel_orders:
        after = await pos.connector.cancel_order(
            ref.pos_order_id, location=pos.location, reason="guest called"
        )
        assert after.state is PosOrderState.CANCELED
        state = await pos.connector.order_state(ref.pos_order_id, location=pos.location)
        assert state.state is PosOrderState.CANCELED
    else:
        with pytest.raises(PermanentError):
            await pos.connector.cancel_order(ref.pos_order_id, location=pos.location, reason="x")
        state = await pos.connector.order_state(ref.pos_order_id, location=pos.location)
        assert state.state is PosOrderState.ACCEPTED
