"""Orders on their way to the POS and back: submit, look up, follow the POS's state.

These are outbox job handlers (``order.submit``, ``order.reconcile``) and what POS
webhooks and the reconciliation sweep call. The rule that keeps the POS free of
duplicates: the order's id goes into the POS order as its key, and any try after the
first (the earlier one may have reached the POS before a timeout or a crash) looks the
order up by that key before creating it (``services/submission.py``, shared with
reservations).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from orderbridge.domain.orders import Order, OrderStatus
from orderbridge.ports import (
    ConnectionRecord,
    LocationBinding,
    OrderToSubmit,
    PermanentError,
    PosOrderRef,
    PosOrderState,
    PosSystem,
    StoredOrder,
    TransientError,
    UnitOfWork,
)
from orderbridge.services import busy, failures, mapping_orders, notify
from orderbridge.services.connection_health import REAUTH, connection_works, park_connection
from orderbridge.services.incidents import clear_incident
from orderbridge.services.submission import (
    Fence,
    create_once,
    look_up_since,
    no_fence,
    tried_before,
)

RECONCILE_ORDER = "order.reconcile"
CANCEL_AT_POS = "order.cancel_at_pos"
# Statuses an order waits in before it goes to the POS.
WAITING = frozenset({OrderStatus.RECEIVED, OrderStatus.SCHEDULED})

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]
Clock = Callable[[], datetime]
SaveLater = Callable[[Callable[[UnitOfWork], None]], bool]
"""Takes a write to run later in another transaction that commits it; ``False`` if not."""
ReadOrder = Callable[[str], Awaitable[OrderToSubmit | None]]
"""Reads an order and its location's POS for its submission (``orders_to_submit``)."""


async def submit_order(
    order_id: str,
    *,
    attempt: int,
    uow: UowFactory,
    pos_for: PosFactory,
    clock: Clock,
    before_create: Fence = no_fence,
    first_try_at: datetime | None = None,
    revived: bool = False,
    read_uow: UowFactory | None = None,
    save_with_settle: SaveLater | None = None,
    read_order: ReadOrder | None = None,
) -> dict[str, Any]:
    """Create the order at its location's POS, exactly once.

    ``attempt`` counts tries of this submission job across retries and dead-letter
    revivals; from the second on, or once an operator replayed the order (a new job
    after tries that may have timed out), an earlier try may have reached the POS, so
    the order is looked up first. ``before_create`` runs right before the create call
    (the worker passes its lease fence: a try whose job was taken over stops there).
    ``first_try_at`` (when this job's first try began) bounds the look-up.
    ``revived``: an operator sent this job back from the dead letters, having fixed
    the cause, so an order its death failed goes round again. ``save_with_settle``
    (the worker's, ``messaging/with_settle.py``) takes the write of what the POS
    answered into the transaction that records the try, and says whether it did;
    without it (or when it declines) the write is a transaction of its own.
    ``read_order`` reads the order before the call (the worker's gathers the reads of
    jobs that start together); without it, a read transaction of its own does.

    A refusal is raised as ``PermanentError`` (a refused token parks the connection
    first); when the job is then buried, the worker fails the order in the same
    transaction (``services.deaths``), as it does when the retries run out.
    """
    # The usual case only reads: on a read-only unit of work (on SQLite a deferred
    # transaction, which does not queue for the writer). Anything to write first — a
    # revived order to reopen, a location without a POS — takes the writing path.
    if read_order is not None:
        read = await read_order(order_id)
    else:
        with (read_uow or uow)() as tx:
            [read] = tx.orders_to_submit([order_id])
    stored = read.stored if read is not None else None
    binding = read.binding if read is not None else None
    reopening = revived and stored is not None and stored.order.status is OrderStatus.FAILED
    if stored is None or binding is None or reopening:
        read = None  # the save reads the order again: it was written since
        prepared = _prepare_writing(order_id, uow=uow, clock=clock, revived=revived)
        if isinstance(prepared, dict):
            return prepared
        stored, binding = prepared
    elif stored.order.status not in WAITING:
        return {"skipped": stored.order.status.value}
    connection, location = binding
    pos = pos_for(connection)
    order = stored.order
    try:
        if mapping_orders.is_held(order):  # a held own-menu order: translate now
            order = await asyncio.to_thread(mapping_orders.for_pos, uow, order)
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
        if error.code == REAUTH:
            await asyncio.to_thread(
                functools.partial(_park, uow, connection, error.reason, clock, order_id=order_id)
            )
        raise
    save = _SaveSubmitted(order_id, read, (connection, location), ref, found, clock)
    if save_with_settle is None or not save_with_settle(save):
        # On a thread: on SQLite this write waits for the writer lock, which a batch of
        # orders being placed may hold; the event loop must keep serving meanwhile.
        await asyncio.to_thread(_in_own_transaction, uow, save)
    return {"pos_order_id": ref.pos_order_id, "found": found}


def _in_own_transaction(uow: UowFactory, save: _SaveSubmitted) -> None:
    try:
        with uow() as tx:
            save(tx)
    except TransientError:
        if not save.resumed:
            raise
        with uow() as tx:  # the order changed since it was read: once more, read afresh
            save(tx)


class _SaveSubmitted:
    """Record that the POS has the order (``ref``), with its notifications, in a unit
    of work (and commit it: in the worker's settle transaction that only flushes).

    The first run saves on the read made before the POS call (``read``; no second
    read of the order) under the version it saw; if the order changed since, that
    save raises a ``TransientError`` (rolled back with its transaction or savepoint),
    and a run after it reads the order afresh — as does every run after the first,
    since the first may have changed the read's order in place before failing. The
    worker runs a write that failed in its batch once more alone
    (``messaging/worker_db.py``); ``_in_own_transaction`` does the same here.
    """

    def __init__(
        self,
        order_id: str,
        read: OrderToSubmit | None,
        binding: tuple[ConnectionRecord, LocationBinding],
        ref: PosOrderRef,
        found: bool,
        clock: Clock,
    ) -> None:
        self.order_id, self.read, (self.connection, self.location) = order_id, read, binding
        self.ref, self.found, self.clock = ref, found, clock
        self.resumed = False  # whether the last run saved on ``read``

    def __call__(self, tx: UnitOfWork) -> None:
        read, self.read = self.read, None
        self.resumed = read is not None
        stored = tx.resume_order(read) if read is not None else tx.get_order(self.order_id)
        assert stored is not None
        binding = (self.connection, self.location)
        _save_submitted(stored, binding, self.ref, self.found, self.clock(), tx)


def _save_submitted(
    stored: StoredOrder,
    binding: tuple[ConnectionRecord, LocationBinding],
    ref: PosOrderRef,
    found: bool,
    now: datetime,
    tx: UnitOfWork,
) -> None:
    """:class:`_SaveSubmitted`'s write, on the order as read in ``tx``.

    Automatic busy mode is followed only at a location whose options, read before
    the POS call with the order's binding, set a threshold: most set none, and asking
    the location row again per order cost a statement in every settle. An operator's
    new threshold counts from the orders read after it was saved (as the connection's
    status read with the binding does for ``connection_works``)."""
    connection, location = binding
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
    connection_works(tx, connection, now=now)
    if location.options.auto_busy_threshold is not None:
        busy.follow_open_orders(tx, stored.order.location_id, now=now)
    tx.commit()


def _prepare_writing(
    order_id: str, *, uow: UowFactory, clock: Clock, revived: bool
) -> tuple[StoredOrder, tuple[ConnectionRecord, LocationBinding]] | dict[str, Any]:
    """The first look at an order that needs a write: reopen a revived failed order,
    or fail one whose location has no POS. ``(stored, binding)`` to submit, or the
    job's result when there is nothing to submit (skipped, failed here)."""
    with uow() as tx:
        stored = tx.get_order(order_id)
        if stored is None:
            raise PermanentError("unknown_order", f"order {order_id} is not stored")
        if revived and stored.order.status is OrderStatus.FAILED:
            detail = "dead letter retried by an operator"
            failures.reopen_order(tx, stored, now=clock(), detail=detail)
            tx.save_order(stored.order)
            tx.commit()
            stored = tx.get_order(order_id)
            assert stored is not None
        if stored.order.status not in WAITING:
            return {"skipped": stored.order.status.value}
        binding = tx.pos_binding(stored.order.location_id)
        if binding is None:
            reason = "the location has no POS connection"
            failures.fail_order(tx, stored, code="no_pos_connection", reason=reason, now=clock())
            tx.commit()
            return {"failed": "no_pos_connection"}
        return stored, binding


def _park(
    uow: UowFactory,
    connection: ConnectionRecord,
    reason: str,
    clock: Clock,
    *,
    order_id: str | None = None,
) -> None:
    """The POS refused the connection's credentials: park it until they are renewed,
    and say so on the timeline of the order that was refused (``pos.reauth_required``)."""
    with uow() as tx:
        now = clock()
        park_connection(tx, connection, reason=reason, now=now)
        stored = tx.get_order(order_id) if order_id is not None else None
        if stored is not None:
            stored.order.record(now, "pos.reauth_required", reason)
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
        if error.code == REAUTH:  # park the connection, or every sweep makes a dead letter
            _park(uow, connection, error.reason, clock)
        raise
    with uow() as tx:
        fresh = tx.get_order(order_id)
        assert fresh is not None
        now = clock()
        before = fresh.order.status
        _follow(tx, fresh, ref, now)
        tx.save_order(fresh.order, pos_check_id=ref.pos_check_id or fresh.pos_check_id)
        if fresh.order.status is not before:
            busy.follow_open_orders(tx, fresh.order.location_id, now=now)
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
    if order.status is OrderStatus.CANCEL_REQUESTED:
        _follow_cancel(tx, stored, ref, now)
        if ref.pos_check_id:
            order.external_refs["pos_check_id"] = ref.pos_check_id
        return
    for target in _PATHS[ref.state]:
        if order.status is target or order.is_final:
            continue
        if order.status is OrderStatus.RECEIVED:
            break  # not submitted yet: the submission records the POS id first
        if _apply(order, target, now, ref.detail).applied:
            notify.order_event(tx, tenant_id=stored.tenant_id, order=order, at=now)
    if ref.pos_check_id:
        order.external_refs["pos_check_id"] = ref.pos_check_id


CANCEL_WRITTEN = "pos.cancel_written"
"""The timeline event of a cancellation written where the cashier reads it."""
ACCEPTED_AFTER_CANCEL = "pos.accepted_after_cancel_request"
"""The timeline event of a POS seen accepting an order whose cancel was requested."""
ORDER_NEEDS_CASHIER = "order.cancel_needs_cashier"
"""The timeline event and incident of a cancel only a cashier can carry out
(``services.cancel``); the incident clears when the POS's answer ends the request."""


def _follow_cancel(tx: UnitOfWork, stored: StoredOrder, ref: PosOrderRef, now: datetime) -> None:
    """A canceled order the POS has: the POS's answer ends the request.

    Declined or canceled there: canceled, as the channel asked. Closed anyway (the
    cashier served it): completed. Accepted: the cashier has a check to write the
    cancellation into, once (``order.cancel_at_pos``); new: still waiting for them.
    """
    order = stored.order
    if ref.state in (PosOrderState.DECLINED, PosOrderState.CANCELED):
        applied = order.cancel(now, f"confirmed at the POS ({ref.detail or ref.state.value})")
    elif ref.state is PosOrderState.COMPLETED:
        applied = order.complete(now, "the POS closed the check despite the cancel request")
    else:
        seen = {entry.event for entry in order.timeline}
        if ref.state is PosOrderState.ACCEPTED and ACCEPTED_AFTER_CANCEL not in seen:
            order.record(now, ACCEPTED_AFTER_CANCEL, ref.detail)
            if CANCEL_WRITTEN not in seen and not tx.is_queued(CANCEL_AT_POS, order.id):
                tx.enqueue(
                    CANCEL_AT_POS,
                    {"order_id": order.id},
                    key=order.id,
                    connection_id=stored.pos_connection_id,
                )
        return
    if applied.applied:
        notify.order_event(tx, tenant_id=stored.tenant_id, order=order, at=now)
        clear_incident(
            tx, kind=ORDER_NEEDS_CASHIER, subject_id=order.id, now=now, tenant_id=stored.tenant_id
        )


def _apply(order: Order, target: OrderStatus, now: datetime, detail: str) -> Any:
    if target is OrderStatus.ACCEPTED:
        return order.accept(now, detail or "accepted at the POS")
    if target is OrderStatus.DECLINED:
        return order.decline(now, detail or "declined at the POS")
    if target is OrderStatus.CANCELED:
        return order.cancel(now, detail or "canceled at the POS")
    return order.complete(now, detail or "check closed at the POS")
