"""Health: liveness, readiness, and the detail an operator or a monitor reads.

==================  ==========================================================  ==========
route               answers 200 when                                            else
==================  ==========================================================  ==========
``/health/live``    the process answers (it touches nothing else)               —
``/health/ready``   the database answers and is migrated to this code's head    503
``/health``         ready, and no connection needs re-authorising or has its    503
                    circuit open (the body says which, and how each stands)
==================  ==========================================================  ==========

Point a load balancer or an orchestrator's readiness probe at ``/health/ready`` and a
liveness probe at ``/health/live``. A POS that refuses its token, or is down, must not
take the hub out of rotation: orders are still taken, stored and queued, and every
other location and tenant works. Point an uptime monitor at ``/health``: its 503 with
``"status": "degraded"`` means a person should look (the same problems raise incidents
and alerts, ``docs/alerts.md``). None of the answers carries secrets, tenant names or
personal data; ``/health`` lists the ids and kinds of the connections that need
attention.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Response

from orderbridge.storage.health import code_revision, connection_states, database_revision
from orderbridge.web.deps import Context

router = APIRouter(tags=["operations"])


@router.get("/health/live")
async def live() -> dict[str, str]:
    """The process is up and serving (nothing else is checked)."""
    return {"status": "alive"}


def _database(ctx: Context) -> tuple[dict[str, Any], bool]:
    """The database's part of the answer, and whether the hub can serve."""
    try:
        with (ctx.readers or ctx.sessions)() as session:
            current = database_revision(session)
    except Exception as error:
        return {"database": "unavailable", "error": type(error).__name__}, False
    head = code_revision()
    if current != head:
        return {"database": "ok", "migrations": {"current": current, "head": head}}, False
    return {"database": "ok", "migrations": "ok"}, True


@router.get("/health/ready")
def ready(ctx: Context, response: Response) -> dict[str, Any]:
    """The database answers and is migrated: this instance can take traffic."""
    part, ok = _database(ctx)
    if not ok:
        response.status_code = 503
    return {"status": "ready" if ok else "unavailable", **part}


@router.get("/health")
def health(ctx: Context, response: Response) -> dict[str, Any]:
    """Readiness plus the connections: ``ok``, ``degraded`` (a connection needs
    re-authorising or its circuit is open) or ``unavailable``; 503 unless ``ok``."""
    part, ok = _database(ctx)
    if not ok:
        response.status_code = 503
        return {"status": "unavailable", **part}
    with (ctx.readers or ctx.sessions)() as session:
        states = connection_states(session)
    attention = [
        {
            "connection_id": state.id,
            "kind": state.kind,
            "needs_reauth": state.needs_reauth,
            "breaker": "open" if state.breaker_open else "closed",
        }
        for state in states
        if state.degraded
    ]
    if attention:
        response.status_code = 503
    return {
        "status": "degraded" if attention else "ok",
        **part,
        "connections": dict(Counter(state.status for state in states)),
        "attention": attention,
    }
