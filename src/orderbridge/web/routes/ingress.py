"""Webhook ingress: verify first, store in the inbox, answer at once, work later.

``POST /webhooks/poster`` serves every Poster account of the deployment: the body's
``account`` picks the connection (and so the application secret that must have signed
it; ``account_number`` when the login is unknown). An account no tenant has connected
is answered ``accept`` when the deployment's application secret signed its event (the
OAuth callback, not the webhook, creates connections) and 404 otherwise. Nothing is
believed before ``verify`` checks out; a verified event is committed to the inbox
(deduplicated by its key) and a worker job queued in the same transaction, and only
then does Poster get its ``{"status": "accept"}``. An event that needs no work
(``webhooks.needs_work``: an incoming order's *added*, which every order the hub
creates brings back, or an entity the hub ignores) is stored already processed and
queues no job. Requests arriving together share that transaction
(``messaging.inbox_writer``: group commit), and the account's connection and secret
are cached for 30 s (``storage.connection_cache``: changes made in this process apply
at once, those of other processes within the 30 s).

Installs and removals of the hub's Poster application are handled here, in the same
transaction as the acknowledgement: the ``added`` event carries an access token, which
goes straight into the connection's encrypted credentials and never into the inbox.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

from fastapi import FastAPI
from pydantic import SecretStr
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from orderbridge import safejson
from orderbridge.connectors.poster.events import POSTER_EVENT, event_payload
from orderbridge.connectors.poster.webhooks import (
    ACCEPT,
    LONGEST,
    REREAD_WHEN_REPEATED,
    AppInstalled,
    AppRemoved,
    PosterWebhook,
    WebhookRejected,
    classify,
    needs_work,
    verify_webhook,
)
from orderbridge.log_context import bind_log_context
from orderbridge.messaging.inbox_writer import Inbound, InboxWriter
from orderbridge.messaging.outbox import NewJob
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.storage.connection_cache import WebhookAccount, WebhookAccounts
from orderbridge.web.deps import WebContext
from orderbridge.web.direct import read_body
from orderbridge.web.errors import ApiError
from orderbridge.web.metrics import HubMetrics

PATH = "/webhooks/poster"


class _Counter(Protocol):
    """A labelled Prometheus counter (the ingress keeps one per outcome)."""

    def inc(self) -> None: ...


def mount(app: FastAPI, ctx: WebContext) -> None:
    """Serve ``POST /webhooks/poster`` on ``app``, matched before every other route.

    A plain ASGI endpoint on a Starlette route, not a FastAPI one: the body is one
    small JSON object checked by hand, and dependency injection, response validation
    and walking the app's other routes cost several times what storing the event does
    (so does building a ``Request`` and a ``Response`` for it). Errors are still
    :class:`ApiError`, answered by the app's handlers, so 4xx bodies are the API's
    usual ``{"error": …}``. (It is not in the OpenAPI document: Poster calls it, not
    the API's clients.)
    """
    accounts = WebhookAccounts(
        ctx.sessions, ctx.cipher, kind="poster", signed_by="application_secret"
    )
    accounts.watch(ctx.sessions)
    with ctx.sessions() as session:  # no connection is opened: this only reads the URL
        dialect = session.get_bind().dialect.name
    # On SQLite the batch's transaction runs on the event loop, as the bare baseline
    # does: one writer at a time anyway, an insert+commit under WAL costs tens of µs,
    # less than handing the batch to a thread and back, and the loop blocks only while
    # another writer of this process (a worker thread) holds the lock, for one short
    # transaction. On PostgreSQL a commit is a network round trip: a thread does it.
    inbox = InboxWriter(ctx.sessions, clock=ctx.clock, inline=dialect == "sqlite")
    app.state.poster_accounts = accounts
    app.state.poster_inbox = inbox
    endpoint = PosterIngress(ctx, app.state.metrics, accounts, inbox)
    app.router.routes.insert(0, Route(PATH, endpoint, methods=["POST"]))
    # And served ahead of the generic middleware, with its guarantees (``web.direct``).
    app.state.direct_routes = {**getattr(app.state, "direct_routes", {}), PATH: endpoint}


_LONGEST_NUMBER = 32  # ``account_number``: Poster's are numbers


def _decode(body: bytes) -> tuple[dict[str, Any], str, str]:
    try:
        try:
            payload = safejson.loads(body.decode())  # UTF-8, as Poster sends it: no detection
        except safejson.Unacceptable:
            raise
        except ValueError:
            payload = safejson.loads(body)  # UTF-16/32, a BOM … or the same error again
    except safejson.Unacceptable as exc:
        raise ApiError(400, "malformed_json", str(exc)) from None
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json", "the body is not JSON") from None
    account = payload.get("account") if isinstance(payload, dict) else None
    if not isinstance(account, str) or not account:
        raise ApiError(400, "invalid_webhook", "the body names no account", "account")
    number = str(payload.get("account_number") or "")
    # Looked up before anything is verified, so bounded here (safejson refused NULs).
    if len(account) > LONGEST["account"] or len(number) > _LONGEST_NUMBER:
        raise ApiError(400, "invalid_webhook", "the body names no Poster account", "account")
    return payload, account, number


_ACCEPTED = Response(json.dumps(ACCEPT).encode(), media_type="application/json")


class PosterIngress:
    """The ASGI endpoint of ``POST /webhooks/poster`` (see the module docstring)."""

    def __init__(
        self,
        ctx: WebContext,
        metrics: HubMetrics,
        accounts: WebhookAccounts,
        inbox: InboxWriter,
    ) -> None:
        self._ctx = ctx
        self._metrics = metrics
        self._accounts = accounts
        self._inbox = inbox
        self._counters: dict[str, _Counter] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self._accept(receive)
        # Two fresh messages, as ``Response.__call__`` sends them, without the object.
        headers = _ACCEPTED.raw_headers
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": _ACCEPTED.body})

    def _count(self, outcome: str) -> None:
        counter = self._counters.get(outcome)
        if counter is None:
            counter = self._counters[outcome] = self._metrics.ingested.labels("poster", outcome)
        counter.inc()

    async def _accept(self, receive: Receive) -> None:
        """Verify and store the webhook, or raise :class:`ApiError`; then it is accepted."""
        payload, account, number = _decode(await read_body(receive))
        app_secret = self._ctx.settings.poster_application_secret
        found = self._accounts.find(account, number)
        hook = None
        if found is not None:
            try:
                hook = verify_webhook(payload, secret=_secret_of(found, app_secret))
            except WebhookRejected:
                # The secret may have changed since it was cached: read it again, once.
                found = self._accounts.find(account, number, fresh=True)
        if found is None:
            _unconnected(self._metrics, payload, app_secret)
            return
        bind_log_context(connection_id=found.connection_id)  # in the request's log lines
        if hook is None:
            hook = _verify(self._metrics, payload, _secret_of(found, app_secret))
        command = classify(hook)
        if isinstance(command, AppInstalled | AppRemoved):
            _application(self._ctx, found.connection_id, command)
            self._count("application")
            return
        inbound = _inbound(hook, found.connection_id, work=needs_work(command))
        self._count("stored" if await self._inbox.store(inbound) else "duplicate")


def _unconnected(
    metrics: HubMetrics, payload: dict[str, Any], app_secret: SecretStr | None
) -> None:
    if app_secret is None:
        metrics.ingested.labels("poster", "unknown_account").inc()
        raise ApiError(404, "unknown_account", "no connection for this Poster account", "account")
    # The deployment's application is installed on an account no tenant has connected
    # (yet): the OAuth callback brings the token, so a genuine event is acknowledged and
    # dropped rather than retried by Poster for a day.
    _verify(metrics, payload, app_secret)
    metrics.ingested.labels("poster", "unconnected_account").inc()


def _secret_of(found: WebhookAccount, app_secret: SecretStr | None) -> SecretStr:
    secret = found.secret or app_secret
    if secret is None:
        raise ApiError(409, "no_application_secret", "the connection cannot verify webhooks")
    return secret


def _verify(metrics: HubMetrics, payload: dict[str, Any], secret: SecretStr) -> PosterWebhook:
    try:
        return verify_webhook(payload, secret=secret)
    except WebhookRejected as rejected:
        metrics.ingested.labels("poster", "rejected").inc()
        # Not signed (or not as Poster signs) is 401; signed but holding a value no
        # Poster event has (``invalid_value``: an overlong id) is 400.
        status = 400 if rejected.code == "invalid_value" else 401
        raise ApiError(status, rejected.code, rejected.reason) from None


def _inbound(hook: PosterWebhook, connection_id: str, *, work: bool) -> Inbound:
    payload = event_payload(hook, connection_id)
    return Inbound(
        source="poster",
        external_id=hook.dedup_key,
        payload=payload,
        # No job for what needs no work: stored processed, for dedup and audit only.
        # The job's payload is the event's with its inbox reference (``refer``).
        job=NewJob(
            POSTER_EVENT,
            payload,
            key=f"poster:{connection_id}:{hook.object}:{hook.object_id}",
            connection_id=connection_id,
        )
        if work
        else None,
        again=hook.object in REREAD_WHEN_REPEATED,
        refer=True,
    )


def _application(ctx: WebContext, connection_id: str, command: AppInstalled | AppRemoved) -> None:
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
