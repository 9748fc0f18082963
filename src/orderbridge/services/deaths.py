"""What a dead job means, decided in the transaction that buries it.

The worker calls :func:`job_died` with a unit of work joined to the transaction that
marks the job ``dead`` (``messaging.worker_db``), so either both are stored or
neither: a process that dies in between leaves a job that is retried, never a dead
letter nobody heard of.

===========================  =========================================================
dead job                     what happens
===========================  =========================================================
``order.submit``             the order fails with the POS's last reason (the channel
                             is told ``order.failed``; incident ``order.failed``)
``reservation.submit``       the same for the reservation (``reservation.failed``)
``channel.publish_menu``     incident ``menu.publish_failed`` for the location and
                             channel (cleared by the next publish that works)
``alert.deliver``            nothing more than the log line: alerting about a dead
                             alert destination would only feed it more dead alerts
anything else of a tenant    incident ``job.dead`` (cleared when it is retried)
a hub-wide job (the sweep)   the log line only: it belongs to no tenant
===========================  =========================================================
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from orderbridge.domain.events import failure_detail
from orderbridge.ports import UnitOfWork
from orderbridge.services import failures
from orderbridge.services.alerts import DELIVER_ALERT
from orderbridge.services.incidents import raise_incident
from orderbridge.services.menus import PUBLISH_MENU
from orderbridge.services.orders import SUBMIT_ORDER
from orderbridge.services.reservations import SUBMIT_RESERVATION

JOB_DEAD = "job.dead"
MENU_PUBLISH_FAILED = "menu.publish_failed"
# The code a channel gets when the POS never answered usefully (timeouts, 5xx, crashes).
POS_UNAVAILABLE = "pos_unavailable"


@dataclass(frozen=True)
class DeadJob:
    """A job the worker just buried. ``code`` is the ``PermanentError``'s code (or
    :data:`POS_UNAVAILABLE` when the tries ran out) and ``reason`` the last error."""

    id: int
    kind: str
    key: str | None
    connection_id: str | None
    payload: Mapping[str, Any]
    code: str
    reason: str


def job_died(uow: UnitOfWork, job: DeadJob, *, now: datetime) -> str:
    """React to ``job``'s death (see the module's table); return what was done."""
    if job.kind == SUBMIT_ORDER:
        stored = uow.get_order(str(job.payload.get("order_id", "")))
        if stored is None:
            return "unknown_order"
        done = failures.fail_order(uow, stored, code=job.code, reason=job.reason, now=now)
        return "order_failed" if done else "order_unchanged"
    if job.kind == SUBMIT_RESERVATION:
        booked = uow.get_reservation(str(job.payload.get("reservation_id", "")))
        if booked is None:
            return "unknown_reservation"
        done = failures.fail_reservation(uow, booked, code=job.code, reason=job.reason, now=now)
        return "reservation_failed" if done else "reservation_unchanged"
    if job.kind == DELIVER_ALERT:
        return "alert_undelivered"
    tenant_id = uow.tenant_of_job(job.key, job.connection_id)
    if tenant_id is None:
        return "hub_job"
    detail = failure_detail(job.code, job.reason)
    if job.kind == PUBLISH_MENU:
        location_id = str(job.payload.get("location_id", ""))
        connection_id = str(job.payload.get("connection_id", job.connection_id or ""))
        raise_incident(
            uow,
            tenant_id=tenant_id,
            kind=MENU_PUBLISH_FAILED,
            subject_id=f"{connection_id}:{location_id}",
            detail=detail,
            now=now,
            data={
                "location_id": location_id,
                "connection_id": connection_id,
                "job_id": str(job.id),
            },
        )
        return MENU_PUBLISH_FAILED
    data = {"job_id": str(job.id), "job_kind": job.kind}
    for name in ("order_id", "reservation_id", "location_id"):
        if name in job.payload:
            data[name] = str(job.payload[name])
    if job.connection_id:
        data["connection_id"] = job.connection_id
    raise_incident(
        uow,
        tenant_id=tenant_id,
        kind=JOB_DEAD,
        subject_id=str(job.id),
        detail=detail,
        now=now,
        data=data,
    )
    return JOB_DEAD
