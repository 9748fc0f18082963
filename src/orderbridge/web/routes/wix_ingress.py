"""Wix webhook ingress: verify first, store in the inbox, answer 200 at once, work later.

``POST /webhooks/wix/{connection}`` serves one Wix connection (one site with the app
installed): the path names the connection, whose configured public key must verify
the RS256 JWT that is the raw body. A body that does not verify is answered 401 (one
that verifies but holds no readable Wix event, 400) and nothing is stored. A verified
event is committed to the inbox under its event id (Wix resends a failed delivery up
to 12 times, out of order, with the same id) and an ``inbox.wix`` job queued in the
same transaction; then Wix gets its 200 — well inside the 1,250 ms it waits, since
nothing here calls out.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from orderbridge.connectors.wix.events import WIX_EVENT, event_payload
from orderbridge.connectors.wix.jobs import KIND as WIX
from orderbridge.connectors.wix.webhooks import WebhookRejected, parse_webhook
from orderbridge.messaging.inbox import with_inbox_ref
from orderbridge.web.deps import Context
from orderbridge.web.errors import ApiError
from orderbridge.web.metrics import HubMetrics

router = APIRouter(tags=["webhooks (inbound)"])


@router.post("/webhooks/wix/{connection}")
async def wix_webhook(connection: str, request: Request, ctx: Context) -> dict[str, Any]:
    metrics: HubMetrics = request.app.state.metrics
    body = await request.body()
    with ctx.uow() as tx:
        found = tx.get_connection(connection)
    if found is None or found.kind != WIX:
        metrics.ingested.labels("wix", "unknown_connection").inc()
        raise ApiError(404, "unknown_connection", "no Wix connection by that id", "connection")
    key = found.credentials.get("public_key_pem")
    if not isinstance(key, str) or not key.strip():
        raise ApiError(409, "no_public_key", "the connection cannot verify webhooks")
    try:
        hook = parse_webhook(body, public_key_pem=key)
    except WebhookRejected as rejected:
        metrics.ingested.labels("wix", "rejected").inc()
        # Verified but not a Wix event (``invalid_webhook``) is 400; not verified, 401.
        status = 400 if rejected.code == "invalid_webhook" else 401
        raise ApiError(status, rejected.code, rejected.reason) from None
    payload = event_payload(hook, found.id)
    with ctx.uow() as tx:
        stored = tx.record_inbound(f"wix:{found.id}", hook.event_id, payload, {})
        if stored:
            tx.enqueue(
                WIX_EVENT,
                with_inbox_ref(payload, f"wix:{found.id}", hook.event_id),
                key=f"wix:{found.id}:{hook.event.entityId}",
                # The connection's: its dead letters are the tenant's to see and retry.
                connection_id=found.id,
            )
        tx.commit()
    metrics.ingested.labels("wix", "stored" if stored else "duplicate").inc()
    return {"received": hook.event_id, "duplicate": not stored}
