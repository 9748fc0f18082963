"""Orders and reservations that cannot reach the POS: failing them, and taking them back.

An order fails when its submission is given up (the POS refused it, it stayed
unreachable through every retry, the location has no POS), or when a marketplace's
order cannot be sent at all (an unknown item, a paused location): it becomes ``failed`` with
the reason in its timeline, the channel hears ``order.failed`` with ``reason`` and
``code``, and an ``order.failed`` incident alerts the tenant's operators — all in the
caller's transaction. When an operator has fixed the cause, a replay (of the order, or
of its dead submission) takes it back to ``received`` and clears the incident.
Reservations go the same way (``reservation.failed``).
"""

from __future__ import annotations

from datetime import datetime

from orderbridge.domain.events import failure_detail
from orderbridge.domain.orders import Order, OrderStatus
from orderbridge.domain.reservations import ReservationStatus
from orderbridge.log import get_logger
from orderbridge.ports import StoredOrder, StoredReservation, UnitOfWork
from orderbridge.services import notify
from orderbridge.services.incidents import clear_incident, raise_incident

ORDER_FAILED = "order.failed"
RESERVATION_FAILED = "reservation.failed"

_log = get_logger("orderbridge.failures")


def fail_order(
    uow: UnitOfWork, stored: StoredOrder, *, code: str, reason: str, now: datetime
) -> bool:
    """Fail the order with ``code: reason``, tell its channel, raise the incident, save.

    False (and nothing written) when the order cannot fail any more (it reached the
    POS meanwhile, or was canceled). The caller commits.
    """
    order = stored.order
    if order.status is OrderStatus.FAILED or not order.fail(now, reason, code=code).applied:
        return False
    uow.save_order(order)
    notify.order_event(uow, tenant_id=stored.tenant_id, order=order, at=now)
    order_failed(uow, tenant_id=stored.tenant_id, order=order, code=code, reason=reason, now=now)
    return True


def order_failed(
    uow: UnitOfWork, *, tenant_id: str, order: Order, code: str, reason: str, now: datetime
) -> None:
    """Raise the ``order.failed`` incident and log the failure of an order that has
    just failed, however it failed: its submission given up (:func:`fail_order`), or a
    marketplace's order stored failed at intake (``services.channel_orders``)."""
    raise_incident(
        uow,
        tenant_id=tenant_id,
        kind=ORDER_FAILED,
        subject_id=order.id,
        detail=failure_detail(code, reason),
        now=now,
        data={
            "order_id": order.id,
            "location_id": order.location_id,
            "channel_order_id": order.key.channel_order_id,
        },
    )
    _log.warning("order failed", order_id=order.id, code=code, reason=reason)


def reopen_order(uow: UnitOfWork, stored: StoredOrder, *, now: datetime, detail: str) -> bool:
    """A failed order goes back to ``received`` (an operator fixed the cause) and its
    incident clears; False if it was not failed. The caller saves and commits."""
    if not stored.order.replay(now, detail).applied:
        return False
    clear_incident(
        uow, kind=ORDER_FAILED, subject_id=stored.order.id, now=now, tenant_id=stored.tenant_id
    )
    _log.info("order replayed", order_id=stored.order.id)
    return True


def fail_reservation(
    uow: UnitOfWork, stored: StoredReservation, *, code: str, reason: str, now: datetime
) -> bool:
    """:func:`fail_order` for a table reservation (``reservation.failed``)."""
    reservation = stored.reservation
    detail = failure_detail(code, reason)
    if reservation.status is ReservationStatus.FAILED:
        return False
    if not reservation.fail(now, reason, code=code).applied:
        return False
    uow.save_reservation(reservation)
    notify.reservation_event(uow, tenant_id=stored.tenant_id, reservation=reservation, at=now)
    raise_incident(
        uow,
        tenant_id=stored.tenant_id,
        kind=RESERVATION_FAILED,
        subject_id=reservation.id,
        detail=detail,
        now=now,
        data={
            "reservation_id": reservation.id,
            "location_id": reservation.location_id,
            "channel_reservation_id": reservation.key.channel_reservation_id,
        },
    )
    _log.warning("reservation failed", reservation_id=reservation.id, code=code, reason=reason)
    return True


def reopen_reservation(
    uow: UnitOfWork, stored: StoredReservation, *, now: datetime, detail: str
) -> bool:
    """:func:`reopen_order` for a table reservation."""
    if not stored.reservation.replay(now, detail).applied:
        return False
    clear_incident(
        uow,
        kind=RESERVATION_FAILED,
        subject_id=stored.reservation.id,
        now=now,
        tenant_id=stored.tenant_id,
    )
    _log.info("reservation replayed", reservation_id=stored.reservation.id)
    return True
