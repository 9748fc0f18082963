"""Failures are classified at the connector: transient (retry), permanent (stop), re-auth."""

from __future__ import annotations

import pytest

from orderbridge.ports import PermanentError, TransientError
from tests.contract.support import Driver

pytestmark = pytest.mark.anyio


async def test_an_unavailable_pos_is_transient(pos: Driver) -> None:
    await pos.fail_next("unavailable")
    with pytest.raises(TransientError):
        await pos.connector.submit_order(pos.order("2001"), location=pos.location, key="e1")
    assert await pos.orders_with("e1") == 0


async def test_a_rate_limit_is_transient(pos: Driver) -> None:
    await pos.fail_next("rate_limited")
    with pytest.raises(TransientError) as caught:
        await pos.connector.submit_order(pos.order("2002"), location=pos.location, key="e2")
    hint = caught.value.retry_after
    assert hint is None or hint >= 0  # Poster gives no hint; HTTP POS send Retry-After


async def test_an_unknown_item_is_permanent_and_names_itself(pos: Driver) -> None:
    with pytest.raises(PermanentError) as caught:
        await pos.connector.submit_order(
            pos.unknown_item_order("2003"), location=pos.location, key="e3"
        )
    assert caught.value.code != "reauth_required"
    assert await pos.orders_with("e3") == 0


async def test_refused_credentials_ask_for_reauthorisation(pos: Driver) -> None:
    await pos.revoke_credentials()
    with pytest.raises(PermanentError) as caught:
        await pos.connector.submit_order(pos.order("2004"), location=pos.location, key="e4")
    assert caught.value.code == "reauth_required"
