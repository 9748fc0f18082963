"""Webhook ingress: verify first, store in the inbox, answer at once, work later.

``POST /webhooks/poster`` serves every Poster account of the deployment: the body's
``account`` picks the connection (and so the application secret that must have signed
it). Nothing is believed before ``verify`` checks out; a verified event is committed to
the inbox (deduplicated by its key) and a worker job queued in the same transaction,
and only then does Poster get its ``{"status": "accept"}``.

Installs and removals of the hub's Poster application are handled here, in the same
transaction as the acknowledgement: the ``added`` event carries an access token, which
goes straight into the connection's encrypted credentials and never into the inbox.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import SecretStr

from orderbridge.connectors.poster.events import POSTER_EVENT, event_payload
from orderbridge.connectors.poster.webhooks import (
    ACCEPT,
    AppInstalled,
    AppRemoved,
    WebhookRejected,
    classify,
    parse_webhook,
)
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.web.deps import Context
from orderbridge.web.errors import ApiError
from orderbridge.web.metrics import HubMetrics

router = APIRouter(tags=["webhooks (inbound)"])


def _account_of(body: bytes) -> str:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json", "the body is not JSON") from None
    account = payload.get("account") if isinstance(payload, dict) else None
    if not isinstance(account, str) or not account:
        raise ApiError(400, "invalid_webhook", "the body names no account", "account")
    return account


@router.post("/webhooks/poster")
async def poster_webhook(request: Request, ctx: Context) -> dict[str, Any]:
    metrics: HubMetrics = request.app.state.metrics
    body = await request.body()
    account = _account_of(body)
    with ctx.uow() as tx:
        connection = tx.find_connection("poster", account)
    if connection is None:
        metrics.ingested.labels("poster", "unknown_account").inc()
        raise ApiError(404, "unknown_account", "no connection for this Poster account", "account")
    secret = connection.credentials.get("application_secret")
    if not isinstance(secret, str) or not secret:
        raise ApiError(409, "no_application_secret", "the connection cannot verify webhooks")
    try:
        hook = parse_webhook(body, secret=SecretStr(secret))
    except WebhookRejected as rejected:
        metrics.ingested.labels("poster", "rejected").inc()
        raise ApiError(401, rejected.code, rejected.reason) from None
    command = classify(hook)
    if isinstance(command, AppInstalled | AppRemoved):
        _application(ctx, connection.id, command)
        metrics.ingested.labels("poster", "application").inc()
        return ACCEPT
    with ctx.uow() as tx:
        stored = tx.record_inbound("poster", hook.dedup_key, event_payload(hook, connection.id), {})
        if stored:
            tx.enqueue(
                POSTER_EVENT,
                event_payload(hook, connection.id),
                key=f"poster:{connection.id}:{hook.object}:{hook.object_id}",
                connection_id=connection.id,
            )
        tx.commit()
    metrics.ingested.labels("poster", "stored" if stored else "duplicate").inc()
    return ACCEPT


def _application(ctx: Any, connection_id: str, command: AppInstalled | AppRemoved) -> None:
    with ctx.sessions() as session, session.begin():
        row = session.get(t.Connection, connection_id)
        if row is None:
            return
        if isinstance(command, AppRemoved):
            row.status = "disabled"
            row.status_reason = "the Poster application was removed from the account"
            return
        credentials = ctx.cipher.decrypt(row.credentials) if row.credentials else {}
        credentials["token"] = command.access_token.get_secret_value()
        admin.update_connection_credentials(session, ctx.cipher, connection_id, credentials)
