"""Placing's order writes and its repeat look-up on the driver level (SQLite: the DB-API
cursor of the unit of work's own connection, ``sql/driver_cursor.py``).

What must hold however the statements run: they are part of the unit of work's
transaction (undone with it, committed with it), a unique key that is already taken
is ``DuplicateKey`` as before (the driver's own ``IntegrityError`` would escape the
store's ``except``), and the look-up sees what the transaction itself wrote.
"""

from __future__ import annotations

import pytest

from orderbridge.domain.orders import Order, OrderKey
from orderbridge.ports import DuplicateKey
from orderbridge.storage import tables as t
from tests.integration.support.world import TENANT, World, count, place, stored


def test_a_taken_order_id_is_a_duplicate_key(world: World) -> None:
    order = stored(world.hub, place(world).stored.order.id).order
    with world.hub.uow() as tx, pytest.raises(DuplicateKey):
        tx.add_order(order, tenant_id=TENANT, request_hash="other")
    assert count(world.hub, t.OrderRecord) == 1


def _twin(order: Order, n: str) -> Order:
    """Another order like ``order``, under its own id and channel order id."""
    return Order(
        id=f"{order.id}-{n}",
        key=OrderKey(order.key.channel, f"{order.key.channel_order_id}-{n}"),
        location_id=order.location_id,
        lines=order.lines,
        customer=order.customer,
        fulfilment=order.fulfilment,
        created_at=order.created_at,
        timeline=order.timeline,
    )


def test_the_writes_are_the_transactions_own(world: World) -> None:
    order = stored(world.hub, place(world).stored.order.id).order
    kept, dropped = _twin(order, "kept"), _twin(order, "dropped")
    with world.hub.uow() as tx:
        tx.add_order(dropped, tenant_id=TENANT, request_hash="h", idempotency_key="k-dropped")
        # The look-up sees the transaction's own, uncommitted row, by either key.
        found = tx.order_fingerprints(TENANT, "storefront", "nothing", "k-dropped")
        assert found[0] is not None and found[0].order_id == dropped.id
        found = tx.order_fingerprints(
            TENANT, dropped.key.channel, dropped.key.channel_order_id, None
        )
        assert found[0] is None and found[1] is not None and found[1].order_id == dropped.id
    with world.hub.uow() as tx:  # not committed: gone with the transaction, timeline too
        assert tx.get_order(dropped.id) is None
        tx.add_order(kept, tenant_id=TENANT, request_hash="h")
        tx.commit()
    assert stored(world.hub, kept.id).order.timeline == order.timeline
    assert count(world.hub, t.OrderRecord) == 2
