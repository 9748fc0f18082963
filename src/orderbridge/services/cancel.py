"""A channel's cancel reaches the cashier (the ``order.cancel_at_pos`` job).

``orders.cancel_order`` moved an order the POS has to ``cancel_requested``. This job
relays the request:

- a POS that cancels by API (``Capabilities.cancel_orders``) is asked to, and its
  answer ends the request;
- otherwise the POS's state decides what a person must do. Poster has no call to
  cancel an incoming order: while it is *new* the cashier must decline it on the
  register, so the hub flags the order for a person: an ``order.cancel_needs_cashier``
  incident (alerted once; cleared when the POS's answer ends the request);
  once *accepted* it has a check, and the hub writes the cancellation into the
  check's comment (``transactions.changeComment``) where the cashier reads it.

The order stays ``cancel_requested`` — what the channel sees — until the POS
confirms (declined or canceled there: canceled; closed anyway: completed); webhooks
and the sweep bring that news (``pipeline._follow_cancel``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import structlog

from orderbridge.domain.orders import Order, OrderStatus
from orderbridge.ports import (
    AnnotatesChecks,
    ConnectionRecord,
    PosOrderRef,
    PosOrderState,
    PosSystem,
    StoredOrder,
    UnitOfWork,
)
from orderbridge.services.incidents import raise_incident
from orderbridge.services.pipeline import (
    ACCEPTED_AFTER_CANCEL,
    CANCEL_WRITTEN,
    ORDER_NEEDS_CASHIER,
    _follow,
)

NEEDS_CASHIER = ORDER_NEEDS_CASHIER
"""The timeline event (and incident kind) of a cancel only a cashier can carry out."""

_log = structlog.get_logger(__name__)

UowFactory = Callable[[], UnitOfWork]
PosFactory = Callable[[ConnectionRecord], PosSystem]
Clock = Callable[[], datetime]


def cashier_note(order: Order, reason: str) -> str:
    """What the cashier reads on the check: plain, with the channel's order number."""
    return (
        f"CANCELED by {order.key.channel} #{order.key.channel_order_id}"
        f"{': ' + reason if reason else ''}. Do not prepare or hand over."
    )


async def relay_cancel(
    order_id: str, *, uow: UowFactory, pos_for: PosFactory, clock: Clock
) -> dict[str, Any]:
    """Carry a ``cancel_requested`` order's cancel to the POS (see the module docstring)."""
    with uow() as tx:
        stored = tx.get_order(order_id)
        if stored is None or stored.order.status is not OrderStatus.CANCEL_REQUESTED:
            return {"skipped": stored.order.status.value if stored else "unknown_order"}
        binding = tx.pos_binding(stored.order.location_id)
    if binding is None or not stored.pos_order_id:
        return {"skipped": "no_pos"}
    connection, location = binding
    pos = pos_for(connection)
    reason = _reason(stored.order)
    action = "asked"
    if pos.capabilities.cancel_orders:
        ref = await pos.cancel_order(stored.pos_order_id, location=location, reason=reason)
        action = "canceled_at_pos"
    else:
        ref = await pos.order_state(stored.pos_order_id, location=location)
        check = ref.pos_check_id or stored.pos_check_id
        if (
            ref.state is PosOrderState.ACCEPTED
            and check
            and isinstance(pos, AnnotatesChecks)
            and not _has(stored.order, CANCEL_WRITTEN)
        ):
            await pos.annotate_check(
                check, location=location, text=cashier_note(stored.order, reason)
            )
            action = "written_on_check"
    with uow() as tx:
        fresh = tx.get_order(order_id)
        assert fresh is not None
        now = clock()
        _record(tx, fresh, ref, action, now)
        tx.commit()
    return {"action": action, "pos_state": ref.state.value, "status": fresh.order.status.value}


def _record(
    tx: UnitOfWork, stored: StoredOrder, ref: PosOrderRef, action: str, now: datetime
) -> None:
    order = stored.order
    if action == "written_on_check":
        order.record(now, CANCEL_WRITTEN, f"check {ref.pos_check_id or stored.pos_check_id}")
        # This job saw the acceptance and acted on it: no second relay for it.
        if not _has(order, ACCEPTED_AFTER_CANCEL):
            order.record(now, ACCEPTED_AFTER_CANCEL, ref.detail)
    elif (
        order.status is OrderStatus.CANCEL_REQUESTED
        and ref.state in (PosOrderState.NEW, PosOrderState.ACCEPTED)
        and not _has(order, NEEDS_CASHIER)
    ):
        needs_cashier(tx, stored, now=now)
    _follow(tx, stored, ref, now)
    tx.save_order(order, pos_check_id=ref.pos_check_id or stored.pos_check_id)


def needs_cashier(tx: UnitOfWork, stored: StoredOrder, *, now: datetime) -> None:
    """A person must decline the order at the register: flag it for them.

    Recorded in the order's timeline (the dashboard shows it), written as a structured
    warning (ids only, no customer data), and raised as the ``order.cancel_needs_cashier``
    incident, which alerts once and clears when the order reaches a final state
    (``pipeline._follow_cancel``; the incident watch too, should that be missed).
    """
    order = stored.order
    order.record(now, NEEDS_CASHIER, "the POS cannot cancel it by API: decline it at the register")
    _log.warning(
        NEEDS_CASHIER,
        order_id=order.id,
        location_id=order.location_id,
        channel=order.key.channel,
        channel_order_id=order.key.channel_order_id,
        pos_order_id=stored.pos_order_id,
    )
    raise_incident(
        tx,
        tenant_id=stored.tenant_id,
        kind=NEEDS_CASHIER,
        subject_id=order.id,
        detail=(
            f"canceled by {order.key.channel}, but the POS cannot cancel it by API: "
            f"decline it at the register (POS order {stored.pos_order_id})"
        ),
        now=now,
        data={
            "order_id": order.id,
            "location_id": order.location_id,
            "channel_order_id": order.key.channel_order_id,
        },
    )


def _reason(order: Order) -> str:
    for entry in reversed(order.timeline):
        if entry.event == "order.cancel_requested":
            return entry.detail
    return ""


def _has(order: Order, event: str) -> bool:
    return any(entry.event == event for entry in order.timeline)
