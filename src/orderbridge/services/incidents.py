"""Incidents: what needs a person, raised once, cleared once, each time alerting.

Any part of the hub that notices a problem calls :func:`raise_incident` in the
transaction that records the problem (the unit of work that fails the order, parks
the connection, buries the job), and :func:`clear_incident` in the one that sees it
fixed. Incidents are deduplicated by ``(tenant, kind, subject)``: raising one that
is open already changes only its detail and data, and alerts nobody; clearing one that
is not open does nothing. So callers need not remember whether they told anyone: they
say what is true, and each incident alerts exactly twice (opened, cleared) through the
outbox (``services.alerts``), committed with the change that caused it or not at all.

Kinds are dotted strings: ``order.stuck``, ``order.failed``, ``reservation.failed``,
``job.dead``, ``connection.needs_reauth``, ``connection.breaker_open``,
``menu.publish_failed``, ``order.cancel_needs_cashier``,
``reservation.cancel_needs_cashier``, ``mapping.broken``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import cast

from orderbridge.log import get_logger, redact_text
from orderbridge.ports import Incident, IncidentStore
from orderbridge.services import alerts

MAX_DETAIL = 1000
# Ids worth a log field of their own (the log's redaction keeps them: they are not PII).
_LOGGED_IDS = ("order_id", "reservation_id", "job_id", "connection_id", "location_id")

_log = get_logger("orderbridge.incidents")


def _store(uow_or_session: object) -> IncidentStore:
    if not hasattr(uow_or_session, "open_incident"):
        raise TypeError(
            "pass a unit of work, or storage.incidents.SessionIncidents(session, queue)"
        )
    return cast(IncidentStore, uow_or_session)


def raise_incident(
    uow_or_session: IncidentStore,
    *,
    tenant_id: str,
    kind: str,
    subject_id: str,
    detail: str,
    now: datetime,
    data: Mapping[str, str] | None = None,
) -> bool:
    """Open an incident (and queue its alerts) unless it is open already; True if new.

    ``detail`` is for people (redacted here all the same); ``data`` holds ids that
    help find the subject (``order_id``, ``connection_id`` …). The caller commits.
    """
    store = _store(uow_or_session)
    opened = store.open_incident(
        tenant_id=tenant_id,
        kind=kind,
        subject_id=subject_id,
        detail=redact_text(detail)[:MAX_DETAIL],
        data={k: str(v) for k, v in (data or {}).items()},
        now=now,
    )
    if opened is None:
        return False
    _announce(store, opened, now, "incident opened")
    return True


def clear_incident(
    uow_or_session: IncidentStore,
    *,
    kind: str,
    subject_id: str,
    now: datetime,
    tenant_id: str | None = None,
) -> bool:
    """Clear the open incident of ``kind`` about ``subject_id`` (any tenant's when
    ``tenant_id`` is None: subject ids are unique) and queue its "resolved" alerts;
    True if one was open."""
    return (
        clear_incidents(
            uow_or_session, kind=kind, subject_ids=[subject_id], now=now, tenant_id=tenant_id
        )
        > 0
    )


def clear_incidents(
    uow_or_session: IncidentStore,
    *,
    kind: str,
    subject_ids: Sequence[str],
    now: datetime,
    tenant_id: str | None = None,
) -> int:
    """:func:`clear_incident` for many subjects at once; return how many were open."""
    if not subject_ids:
        return 0
    store = _store(uow_or_session)
    cleared = store.close_incidents(
        kind=kind, subject_ids=list(subject_ids), now=now, tenant_id=tenant_id
    )
    for incident in cleared:
        _announce(store, incident, now, "incident cleared")
    return len(cleared)


def _announce(store: IncidentStore, incident: Incident, now: datetime, event: str) -> None:
    jobs = alerts.alert_jobs(store, incident, at=now)
    store.enqueue_many(jobs)
    ids = {k: incident.data[k] for k in _LOGGED_IDS if k in incident.data}
    _log.warning(
        event,
        incident_id=incident.id,
        tenant_id=incident.tenant_id,
        kind=incident.kind,
        subject_id=incident.subject_id,
        detail=incident.detail,
        alerts_queued=len(jobs),
        **ids,
    )
