"""Wiring failures to people: the worker's hooks, and the alerting job handlers.

Part of the composition root (``bootstrap`` uses it for every hub):

* :meth:`Alerting.on_dead` runs in the transaction that buries a job and hands it to
  ``services.deaths`` on a unit of work joined to that transaction;
* :meth:`Alerting.on_breaker` opens or clears ``connection.breaker_open`` when a
  worker's circuit for a connection opens or closes;
* handlers: ``alert.deliver`` (sign and POST one alert), ``incidents.scan`` (the
  periodic watch), and ``channel.publish_menu`` wrapped so that a publish that works
  clears its ``menu.publish_failed`` incident.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from orderbridge.connectors.storefront.delivery import deliver
from orderbridge.log import get_logger
from orderbridge.messaging.attempts import Settlement
from orderbridge.messaging.outbox import JobView
from orderbridge.messaging.tables import AttemptOutcome
from orderbridge.messaging.worker import Handler
from orderbridge.services import deaths, watch
from orderbridge.services.alerts import DELIVER_ALERT
from orderbridge.services.incidents import clear_incident, raise_incident
from orderbridge.services.menus import PUBLISH_MENU
from orderbridge.storage.alert_destinations import destination_record
from orderbridge.storage.uow import JoinedUnitOfWork

if TYPE_CHECKING:
    from orderbridge.bootstrap import Hub

BREAKER_OPEN = "connection.breaker_open"
# What a channel is told when the tries ran out without a refusal (timeouts, 5xx) or
# every try died with its worker.
CRASHED = "worker_crashed"

_log = get_logger("orderbridge.alerts")


def death_of(job: JobView, settlement: Settlement) -> deaths.DeadJob:
    """The dead job as ``services.deaths`` takes it: a code and the last reason."""
    error = settlement.error or "no reason recorded"
    code = settlement.code
    if code is None:
        crashed = settlement.outcome is AttemptOutcome.CRASHED
        code = CRASHED if crashed else deaths.POS_UNAVAILABLE
    reason = error.removeprefix(f"{code}: ")
    return deaths.DeadJob(
        id=job.id,
        kind=job.kind,
        key=job.key,
        connection_id=job.connection_id,
        payload=job.payload,
        code=code,
        reason=reason,
    )


@dataclass
class Alerting:
    """The alerting parts of one hub."""

    hub: Hub

    def on_dead(
        self, session: Session, job: JobView, settlement: Settlement, now: datetime
    ) -> None:
        joined = JoinedUnitOfWork(session, self.hub.cipher, self.hub.clock, queue=self.hub.queue)
        with joined as tx:
            deaths.job_died(tx, death_of(job, settlement), now=now)
            tx.commit()

    def on_breaker(self, connection_id: str, opened: bool) -> None:
        settings = self.hub.settings
        now = self.hub.clock()
        with self.hub.uow() as tx:
            tenant_id = tx.tenant_of_job(None, connection_id)
            if tenant_id is None:
                return
            if opened:
                detail = (
                    f"at least {settings.breaker_failure_rate:.0%} of its calls failed "
                    f"(of {settings.breaker_minimum_calls} or more in "
                    f"{settings.breaker_window_seconds:g} s); its jobs wait, with "
                    f"{settings.breaker_half_open_calls} trial calls after "
                    f"{settings.breaker_cooldown_seconds:g} s"
                )
                raise_incident(
                    tx,
                    tenant_id=tenant_id,
                    kind=BREAKER_OPEN,
                    subject_id=connection_id,
                    detail=detail,
                    now=now,
                    data={"connection_id": connection_id},
                )
            else:
                clear_incident(
                    tx, kind=BREAKER_OPEN, subject_id=connection_id, now=now, tenant_id=tenant_id
                )
            tx.commit()

    async def deliver_alert(self, job: JobView) -> Mapping[str, Any]:
        hub = self.hub
        destination_id = str(job.payload["destination_id"])
        with hub.readers() as session:
            destination = destination_record(session, hub.cipher, destination_id, hub.clock())
        if destination is None:
            return {"skipped": "destination_removed"}
        message = job.payload["message"]
        status = await deliver(
            hub.http(),
            destination,
            msg_id=str(job.payload["message_id"]),
            message=message,
            now=hub.clock(),
            allow_private=hub.settings.allow_private_urls,
        )
        data = message.get("data", {})
        _log.info(
            "alert delivered",
            destination_id=destination_id,
            kind=message.get("type"),
            state=data.get("state"),
            incident_id=data.get("incident_id"),
            job_id=job.id,
            status=status,
        )
        return {"status": status}

    async def scan(self, job: JobView) -> Mapping[str, Any]:
        return await asyncio.to_thread(watch.scan, uow=self.hub.uow, clock=self.hub.clock)

    def handlers(self, found: Mapping[str, Handler]) -> dict[str, Handler]:
        """The alerting handlers, plus ``found``'s menu publishing wrapped (see above)."""
        added: dict[str, Handler] = {DELIVER_ALERT: self.deliver_alert, watch.WATCH: self.scan}
        publish = found.get(PUBLISH_MENU)
        if publish is not None:
            inner = publish

            async def publish_then_clear(job: JobView) -> Mapping[str, Any] | None:
                result = await inner(job)
                if not (result or {}).get("skipped"):
                    subject = f"{job.payload.get('connection_id')}:{job.payload.get('location_id')}"
                    with self.hub.uow() as tx:
                        if clear_incident(
                            tx,
                            kind=deaths.MENU_PUBLISH_FAILED,
                            subject_id=subject,
                            now=self.hub.clock(),
                        ):
                            tx.commit()
                return result

            added[PUBLISH_MENU] = publish_then_clear
        return added
