"""Orders and reservations through the connector, round trip against the sandbox."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from orderbridge.connectors.poster.connector import CAPABILITIES, PosterConnector
from orderbridge.domain.customers import Customer
from orderbridge.domain.orders import Fulfilment, FulfilmentType, Order, OrderKey, OrderLine
from orderbridge.ports import PermanentError, PosOrderState, PosSystem, TransientError
from orderbridge.sandboxes.poster import cashier
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from tests.connectors.poster.support import (
    NOW,
    PODIL,
    accept,
    cafe_order,
    close_check,
    decline,
    set_faults,
    table_reservation,
    uah,
)


@pytest.mark.anyio
async def test_the_connector_satisfies_the_port(connector: PosterConnector) -> None:
    """Structural check of the ``PosSystem`` protocol, capabilities declared as data."""
    port: PosSystem = connector
    assert port.capabilities is CAPABILITIES and CAPABILITIES.order_lookup_by_key


@pytest.mark.anyio
async def test_order_with_variant_modifiers_and_prepayment_reaches_the_register(
    connector: PosterConnector, sandbox: PosterSandbox
) -> None:
    """The register holds exactly what was ordered, paid, and the marker to find it."""
    ref = await connector.submit_order(cafe_order(), location=PODIL, key="ord_1001")
    assert ref.state is PosOrderState.NEW
    stored = sandbox.world.accounts["api-demo"].incoming_orders[int(ref.pos_order_id)]
    lines = [(p.product_id, p.modificator_id, p.count, p.modification) for p in stored.products]
    assert lines == [
        (139, 148, 2, None),
        (172, None, 1, [{"m": 62, "a": 1}, {"m": 59, "a": 2}]),
    ]
    assert stored.payment is not None
    assert (stored.payment.type, stored.payment.sum, stored.payment.currency) == (1, 31500, "UAH")
    assert (stored.first_name, stored.last_name, stored.phone) == (
        "Олена",
        "Коваленко",
        "380671234567",
    )
    assert stored.service_mode == 3 and stored.delivery_time == "2026-11-22 20:30:00"
    assert stored.comment is not None and stored.comment.endswith("[ob:ord_1001]")


@pytest.mark.anyio
async def test_prepaid_order_leaves_nothing_to_pay_at_the_register(
    connector: PosterConnector, sandbox: PosterSandbox
) -> None:
    """On acceptance the check is prepaid in full; closing it takes no cash."""
    ref = await connector.submit_order(cafe_order(), location=PODIL, key="ord_1001")
    check_id = accept(sandbox, int(ref.pos_order_id))
    check = sandbox.world.accounts["api-demo"].transactions[check_id]
    assert check.sum == check.prepaid == 31500
    close_check(sandbox, check_id)
    assert check.payed_cash == 0


@pytest.mark.anyio
async def test_states_follow_the_cashier_accept_then_close(
    connector: PosterConnector, sandbox: PosterSandbox
) -> None:
    """new → accepted (with its check) → completed once the check is closed."""
    ref = await connector.submit_order(cafe_order(), location=PODIL, key="ord_1")
    assert (
        await connector.order_state(ref.pos_order_id, location=PODIL)
    ).state is PosOrderState.NEW
    check_id = accept(sandbox, int(ref.pos_order_id))
    accepted = await connector.order_state(ref.pos_order_id, location=PODIL)
    assert (accepted.state, accepted.pos_check_id) == (PosOrderState.ACCEPTED, str(check_id))
    close_check(sandbox, check_id)
    completed = await connector.order_state(ref.pos_order_id, location=PODIL)
    assert completed.state is PosOrderState.COMPLETED


@pytest.mark.anyio
async def test_decline_before_and_cancel_after_acceptance(
    connector: PosterConnector, sandbox: PosterSandbox
) -> None:
    """Status 7 without a check is declined; with one (accepted first) canceled."""
    first = await connector.submit_order(cafe_order(channel_order_id="1"), location=PODIL, key="a")
    second = await connector.submit_order(cafe_order(channel_order_id="2"), location=PODIL, key="b")
    decline(sandbox, int(first.pos_order_id))
    accept(sandbox, int(second.pos_order_id))
    decline(sandbox, int(second.pos_order_id))
    states = [
        (await connector.order_state(ref.pos_order_id, location=PODIL)).state
        for ref in (first, second)
    ]
    assert states == [PosOrderState.DECLINED, PosOrderState.CANCELED]


@pytest.mark.anyio
async def test_find_order_after_a_hang_finds_the_one_created(
    connector: PosterConnector, sandbox: PosterSandbox, transport: httpx.AsyncBaseTransport
) -> None:
    """Created but unanswered: the retry finds it by its marker instead of duplicating it."""
    seeded = set(sandbox.world.accounts["api-demo"].incoming_orders)  # the reference's
    await set_faults(transport, next_hang=1, hang_seconds=30)
    with pytest.raises(TransientError):
        await connector.submit_order(cafe_order(), location=PODIL, key="ord_1001")
    found = await connector.find_order(
        location=PODIL, key="ord_1001", since=NOW - timedelta(days=1)
    )
    orders = sandbox.world.accounts["api-demo"].incoming_orders
    created = [order_id for order_id in orders if order_id not in seeded]
    assert found is not None and created == [int(found.pos_order_id)]
    assert found.state is PosOrderState.NEW
    missing = await connector.find_order(location=PODIL, key="ord_9", since=NOW - timedelta(days=1))
    assert missing is None


@pytest.mark.anyio
async def test_find_order_reports_duplicates_and_the_oldest(
    connector: PosterConnector, sandbox: PosterSandbox
) -> None:
    """Two orders with one marker (an earlier bug or crash): the oldest, with a note."""
    first = await connector.submit_order(cafe_order(), location=PODIL, key="dup")
    await connector.submit_order(cafe_order(), location=PODIL, key="dup")
    found = await connector.find_order(location=PODIL, key="dup", since=NOW - timedelta(days=1))
    assert found is not None and found.pos_order_id == first.pos_order_id
    assert "duplicates at Poster" in found.detail


@pytest.mark.anyio
async def test_a_product_poster_does_not_know_fails_permanently(connector: PosterConnector) -> None:
    """Poster's error 32 for an unknown product stops the order with its reason."""
    order = Order.receive(
        id="o",
        key=OrderKey("web", "x"),
        location_id="podil",
        lines=(OrderLine(item_id="99999", quantity=1, unit_price=uah(100)),),
        customer=Customer(phone="+380671234567"),
        fulfilment=Fulfilment(FulfilmentType.PICKUP),
        at=NOW,
    )
    with pytest.raises(PermanentError) as caught:
        await connector.submit_order(order, location=PODIL, key="o")
    assert caught.value.code == "not_found"


@pytest.mark.anyio
async def test_reservation_round_trip(connector: PosterConnector, sandbox: PosterSandbox) -> None:
    """Submitted at table 3, found again by key, confirmed by the cashier."""
    ref = await connector.submit_reservation(table_reservation(), location=PODIL, key="res_1")
    stored = sandbox.world.accounts["api-demo"].incoming_orders[int(ref.pos_order_id)]
    assert (stored.type, stored.table_id, stored.guests_count, stored.duration) == (2, 3, 4, 5400)
    assert stored.date_reservation == "2026-11-23 19:00:00"
    found = await connector.find_reservation(
        location=PODIL, key="res_1", since=NOW - timedelta(days=1)
    )
    assert found is not None and found.pos_order_id == ref.pos_order_id
    ctx = sandbox.context(sandbox.world.accounts["api-demo"])
    cashier.accept_reservation(ctx, int(ref.pos_order_id))
    sandbox.commit(ctx)
    state = await connector.reservation_state(ref.pos_order_id, location=PODIL)
    assert state.state is PosOrderState.ACCEPTED
