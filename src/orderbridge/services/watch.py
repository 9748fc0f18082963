"""The incident watch: a periodic look at what no single event reports.

Runs on a schedule (``incidents.scan``, at the reconciliation interval). It

* raises ``order.stuck`` for each order the POS has not accepted ``N`` minutes after
  it was received (``N`` per location, ``stuck_after_minutes``, default 10; 0 turns
  it off; a replay starts the wait again; a scheduled order's wait starts at its
  release, ``release_at``, when the hub sends it to the POS);
* clears incidents whose subject has moved on: a stuck order that was accepted (or
  failed, or canceled), a failed order or reservation that is not failed any more, a
  connection that is no longer ``needs_reauth`` (its credentials were replaced), a
  dead job that is dead no more (an operator retried it), a broken menu mapping whose
  items a person has decided again, a cancel a cashier had to carry out whose order or
  reservation reached a final state (cleared when that is seen already; this is the
  safety net);
* raises ``connection.needs_reauth`` for a parked connection that has none open.

Each incident alerts once when it opens and once when it clears
(``services.incidents``), so running the watch twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from orderbridge.ports import UnitOfWork
from orderbridge.services.connection_health import NEEDS_REAUTH, PARKED
from orderbridge.services.deaths import JOB_DEAD
from orderbridge.services.failures import ORDER_FAILED, RESERVATION_FAILED
from orderbridge.services.incidents import clear_incidents, raise_incident
from orderbridge.services.mapping import MAPPING_BROKEN, broken_items, still_broken
from orderbridge.services.pipeline import ORDER_NEEDS_CASHIER
from orderbridge.services.reservations import RESERVATION_NEEDS_CASHIER

WATCH = "incidents.scan"
ORDER_STUCK = "order.stuck"
BATCH = 1000
# No location waits less than a minute: younger orders are never read by the watch.
_SHORTEST_WAIT = timedelta(minutes=1)

# Incident kind → (subject kind, the statuses in which the incident still holds).
_HOLDS: dict[str, tuple[str, frozenset[str]]] = {
    ORDER_STUCK: ("order", frozenset({"received", "submitted"})),
    ORDER_FAILED: ("order", frozenset({"failed"})),
    RESERVATION_FAILED: ("reservation", frozenset({"failed"})),
    NEEDS_REAUTH: ("connection", frozenset({PARKED})),
    JOB_DEAD: ("job", frozenset({"dead"})),
    ORDER_NEEDS_CASHIER: ("order", frozenset({"cancel_requested"})),
    RESERVATION_NEEDS_CASHIER: ("reservation", frozenset({"cancel_requested"})),
}


def scan(*, uow: Callable[[], UnitOfWork], clock: Callable[[], datetime]) -> dict[str, int]:
    """One pass of the watch; returns how many incidents it opened and cleared."""
    now = clock()
    with uow() as tx:
        opened = _stuck_orders(tx, now) + _parked_connections(tx, now)
        cleared = sum(_moved_on(tx, kind, now) for kind in _HOLDS) + _mappings_decided(tx, now)
        tx.commit()
    return {"opened": opened, "cleared": cleared}


def _stuck_orders(tx: UnitOfWork, now: datetime) -> int:
    opened = 0
    for waiting in tx.waiting_orders(since_before=now - _SHORTEST_WAIT, limit=BATCH):
        minutes = waiting.stuck_after_minutes
        if minutes <= 0 or now - waiting.since < timedelta(minutes=minutes):
            continue
        waited = int((now - waiting.since).total_seconds() // 60)
        opened += raise_incident(
            tx,
            tenant_id=waiting.tenant_id,
            kind=ORDER_STUCK,
            subject_id=waiting.order_id,
            detail=f"{waiting.status} {waited} min ago and not accepted by the POS yet",
            now=now,
            data={
                "order_id": waiting.order_id,
                "location_id": waiting.location_id,
                "channel_order_id": waiting.channel_order_id,
            },
        )
    return opened


def _parked_connections(tx: UnitOfWork, now: datetime) -> int:
    return sum(
        raise_incident(
            tx,
            tenant_id=tenant_id,
            kind=NEEDS_REAUTH,
            subject_id=connection_id,
            detail=reason or "the system refused the connection's credentials",
            now=now,
            data={"connection_id": connection_id},
        )
        for connection_id, tenant_id, reason in tx.connections_needing_reauth()
    )


def _moved_on(tx: UnitOfWork, kind: str, now: datetime) -> int:
    subject_kind, holding = _HOLDS[kind]
    open_ones = tx.open_incidents(kind=kind, limit=BATCH)
    if not open_ones:
        return 0
    statuses = tx.statuses(subject_kind, [i.subject_id for i in open_ones])
    gone = [i.subject_id for i in open_ones if statuses.get(i.subject_id) not in holding]
    return clear_incidents(tx, kind=kind, subject_ids=gone, now=now)


def _mappings_decided(tx: UnitOfWork, now: datetime) -> int:
    """Clear ``mapping.broken`` once none of its items waits for a person any more."""
    decided = [
        incident.subject_id
        for incident in tx.open_incidents(kind=MAPPING_BROKEN, limit=BATCH)
        if not still_broken(
            tx,
            incident.data.get("location_id", ""),
            incident.data.get("channel", ""),
            broken_items(incident.data),
        )
    ]
    return clear_incidents(tx, kind=MAPPING_BROKEN, subject_ids=decided, now=now)
