"""The generic POS webhook ingress: ``POST /webhooks/pos/{connection}``.

The path names the connection; the connector registry names the code that reads its
webhooks (``ConnectorEntry.webhooks``). That reader verifies the signature first — a
REST POS's HMAC over the raw body, as its manifest says; Poster's md5 ``verify`` —
and only then reads the body into events, each with its dedup id and the job that
will act on it. Each event is committed to the inbox with its job (deduplicated, a
repeat queues nothing) before the POS gets its 2xx: nothing acknowledged is lost, and
nothing here calls out, so the POS is answered in milliseconds.

Answers: 200 ``{"received": n, "duplicates": m}``; 404 for an unknown connection or a
kind whose webhooks are not served here; 401 for a signature that does not verify or
a stale timestamp; 400 for a verified body that cannot be read; 409 when the
connection has no secret to verify with. Nothing is stored for any of them.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, FastAPI, Request

from orderbridge import connectors
from orderbridge.connectors import UnknownKind, WebhookRejected
from orderbridge.messaging.inbox_writer import Inbound, InboxWriter
from orderbridge.messaging.outbox import NewJob
from orderbridge.web.deps import Context, WebContext
from orderbridge.web.errors import ApiError
from orderbridge.web.metrics import HubMetrics

router = APIRouter(tags=["webhooks (inbound)"])

_STATUS = {"invalid_webhook": 400, "invalid_value": 400, "no_webhook_secret": 409}


def mount(app: FastAPI, ctx: WebContext) -> None:
    """Serve the route on ``app`` with its own group-committing inbox writer."""
    app.state.pos_inbox = InboxWriter(ctx.sessions, clock=ctx.clock)
    app.include_router(router)


@router.post("/webhooks/pos/{connection}")
async def pos_webhook(connection: str, request: Request, ctx: Context) -> dict[str, Any]:
    """Verify, store and acknowledge one webhook of a POS connection."""
    metrics: HubMetrics = request.app.state.metrics
    body = await request.body()
    with ctx.uow() as tx:
        found = tx.get_connection(connection)
    try:
        entry = connectors.entry(found.kind, role="pos") if found is not None else None
    except UnknownKind:
        entry = None
    if found is None or entry is None or entry.webhooks is None:
        metrics.ingested.labels("pos", "unknown_connection").inc()
        raise ApiError(404, "unknown_connection", "no POS connection by that id", "connection")
    try:
        events = entry.webhooks(found, request.headers, body, now=ctx.clock())
    except WebhookRejected as rejected:
        metrics.ingested.labels(found.kind, "rejected").inc()
        raise ApiError(_STATUS.get(rejected.code, 401), rejected.code, rejected.reason) from None
    inbox: InboxWriter = request.app.state.pos_inbox
    source = f"pos:{found.id}"
    stored = 0
    for event in events:
        job = None
        if event.job_kind is not None:
            job = NewJob(event.job_kind, event.payload, key=event.job_key, connection_id=found.id)
        inbound = Inbound(
            source=source,
            external_id=event.external_id,
            payload=event.payload,
            job=job,
            again=event.again,
            refer=True,
        )
        stored += await inbox.store(inbound)
    metrics.ingested.labels(found.kind, "stored").inc(stored)
    metrics.ingested.labels(found.kind, "duplicate").inc(len(events) - stored)
    return {"received": stored, "duplicates": len(events) - stored}
