"""The outbox job handlers of a hub: job kind → the service call that does the work.

Each handler unpacks its job's payload and calls one use case with the hub's parts
(units of work, POS connectors, clock); ``Hub.handlers`` hands this table to workers.
The handlers of POS webhooks come from the connector registry, one per job kind a
connector declares.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from orderbridge import connectors
from orderbridge.bootstrap_alerts import Alerting
from orderbridge.bootstrap_wix import WixChannels
from orderbridge.connectors import BuildContext, EventHandler, menu_import
from orderbridge.connectors.storefront.delivery import deliver
from orderbridge.messaging.direct_sqlite import DirectTransaction, DirectWriter
from orderbridge.messaging.group_commit import GroupCommit
from orderbridge.messaging.inbox import purge_inbox
from orderbridge.messaging.lease import confirm_lease
from orderbridge.messaging.outbox import JobView, purge_succeeded
from orderbridge.messaging.with_settle import write_on_success
from orderbridge.messaging.worker import Handler
from orderbridge.ports import OrderToSubmit, UnitOfWork
from orderbridge.services import (
    availability,
    cancel,
    locations,
    mapping,
    mapping_extras,
    menus,
    pipeline,
    reservations,
    sweep,
)
from orderbridge.services.notify import DELIVER_WEBHOOK
from orderbridge.services.orders import SUBMIT_ORDER
from orderbridge.storage.incidents import purge_cleared
from orderbridge.storage.uow import JoinedUnitOfWork, SqlUnitOfWork
from orderbridge.storage.uow_direct import DirectUnitOfWork

if TYPE_CHECKING:
    from orderbridge.bootstrap import Hub

HOUSEKEEPING = "maintenance.purge"
# Rows deleted per transaction: keeps SQLite's writer lock free for orders meanwhile.
PURGE_BATCH = 2000


def purge_expired(hub: Hub) -> dict[str, int]:
    """Delete processed inbox events, succeeded jobs and cleared incidents past their
    retention (incidents keep the jobs'), in batches."""
    now = hub.clock()
    inbox_kept = timedelta(days=hub.settings.inbox_retention_days)
    jobs_kept = timedelta(days=hub.settings.job_retention_days)
    return {
        "inbox_events": _in_batches(
            hub, functools.partial(purge_inbox, older_than=inbox_kept, now=now, limit=PURGE_BATCH)
        ),
        "jobs": _in_batches(
            hub,
            functools.partial(purge_succeeded, older_than=jobs_kept, now=now, limit=PURGE_BATCH),
        ),
        "incidents": _in_batches(
            hub,
            functools.partial(purge_cleared, older_than=jobs_kept, now=now, limit=PURGE_BATCH),
        ),
    }


def _in_batches(hub: Hub, purge: Callable[[Session], int]) -> int:
    total = 0
    while True:
        with hub.sessions() as session, session.begin():
            gone = purge(session)
        total += gone
        if gone < PURGE_BATCH:
            return total


def job_handlers(hub: Hub) -> Mapping[str, Handler]:
    """Outbox job kind → handler, bound to ``hub``."""

    direct = DirectWriter(hub.sessions)
    reads = GroupCommit(functools.partial(_orders_to_submit, hub, direct), inline=True)

    async def submit(job: JobView) -> Mapping[str, Any]:
        result = await pipeline.submit_order(
            str(job.payload["order_id"]),
            attempt=job.total_attempt,
            uow=hub.uow,
            pos_for=hub.pos_for,
            clock=hub.clock,
            before_create=confirm_lease,
            first_try_at=job.first_try_at,
            revived=_revived(job),
            read_uow=hub.read_uow,
            save_with_settle=functools.partial(_with_settle, hub),
            read_order=reads.submit,
        )
        if "pos_order_id" in result and not result.get("found"):
            # The job was queued in the transaction that stored the order.
            waited = (hub.clock() - job.created_at).total_seconds()
            hub.hub_metrics.order_latency.observe(max(waited, 0.0))
        return result

    async def reconcile(job: JobView) -> Mapping[str, Any]:
        return await pipeline.reconcile_order(
            str(job.payload["order_id"]),
            uow=hub.uow,
            pos_for=hub.pos_for,
            clock=hub.clock,
        )

    async def deliver_webhook(job: JobView) -> Mapping[str, Any]:
        with hub.uow() as tx:
            endpoint = tx.get_endpoint(str(job.payload["endpoint_id"]))
        if endpoint is None:
            return {"skipped": "endpoint_removed"}
        status = await deliver(
            hub.http(),
            endpoint,
            msg_id=str(job.payload["message_id"]),
            message=job.payload["message"],
            now=hub.clock(),
            allow_private=hub.settings.allow_private_urls,
        )
        return {"status": status}

    async def import_menu(job: JobView) -> Mapping[str, Any]:
        return await menus.import_menu(
            str(job.payload["location_id"]),
            uow=hub.uow,
            pos_for=hub.pos_for,
            clock=hub.clock,
        )

    async def rematch(job: JobView) -> Mapping[str, Any]:
        # Matching is CPU work (up to a second for a large menu): off the event loop.
        return await asyncio.to_thread(
            mapping.rematch_location, str(job.payload["location_id"]), uow=hub.uow, clock=hub.clock
        )

    async def write_extras(job: JobView) -> Mapping[str, Any]:
        return await mapping_extras.write_extras(
            str(job.payload["location_id"]), uow=hub.uow, pos_for=hub.pos_for
        )

    async def import_channel_menu(job: JobView) -> Mapping[str, Any]:
        return await menu_import.import_channel_menu(
            job.payload,
            uow=hub.uow,
            context=BuildContext(
                transport=hub.channel_transport,
                allow_private_urls=hub.settings.allow_private_urls,
            ),
            clock=hub.clock,
        )

    async def housekeeping(job: JobView) -> Mapping[str, Any]:
        return await asyncio.to_thread(purge_expired, hub)

    async def sweep_orders(job: JobView) -> Mapping[str, Any]:
        stale = timedelta(seconds=hub.settings.reconcile_interval_seconds)
        return {"queued": sweep.sweep_orders(uow=hub.uow, clock=hub.clock, stale_after=stale)}

    async def submit_reservation(job: JobView) -> Mapping[str, Any]:
        return await reservations.submit_reservation(
            str(job.payload["reservation_id"]),
            attempt=job.total_attempt,
            uow=hub.uow,
            pos_for=hub.pos_for,
            clock=hub.clock,
            revived=_revived(job),
            before_create=confirm_lease,
            first_try_at=job.first_try_at,
        )

    async def reconcile_reservation(job: JobView) -> Mapping[str, Any]:
        return await reservations.reconcile_reservation(
            str(job.payload["reservation_id"]),
            uow=hub.uow,
            pos_for=hub.pos_for,
            clock=hub.clock,
        )

    async def relay_cancel(job: JobView) -> Mapping[str, Any]:
        return await cancel.relay_cancel(
            str(job.payload["order_id"]), uow=hub.uow, pos_for=hub.pos_for, clock=hub.clock
        )

    async def relay_reservation_cancel(job: JobView) -> Mapping[str, Any]:
        return await reservations.relay_reservation_cancel(
            str(job.payload["reservation_id"]), uow=hub.uow, pos_for=hub.pos_for, clock=hub.clock
        )

    async def expire_location(job: JobView) -> Mapping[str, Any]:
        return locations.expire_location(
            str(job.payload["location_id"]), uow=hub.uow, clock=hub.clock
        )

    async def snooze_ended(job: JobView) -> Mapping[str, Any]:
        return availability.snooze_ended(
            str(job.payload["location_id"]), uow=hub.uow, clock=hub.clock
        )

    hub.wix = hub.wix or WixChannels(
        hub.sessions, hub.uow, hub.clock, hub.pos_for, hub.channel_transport
    )
    # Each connector's stored webhooks, by the job kinds the registry lists; a register
    # check the hub has no order for may be imported into Wix.
    pos_events = {
        kind: hub.wix.importing_register_orders(_bound(hub, handler))
        for kind, handler in connectors.event_handlers().items()
    }
    found: dict[str, Handler] = {
        SUBMIT_ORDER: submit,
        reservations.SUBMIT_RESERVATION: submit_reservation,
        reservations.RECONCILE_RESERVATION: reconcile_reservation,
        pipeline.RECONCILE_ORDER: reconcile,
        DELIVER_WEBHOOK: deliver_webhook,
        menus.IMPORT_MENU: import_menu,
        mapping.REMATCH: rematch,
        mapping_extras.WRITE_EXTRAS: write_extras,
        menu_import.IMPORT_CHANNEL_MENU: import_channel_menu,
        sweep.SWEEP: sweep_orders,
        HOUSEKEEPING: housekeeping,
        pipeline.CANCEL_AT_POS: relay_cancel,
        reservations.CANCEL_RESERVATION_AT_POS: relay_reservation_cancel,
        locations.EXPIRE_LOCATION: expire_location,
        availability.SNOOZE_ENDED: snooze_ended,
        **pos_events,
        **hub.wix.handlers(),
    }
    # Alerts and the incident watch; menu publishing wrapped to clear its incident.
    found.update(Alerting(hub).handlers(found))
    return found


def _orders_to_submit(
    hub: Hub, direct: DirectWriter, order_ids: Sequence[str]
) -> list[OrderToSubmit | None]:
    """The reads before the POS call of the submissions that start together (a claim's
    batch): one read transaction, two statements for all (``storage/worker_rows.py``).

    It runs on the event loop, once per batch. On a SQLite file it is a deferred read
    on the DB-API connection (``direct_sqlite.direct_read``: the same snapshot, no
    writer lock) with a ``DirectUnitOfWork`` around it; a read-only Session cost more
    CPU than the two statements themselves. Elsewhere the read-only Session reads."""
    with direct.reading() as transaction:
        if transaction is not None:
            with DirectUnitOfWork(transaction, hub.cipher, hub.clock, queue=hub.queue) as tx:
                return tx.orders_to_submit(order_ids)
    with hub.read_uow() as tx:
        return tx.orders_to_submit(order_ids)


def _with_settle(hub: Hub, save: Callable[[UnitOfWork], None]) -> bool:
    """Hand ``save`` to the worker running this try, to write with its settle
    (``messaging/with_settle.py``) on a unit of work joined to that transaction: a
    Session's, or on SQLite the batch's direct transaction (``storage/uow_direct.py``)."""

    def write(transaction: Session | DirectTransaction) -> None:
        tx: SqlUnitOfWork
        if isinstance(transaction, Session):
            tx = JoinedUnitOfWork(transaction, hub.cipher, hub.clock, queue=hub.queue)
        else:
            tx = DirectUnitOfWork(transaction, hub.cipher, hub.clock, queue=hub.queue)
        with tx:
            save(tx)

    return write_on_success(write)


def _revived(job: JobView) -> bool:
    """Whether the job came back from the dead letters (its try count was reset)."""
    return job.total_attempt > job.attempt


def _bound(hub: Hub, handler: EventHandler) -> Handler:
    async def run(job: JobView) -> Mapping[str, Any]:
        return await handler(job.payload, uow=hub.uow, pos_for=hub.pos_for, clock=hub.clock)

    return run
