"""Orders coming in from channels: accept them durably, or refuse them whole.

``place_order`` is the storefront's ``POST /orders``: validate against the published
menu and the location's status, store the order with its timeline, and queue its
submission to the POS and its ``order.received`` notification — all in one
transaction, so an order that was answered 201 is never lost and never half-written.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from orderbridge.domain.drafts import OrderDraft
from orderbridge.domain.orders import OrderStatus
from orderbridge.ports import LocationRecord, OrderFingerprint, StoredOrder, UnitOfWork
from orderbridge.services import failures, intake, mapping_orders, notify
from orderbridge.services.errors import Conflict, NotFound, Rejected, ServiceError
from orderbridge.services.ids import new_id
from orderbridge.services.incidents import clear_incident
from orderbridge.services.intake import SUBMIT_ORDER
from orderbridge.services.pipeline import CANCEL_AT_POS

__all__ = ["SUBMIT_ORDER", "Placed", "cancel_order", "get_order", "place_order", "replay_order"]


@dataclass(frozen=True)
class Placed:
    """The stored order, and whether this call created it (False: an idempotent repeat)."""

    stored: StoredOrder
    created: bool


def place_order(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    draft: OrderDraft,
    request_hash: str,
    now: datetime,
    idempotency_key: str | None = None,
    channel_connection_id: str | None = None,
    location: LocationRecord | None = None,
    placed_by: str | None = None,
    sees_all: bool = True,
) -> Placed:
    """Validate and store a new order, queueing its submission; idempotent on its keys.

    An order is known by its channel order id and, when the channel sent one, by its
    idempotency key. The same key with the same request body answers the stored order
    (``created=False``); with a different body it is a ``Conflict``. Invalid orders
    raise ``Rejected`` with every problem, and nothing is stored. ``location`` is the
    draft's location as the caller read it in this unit of work (else it is read here).

    ``placed_by`` is the owner id of the API key placing it. A caller that does not
    ``sees_all`` (a storefront key) never gets another key's order back as a repeat:
    the same channel order id answers ``Conflict`` instead.
    """
    key = draft.key
    # The idempotency key first: a repeat with the key answers its order (or a conflict).
    replay, existing = uow.order_fingerprints(
        tenant_id, key.channel, key.channel_order_id, idempotency_key
    )
    if replay is not None:
        if replay.request_hash != request_hash:
            raise Conflict(
                "idempotency_conflict",
                "this Idempotency-Key was used with a different request body",
                field="Idempotency-Key",
            )
        if not sees_all and replay.placed_by != placed_by:
            raise Conflict(
                "idempotency_conflict",
                "this Idempotency-Key was used by another API key",
                field="Idempotency-Key",
            )
        return _repeat(uow, replay)
    if existing is not None:
        if existing.request_hash != request_hash or (
            not sees_all and existing.placed_by != placed_by
        ):
            raise Conflict(
                "duplicate_order",
                f"order {key.channel_order_id} was already placed with a different body",
                field="channel_order_id",
            )
        return _repeat(uow, existing)
    if location is None:
        record = uow.get_location(draft.location_id, tenant_id=tenant_id)
    elif (location.location.id, location.tenant_id) == (draft.location_id, tenant_id):
        record = location
    else:
        raise ValueError("the location given is not the draft's location of this tenant")
    if record is None:
        raise NotFound("unknown_location", "no such location", field="location_id")
    menu = uow.get_menu(record.location.id)
    if menu is None:
        raise ServiceError(
            "menu_not_published", "the location has no menu yet", field="location_id"
        )
    own = mapping_orders.prepare(  # a channel with its own menu: its ids become the POS's
        uow,
        tenant_id=tenant_id,
        draft=draft,
        location=record,
        menu=menu,
        request_hash=request_hash,
        now=now,
        idempotency_key=idempotency_key,
        channel_connection_id=channel_connection_id,
        placed_by=placed_by,
    )
    if own is not None and own.held is not None:
        return Placed(own.held, created=True)
    draft = own.draft if own is not None else draft
    judgement = intake.judge(draft, record=record, menu=menu, now=now)
    if judgement.problems:
        raise Rejected(judgement.problems)
    order = intake.build_order(
        draft,
        id=new_id("ord"),
        record=record,
        menu=menu,
        now=now,
        problems=[],
        lines=judgement.lines,
    )
    if channel_connection_id:
        order.external_refs["channel_connection_id"] = channel_connection_id
    if own is not None:
        order.external_refs.update(own.refs)
    intake.queue(uow, order, tenant_id=tenant_id, plan=judgement.plan, now=now)
    stored = uow.add_order(
        order,
        tenant_id=tenant_id,
        request_hash=request_hash,
        idempotency_key=idempotency_key,
        placed_by=placed_by,
    )
    uow.commit()
    return Placed(stored, created=True)


def _repeat(uow: UnitOfWork, found: OrderFingerprint) -> Placed:
    """The stored order a repeated request names (read in the same transaction)."""
    stored = uow.get_order(found.order_id)
    assert stored is not None, "an order found by its key is readable by its id"
    return Placed(stored, created=False)


def get_order(
    uow: UnitOfWork, *, tenant_id: str, order_id: str, placed_by: str | None = None
) -> StoredOrder:
    """The tenant's order; another tenant's order is ``NotFound`` like a missing one, and
    so, when ``placed_by`` is given (a storefront key), is another key's."""
    stored = uow.get_order(order_id, tenant_id=tenant_id)
    if stored is None or (placed_by is not None and stored.placed_by != placed_by):
        raise NotFound("unknown_order", "no such order", field="id")
    return stored


def cancel_order(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    order_id: str,
    reason: str,
    now: datetime,
    placed_by: str | None = None,
) -> StoredOrder:
    """The channel calls the order off. Final orders cannot be canceled (``Conflict``).

    An order the POS does not have yet (received, scheduled, failed) is canceled here
    and then. One the POS has becomes ``cancel_requested`` and the cancel is relayed
    (``order.cancel_at_pos``, ``services.cancel``): the POS's own cancel where it has
    one, else the cashier is told; the order is canceled when the POS confirms. Asking
    again while the request is open changes nothing.
    """
    stored = get_order(uow, tenant_id=tenant_id, order_id=order_id, placed_by=placed_by)
    order = stored.order
    was_failed = order.status is OrderStatus.FAILED
    why = reason or f"canceled by {order.key.channel}"
    if order.status is OrderStatus.CANCEL_REQUESTED:
        return stored
    if stored.pos_order_id and not order.is_final:
        order.request_cancel(now, why)
        uow.enqueue(
            CANCEL_AT_POS,
            {"order_id": order.id},
            key=order.id,
            connection_id=stored.pos_connection_id,
        )
    elif not order.cancel(now, why).applied:
        raise Conflict("order_final", f"the order is {order.status.value} and cannot be canceled")
    if was_failed:  # nothing left for an operator to fix
        clear_incident(uow, kind=failures.ORDER_FAILED, subject_id=order.id, now=now)
    uow.save_order(order)
    notify.order_event(uow, tenant_id=tenant_id, order=order, at=now)
    uow.commit()
    return get_order(uow, tenant_id=tenant_id, order_id=order_id)


def replay_order(
    uow: UnitOfWork, *, order_id: str, now: datetime, tenant_id: str | None = None
) -> StoredOrder:
    """An operator fixed what made the order fail: send it to the POS again."""
    stored = uow.get_order(order_id, tenant_id=tenant_id)
    if stored is None:
        raise NotFound("unknown_order", "no such order", field="id")
    order = stored.order
    mapping_orders.check_replay(uow, order)  # a held order needs its items mapped first
    if order.status is OrderStatus.RECEIVED:
        order.record(now, "order.replay_requested", "queued for submission again")
    elif not failures.reopen_order(uow, stored, now=now, detail="replayed by an operator"):
        raise Conflict("not_replayable", f"an order that is {order.status.value} is not replayed")
    uow.save_order(order)
    uow.enqueue(
        SUBMIT_ORDER,
        {"order_id": order.id},
        key=order.id,
        connection_id=uow.pos_connection_id(order.location_id),
    )
    uow.commit()
    stored = uow.get_order(order_id)
    assert stored is not None
    return stored
