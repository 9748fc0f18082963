"""The reconciliation sweep: catch up on whatever a lost webhook left behind.

Runs on a schedule. Every order (and reservation) that the POS has and that is not
final, and that has not moved for ``stale_after``, gets an ``order.reconcile`` job keyed
by the order, so a sweep never overtakes a submission or another update of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from orderbridge.ports import UnitOfWork
from orderbridge.services.pipeline import RECONCILE_ORDER
from orderbridge.services.reservations import RECONCILE_RESERVATION

SWEEP = "orders.sweep"
BATCH = 500


def sweep_orders(
    *, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime], stale_after: timedelta
) -> int:
    """Queue a reconcile job for every stale open order and reservation that has none
    waiting (a POS outage must not pile them up); return how many were queued."""
    cutoff = clock() - stale_after
    with uow() as tx:
        stale = [
            stored
            for stored in tx.orders_to_reconcile(updated_before=cutoff, limit=BATCH)
            if not tx.is_queued(RECONCILE_ORDER, stored.order.id)
        ]
        for stored in stale:
            tx.enqueue(
                RECONCILE_ORDER,
                {"order_id": stored.order.id},
                key=stored.order.id,
                connection_id=stored.pos_connection_id,
            )
        booked = [
            stored
            for stored in tx.reservations_to_reconcile(updated_before=cutoff, limit=BATCH)
            if not tx.is_queued(RECONCILE_RESERVATION, stored.reservation.id)
        ]
        for reservation in booked:
            rid = reservation.reservation.id
            tx.enqueue(
                RECONCILE_RESERVATION,
                {"reservation_id": rid},
                key=rid,
                connection_id=reservation.pos_connection_id,
            )
        tx.commit()
    return len(stale) + len(booked)
