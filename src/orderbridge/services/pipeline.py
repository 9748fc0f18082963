"""Orders on their way to the POS and back: submit, look up, follow the POS's state.

These are outbox job handlers (``order.submit``, ``order.reconcile``) and what POS
webhooks and the reconciliation sweep call. The rule that keeps the POS free of
duplicates: the order's id goes into the POS order as its key, and any try after the
first (the earlier one may have reached the POS before a timeout or a crash) looks the
order up by that key before creating it (``services/submission.py``, shared with
reservations).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from orderbridge.domain.orders import Order, OrderStatus
from orderbridge.ports import (
    ConnectionRecord,
    PermanentError,
    PosOrderRef,
    PosOrderState,
    PosSystem,
    StoredOrder,
    UnitOfWork,
)
from orderbridge.services import mapping_orders, notify
from orderbridge.services.submission import (
    Fence,
    create_once,
    look_up_since,
    no_fence,
    park_connection_on_reauth,
    parks_for_reauth,
    tried_before,
)

RECONCILE_ORDER = "order.reconcile"

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]
Clock = Callable[[], datetime]


async def submit_order(
    order_id: str,
    *,
    attempt: int,
    uow: UowFactory,
    pos_for: PosFactory,
    clock: Clock,
    before_create: Fence = no_fence,
    first_try_at: datetime | None = None,
) -> dict[str, Any]:
    """Create the order at its location's POS, exactly once.

    ``attempt`` counts tries of this submission job across retries and dead-letter
    revivals; from the second on, or once an operator replayed the order (a new job
    after tries that may have timed out), an earlier try may have reached the POS, so
    the order is looked up first. ``before_create`` runs right before the create call
    (the worker passes its lease fence: a try whose job was taken over stops there).
    ``first_try_at`` (when this job's first try began) bounds the look-up.
    """
    with uow() as tx:
        stored = tx.get_order(order_id)
        if stored is None:
            raise PermanentError("unknown_order", f"order {order_id} is not stored")
        if stored.order.status is not OrderStatus.RECEIVED:
            return {"skipped": stored.order.status.value}
        binding = tx.pos_binding(stored.order.location_id)
        if binding is None:
            stored.order.fail(clock(), "the location has no POS connection")
            tx.save_order(stored.order)
            notify.order_event(tx, tenant_id=stored.tenant_id, order=stored.order, at=clock())
            tx.commit()
            return {"failed": "no_pos_connection"}
    connection, location = binding
    pos = pos_for(connection)
    order = stored.order
    try:
        order = mapping_orders.for_pos(uow, order)  # a held own-menu order: translate now
        ref, found = await create_once(
            again=tried_before(attempt, order.timeline),
            can_look_up=pos.capabilities.order_lookup_by_key,
            look_up=lambda: pos.find_order(
                location=location,
                key=order.id,
                since=look_up_since(order.created_at, first_try_at, order.timeline),
            ),
            create=lambda: pos.submit_order(order, location=location, key=order.id),
            before_create=before_create,
        )
    except PermanentError as error:
        _refused(error, uow=uow, order_id=order_id, connection=connection, clock=clock)
        raise
    with uow() as tx:
        stored = tx.get_order(order_id)
        assert stored is not None
        now = clock()
        if found:
            stored.order.record(now, "pos.found", "found at the POS after an earlier try")
        if stored.order.submit(now, pos=connection.kind, pos_order_id=ref.pos_order_id).applied:
            stored.order.external_refs["pos_order_id"] = ref.pos_order_id
            notify.order_event(tx, tenant_id=stored.tenant_id, order=stored.order, at=now)
        _follow(tx, stored, ref, now)
        tx.save_order(
            stored.order,
            pos_connection_id=connection.id,
            pos_order_id=ref.pos_order_id,
            pos_check_id=ref.pos_check_id,
        )
        tx.commit()
    return {"pos_order_id": ref.pos_order_id, "found": found}


def _refused(
    error: PermanentError,
    *,
    uow: UowFactory,
    order_id: str,
    connection: ConnectionRecord,
    clock: Clock,
) -> None:
    """A permanent refusal: a bad token parks the connection (the order waits for a
    replay); anything else fails the order with the POS's reason."""
    with uow() as tx:
        stored = tx.get_order(order_id)
        assert stored is not None
        now = clock()
        order = stored.order
        parked = parks_for_reauth(tx, connection, error, order, now)
        if not parked and order.fail(now, f"{error.code}: {error.reason}").applied:
            notify.order_event(tx, tenant_id=stored.tenant_id, order=stored.order, at=now)
        tx.save_order(stored.order)
        tx.commit()


async def reconcile_order(
    order_id: str, *, uow: UowFactory, pos_for: PosFactory, clock: Clock
) -> dict[str, Any]:
    """Ask the POS where the order stands and catch up (a webhook lost or reordered
    changes nothing here: the POS's answer is the truth, and moves only go forward)."""
    with uow() as tx:
        stored = tx.get_order(order_id)
        if stored is None or stored.order.is_final or not stored.pos_order_id:
            return {"skipped": True}
        binding = tx.pos_binding(stored.order.location_id)
        if binding is None or stored.pos_connection_id != binding[0].id:
            return {"skipped": True}
        if binding[0].status != "active":  # parked until re-authorised: nothing to ask
            return {"skipped": binding[0].status}
    connection, location = binding
    pos = pos_for(connection)
    if not pos.capabilities.status_polling:  # only its webhooks tell: nothing to ask
        return {"skipped": "no_status_polling"}
    try:
        ref = await pos.order_state(stored.pos_order_id, location=location)
    except PermanentError as error:
        park_connection_on_reauth(uow, connection, error)
        raise
    with uow() as tx:
        fresh = tx.get_order(order_id)
        assert fresh is not None
        now = clock()
        before = fresh.order.status
        _follow(tx, fresh, ref, now)
        tx.save_order(fresh.order, pos_check_id=ref.pos_check_id or fresh.pos_check_id)
        tx.commit()
    return {"state": ref.state.value, "from": before.value, "to": fresh.order.status.value}


# How a POS state is reached from each hub status. A POS that skipped a step (a check
# closed before the hub saw the acceptance) implies the steps between.
_PATHS: dict[PosOrderState, tuple[OrderStatus, ...]] = {
    PosOrderState.NEW: (),
    PosOrderState.ACCEPTED: (OrderStatus.ACCEPTED,),
    PosOrderState.DECLINED: (OrderStatus.DECLINED,),
    PosOrderState.CANCELED: (OrderStatus.ACCEPTED, OrderStatus.CANCELED),
    PosOrderState.COMPLETED: (OrderStatus.ACCEPTED, OrderStatus.COMPLETED),
}


def _follow(tx: UnitOfWork, stored: StoredOrder, ref: PosOrderRef, now: datetime) -> None:
    """Move the order forward to match ``ref``; announce every applied move."""
    order = stored.order
    for target in _PATHS[ref.state]:
        if order.status is target or order.is_final:
            continue
        if order.status is OrderStatus.RECEIVED:
            break  # not submitted yet: the submission records the POS id first
        if _apply(order, target, now, ref.detail).applied:
            notify.order_event(tx, tenant_id=stored.tenant_id, order=order, at=now)
    if ref.pos_check_id:
        order.external_refs["pos_check_id"] = ref.pos_check_id


def _apply(order: Order, target: OrderStatus, now: datetime, detail: str) -> Any:
    if target is OrderStatus.ACCEPTED:
        return order.accept(now, detail or "accepted at the POS")
    if target is OrderStatus.DECLINED:
        return order.decline(now, detail or "declined at the POS")
    if target is OrderStatus.CANCELED:
        return order.cancel(now, detail or "canceled at the POS")
    return order.complete(now, detail or "check closed at the POS")
