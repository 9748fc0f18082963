"""Telling channels what happened: one outbox job per storefront endpoint and event.

Each applied move of an order or a reservation is a domain event on the aggregate; the
announcement drains them, one storefront event per move. The payload is captured when
the event happens, so a delivery made later still says what was true then; jobs of one
order to one endpoint share a key and go out in order.
Payloads carry ids, statuses and amounts, never the customer's contacts.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from orderbridge.domain.events import DomainEvent, OrderEvent, ReservationEvent
from orderbridge.domain.orders import Order
from orderbridge.domain.reservations import Reservation
from orderbridge.ports import Job, UnitOfWork
from orderbridge.services.ids import new_id

DELIVER_WEBHOOK = "webhook.deliver"
CHANNEL_ORDER_CHANGED = "channel.order_changed"


def order_summary(order: Order) -> dict[str, Any]:
    """What an ``order.*`` event says about the order."""
    totals = order.totals
    return {
        "id": order.id,
        "status": order.status.value,
        "location_id": order.location_id,
        "channel": order.key.channel,
        "channel_order_id": order.key.channel_order_id,
        "total": totals.total.amount,
        "currency": totals.total.currency,
        "pos_order_id": order.external_refs.get("pos_order_id"),
    }


def reservation_summary(reservation: Reservation) -> dict[str, Any]:
    return {
        "id": reservation.id,
        "status": reservation.status.value,
        "location_id": reservation.location_id,
        "channel": reservation.key.channel,
        "channel_reservation_id": reservation.key.channel_reservation_id,
    }


def deliveries(
    uow: UnitOfWork, *, tenant_id: str, event: str, data: dict[str, Any], key: str, at: datetime
) -> list[Job]:
    """The jobs that deliver ``event`` to every endpoint of the tenant that asked for it.

    Only the endpoints' ids are read here: each delivery reads its endpoint (URL,
    secrets) when it runs.
    """
    message = {"type": event, "timestamp": at.isoformat(), "data": data}
    return [
        Job(
            DELIVER_WEBHOOK,
            {"endpoint_id": endpoint_id, "message_id": new_id("msg"), "message": message},
            key=f"{endpoint_id}:{key}",
        )
        for endpoint_id in uow.endpoint_ids_for(tenant_id, event)
    ]


def publish(
    uow: UnitOfWork, *, tenant_id: str, event: str, data: dict[str, Any], key: str, at: datetime
) -> int:
    """Queue ``event`` for every endpoint of the tenant that asked for it."""
    jobs = deliveries(uow, tenant_id=tenant_id, event=event, data=data, key=key, at=at)
    uow.enqueue_many(jobs)
    return len(jobs)


def order_event_jobs(uow: UnitOfWork, *, tenant_id: str, order: Order, at: datetime) -> list[Job]:
    """What :func:`order_event` queues, for a caller that queues more in the same go."""
    jobs: list[Job] = []
    channel_connection = order.external_refs.get("channel_connection_id")
    for status in _drain(order.events):
        event = f"order.{status}"
        data = {**order_summary(order), "status": status}
        jobs += deliveries(uow, tenant_id=tenant_id, event=event, data=data, key=order.id, at=at)
        if channel_connection:
            jobs.append(
                Job(
                    CHANNEL_ORDER_CHANGED,
                    {"order_id": order.id, "event": event},
                    key=f"channel:{order.id}",
                    connection_id=channel_connection,
                )
            )
    return jobs


def order_event(uow: UnitOfWork, *, tenant_id: str, order: Order, at: datetime) -> None:
    """Announce the moves the order made since the last announcement (its domain events:
    ``order.accepted`` …) to the storefront and, when the order came from a connected
    channel, to that channel."""
    uow.enqueue_many(order_event_jobs(uow, tenant_id=tenant_id, order=order, at=at))


def reservation_event(
    uow: UnitOfWork, *, tenant_id: str, reservation: Reservation, at: datetime
) -> None:
    """Announce the reservation's moves since the last announcement
    (``reservation.confirmed`` …)."""
    for status in _drain(reservation.events):
        publish(
            uow,
            tenant_id=tenant_id,
            event=f"reservation.{status}",
            data={**reservation_summary(reservation), "status": status},
            key=reservation.id,
            at=at,
        )


def _drain(events: list[DomainEvent]) -> list[str]:
    """The storefront statuses of ``events``, in order; the list is emptied (each move is
    announced once however often its aggregate is announced)."""
    statuses = [
        e.status for e in events if isinstance(e, OrderEvent | ReservationEvent) and e.status
    ]
    events.clear()
    return statuses
