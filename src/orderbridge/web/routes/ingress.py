"""Webhook ingress: verify first, store in the inbox, answer at once, work later.

``POST /webhooks/poster`` serves every Poster account of the deployment: the body's
``account`` picks the connection (and so the application secret that must have signed
it; ``account_number`` when the login is unknown). An account no tenant has connected
is answered ``accept`` when the deployment's application secret signed its event (the
OAuth callback, not the webhook, creates connections) and 404 otherwise. Nothing is
believed before ``verify`` checks out; a verified event is committed to the inbox
(deduplicated by its key) and a worker job queued in the same transaction, and only
then does Poster get its ``{"status": "accept"}``.

Installs and removals of the hub's Poster application are handled here, in the same
transaction as the acknowledgement: the ``added`` event carries an access token, which
goes straight into the connection's encrypted credentials and never into the inbox.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from pydantic import SecretStr
from sqlalchemy import select

from orderbridge.connectors.poster.events import POSTER_EVENT, event_payload
from orderbridge.connectors.poster.webhooks import (
    ACCEPT,
    REREAD_WHEN_REPEATED,
    AppInstalled,
    AppRemoved,
    WebhookRejected,
    classify,
    parse_webhook,
)
from orderbridge.messaging.tables import JobStatus, OutboxJob
from orderbridge.ports import ConnectionRecord
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.web.deps import Context
from orderbridge.web.errors import ApiError
from orderbridge.web.metrics import HubMetrics

router = APIRouter(tags=["webhooks (inbound)"])


def _account_of(body: bytes) -> tuple[str, str]:
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json", "the body is not JSON") from None
    account = payload.get("account") if isinstance(payload, dict) else None
    if not isinstance(account, str) or not account:
        raise ApiError(400, "invalid_webhook", "the body names no account", "account")
    return account, str(payload.get("account_number") or "")


def _find_connection(ctx: Any, account: str, number: str) -> ConnectionRecord | None:
    """The connection by the account's login, else by its number (a renamed account)."""
    with ctx.uow() as tx:
        found: ConnectionRecord | None = tx.find_connection("poster", account)
    if found is not None or not number.isdigit():
        return found
    with ctx.sessions() as session:
        rows = session.scalars(select(t.Connection).where(t.Connection.kind == "poster")).all()
        match = next((r.id for r in rows if r.settings.get("account_number") == number), None)
    if match is None:
        return None
    with ctx.uow() as tx:
        found = tx.get_connection(match)
    return found


@router.post("/webhooks/poster")
async def poster_webhook(request: Request, ctx: Context) -> dict[str, Any]:
    metrics: HubMetrics = request.app.state.metrics
    body = await request.body()
    account, number = _account_of(body)
    connection = _find_connection(ctx, account, number)
    app_secret = ctx.settings.poster_application_secret
    if connection is None:
        if app_secret is None:
            metrics.ingested.labels("poster", "unknown_account").inc()
            raise ApiError(
                404, "unknown_account", "no connection for this Poster account", "account"
            )
        # The deployment's application is installed on an account no tenant has
        # connected (yet): the OAuth callback brings the token, so a genuine event is
        # acknowledged and dropped rather than retried by Poster for a day.
        try:
            parse_webhook(body, secret=app_secret)
        except WebhookRejected as rejected:
            metrics.ingested.labels("poster", "rejected").inc()
            raise ApiError(401, rejected.code, rejected.reason) from None
        metrics.ingested.labels("poster", "unconnected_account").inc()
        return ACCEPT
    secret = connection.credentials.get("application_secret")
    if (not isinstance(secret, str) or not secret) and app_secret is not None:
        secret = app_secret.get_secret_value()
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
    key = f"poster:{connection.id}:{hook.object}:{hook.object_id}"
    again = hook.object in REREAD_WHEN_REPEATED and not _job_waiting(ctx, key)
    with ctx.uow() as tx:
        stored = tx.record_inbound("poster", hook.dedup_key, event_payload(hook, connection.id), {})
        if stored or again:
            tx.enqueue(
                POSTER_EVENT,
                event_payload(hook, connection.id),
                key=key,
                connection_id=connection.id,
            )
        tx.commit()
    metrics.ingested.labels("poster", "stored" if stored else "duplicate").inc()
    return ACCEPT


def _job_waiting(ctx: Any, key: str) -> bool:
    with ctx.sessions() as session:
        found = session.scalar(
            select(OutboxJob.id)
            .where(
                OutboxJob.kind == POSTER_EVENT,
                OutboxJob.key == key,
                OutboxJob.status == JobStatus.PENDING.value,
            )
            .limit(1)
        )
    return found is not None


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
