"""A connection whose credentials the remote system refuses, and its recovery.

When a POS answers "this token is no good" (``PermanentError`` with code
``reauth_required``), retrying is pointless: the connection is parked as
``needs_reauth`` and a ``connection.needs_reauth`` incident tells the operators. The
first call that works again on that connection (a new token pasted in, access given
back at the POS) makes it ``active`` again and clears the incident, so the dashboard,
``/health`` and ``/metrics`` stop showing it.
"""

from __future__ import annotations

from datetime import datetime

from orderbridge.log import get_logger
from orderbridge.ports import ConnectionRecord, UnitOfWork
from orderbridge.services.incidents import clear_incident, raise_incident

REAUTH = "reauth_required"
NEEDS_REAUTH = "connection.needs_reauth"
PARKED = "needs_reauth"
ACTIVE = "active"

_log = get_logger("orderbridge.connections")


def park_connection(
    uow: UnitOfWork, connection: ConnectionRecord, *, reason: str, now: datetime
) -> None:
    """Mark the connection ``needs_reauth`` with the system's reason; raise the incident.
    The caller commits."""
    uow.set_connection_status(connection.id, PARKED, reason)
    raise_incident(
        uow,
        tenant_id=connection.tenant_id,
        kind=NEEDS_REAUTH,
        subject_id=connection.id,
        detail=reason,
        now=now,
        data={"connection_id": connection.id, "connection_kind": connection.kind},
    )
    _log.warning(
        "connection needs reauth", connection_id=connection.id, kind=connection.kind, reason=reason
    )


def connection_works(uow: UnitOfWork, connection: ConnectionRecord, *, now: datetime) -> bool:
    """After a call that worked: a parked connection is active again and its incident
    clears; True if it was parked. The caller commits."""
    if connection.status != PARKED:
        return False
    uow.set_connection_status(connection.id, ACTIVE, "")
    clear_incident(
        uow, kind=NEEDS_REAUTH, subject_id=connection.id, now=now, tenant_id=connection.tenant_id
    )
    _log.info("connection works again", connection_id=connection.id, kind=connection.kind)
    return True
