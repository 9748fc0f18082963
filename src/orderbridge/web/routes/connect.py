"""Connecting a Poster account in marketplace mode: the OAuth install flow.

``GET /connect/poster?link=…`` (a signed install link an admin made,
``connectors/poster/install_link.py``; or an admin key in ``Authorization: Bearer``, for
API clients — never in the URL, where access logs and browser history would keep it)
sends the owner to Poster's consent page with a signed
``state`` naming the tenant; the same state waits in a short-lived cookie, because the
reference does not promise that Poster hands ``state`` back. ``GET
/connect/poster/callback`` checks the state, trades the code for the account's token,
creates or updates the tenant's Poster connection, makes one hub location per spot
(linked to it), queues their menu imports and shows a small "connected" page.

One Poster account belongs to one connection (webhooks are routed by the account), so
an account already connected to another tenant is refused. Connecting an account again
(after its token was revoked) only replaces the credentials and links new spots.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from orderbridge.connectors.poster.install_link import (
    LINK_PARAMETER,
    InvalidLink,
    verify_install_link,
)
from orderbridge.connectors.poster.oauth import (
    STATE_TTL,
    AuthorizedAccount,
    InvalidState,
    PosterApplication,
    authorize_account,
    sign_state,
    state_key,
    verify_state,
)
from orderbridge.messaging import outbox
from orderbridge.messaging.inbox import record_inbound_many
from orderbridge.ports import PermanentError, TransientError
from orderbridge.services.menus import IMPORT_MENU
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.web.deps import Context, WebContext, insufficient_scope
from orderbridge.web.errors import ApiError

router = APIRouter(tags=["connect"])
STATE_COOKIE = "ob_poster_state"
COOKIE_PATH = "/connect/poster"
CALLBACK_PATH = "/connect/poster/callback"


def poster_application(ctx: WebContext) -> PosterApplication | None:
    """The deployment's Poster application, or None when marketplace mode is off."""
    s = ctx.settings
    if s.poster_application_id is None or s.poster_application_secret is None:
        return None
    return PosterApplication(
        application_id=s.poster_application_id,
        application_secret=s.poster_application_secret,
        base_url=s.poster_base_url.rstrip("/"),
        redirect_uri=s.poster_redirect_uri or f"{s.base_url.rstrip('/')}{CALLBACK_PATH}",
        timeout_seconds=s.poster_timeout_seconds,
    )


def _admin_tenant(request: Request, ctx: WebContext, link: str | None) -> str:
    """The tenant the install is for: from the signed link, or from an admin key in the
    ``Authorization`` header. A credential in the query string is refused."""
    if "api_key" in request.query_params:
        raise ApiError(
            400,
            "credential_in_url",
            "API keys are not accepted in URLs (access logs and browser history keep "
            "them; revoke this one if it was shared): create an install link with "
            "POST /api/v1/admin/connections/poster/install-links, `orderbridge "
            "connections install-link TENANT` or the dashboard's Connections page",
            "api_key",
        )
    if link is not None:
        secret = ctx.settings.secret_key.get_secret_value()
        try:
            return verify_install_link(link, secret_key=secret, now=ctx.clock())
        except InvalidLink as error:
            raise ApiError(401, error.code, error.reason, LINK_PARAMETER) from None
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    key = token.strip() if scheme.lower() == "bearer" else ""
    if not key:
        raise ApiError(
            401, "unauthorized", "open an install link (?link=…) or send an admin API key"
        )
    with ctx.sessions() as session:
        found = admin.authenticate(session, key)
    if found is None:
        raise ApiError(401, "unauthorized", "unknown or revoked API key")
    if not found.is_admin:
        raise insufficient_scope()
    return found.tenant_id


@router.get("/connect/poster", response_class=RedirectResponse, status_code=302)
def start_poster_install(
    request: Request,
    ctx: Context,
    link: Annotated[str | None, Query(description="A signed install link's token.")] = None,
    tenant: str | None = None,
    account: Annotated[str | None, Query(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$")] = None,
) -> Response:
    """Send the restaurant's owner to Poster to allow the deployment's application."""
    tenant_id = _admin_tenant(request, ctx, link)
    if tenant is not None and tenant != tenant_id:
        raise ApiError(404, "unknown_tenant", "no such tenant", "tenant")
    app = poster_application(ctx)
    if app is None:
        raise ApiError(404, "marketplace_disabled", "no Poster application is configured")
    key = state_key(ctx.settings.secret_key.get_secret_value())
    state = sign_state(tenant_id, key=key, now=ctx.clock())
    response = RedirectResponse(app.authorize_url(state, account=account), status_code=302)
    response.set_cookie(
        STATE_COOKIE,
        state,
        max_age=int(STATE_TTL.total_seconds()),
        path=COOKIE_PATH,
        httponly=True,
        samesite="lax",
        secure=ctx.settings.base_url.startswith("https://"),
    )
    return response


@router.get(CALLBACK_PATH, response_class=HTMLResponse)
async def finish_poster_install(
    request: Request,
    ctx: Context,
    code: str = "",
    account: str = "",
    state: str | None = None,
) -> HTMLResponse:
    """Poster's redirect after the owner allowed (or refused) the application."""
    app = poster_application(ctx)
    if app is None:
        return _page(404, "Not available", "This hub has no Poster application configured.")
    key = state_key(ctx.settings.secret_key.get_secret_value())
    presented = state or request.cookies.get(STATE_COOKIE)
    try:
        tenant_id = verify_state(presented, key=key, now=ctx.clock())
    except InvalidState as error:
        return _page(400, "Connection failed", error.reason, code=error.code)
    if not code or not account:
        return _page(400, "Connection failed", "Poster sent no code or account.", code="no_code")
    assert presented is not None  # verified
    try:
        authorized = await authorize_account(
            app, account=account, code=code, transport=ctx.pos_transport
        )
    except TransientError as error:
        return _page(502, "Poster is not answering", f"{error} — try again.", code="poster_down")
    except PermanentError as error:
        return _page(400, "Poster refused", error.reason, code=error.code)
    try:
        installed = _save(ctx, tenant_id, authorized, presented)
    except _Refused as refused:
        return _page(409, "Connection refused", refused.reason, code=refused.code)
    rows = "".join(
        f"<li>{escape(name)} <small>({escape(location_id)}, spot {escape(spot)}"
        f"{'' if created else ', already linked'})</small></li>"
        for location_id, name, spot, created in installed.locations
    )
    body = (
        f"<p>Poster account <b>{escape(account)}</b> is connected "
        f"(<code>{escape(installed.connection_id)}</code>). Its menus are being imported.</p>"
        f"<ul>{rows}</ul>"
    )
    response = _page(200, "Poster connected", body, raw=True)
    response.delete_cookie(STATE_COOKIE, path=COOKIE_PATH)
    return response


def _use_state(session: Session, state: str, tenant_id: str, now: datetime) -> None:
    """Record the state as used, in the install's transaction; a state that was already
    (a replayed callback URL) refuses the install.

    The inbox keeps it (source ``poster.oauth``, deduplicated like any inbound event,
    stored processed) far longer than a state lives, so each state works once; a failed
    code exchange rolls nothing back, so the owner can simply reload the page.
    """
    used = hashlib.sha256(state.encode()).hexdigest()
    event = ("poster.oauth", used, {"tenant_id": tenant_id})
    if not record_inbound_many(session, [event], processed={event[:2]}, now=now):
        raise _Refused("state_used", "this authorisation link was already used; start again")


class _Refused(Exception):
    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@dataclass(frozen=True)
class _Installed:
    connection_id: str
    locations: list[tuple[str, str, str, bool]]  # location id, name, spot id, created now


def _save(ctx: WebContext, tenant_id: str, authorized: AuthorizedAccount, state: str) -> _Installed:
    """Create or update the connection, a location per new spot, and their menu imports,
    all in one transaction."""
    s = authorized.settings
    assert s.application_secret is not None
    credentials = {
        "token": s.token.get_secret_value(),
        "application_secret": s.application_secret.get_secret_value(),
    }
    settings = {
        "account": s.account,
        "account_number": s.account_number,
        "base_url": s.base_url,
        "application_id": s.application_id,
    }
    with ctx.sessions() as session, session.begin():
        _use_state(session, state, tenant_id, ctx.clock())
        if session.get(t.Tenant, tenant_id) is None:
            raise _Refused("unknown_tenant", "the tenant this install was started for is gone")
        row = session.scalars(
            select(t.Connection).where(
                t.Connection.kind == "poster", t.Connection.external_account == s.account
            )
        ).first()
        if row is not None and row.tenant_id != tenant_id:
            raise _Refused("account_taken", f"{s.account} is connected to another tenant")
        if row is None:
            connection_id = admin.create_connection(
                session,
                ctx.cipher,
                tenant_id,
                kind="poster",
                role="pos",
                name=f"Poster {s.account}",
                credentials=credentials,
                settings=settings,
                external_account=s.account,
            )
        else:
            connection_id = row.id
            row.settings = {**row.settings, **settings}
            admin.update_connection_credentials(session, ctx.cipher, connection_id, credentials)
        locations = _link_spots(session, tenant_id, connection_id, authorized)
        for location_id, *_ in locations:
            outbox.enqueue(
                session, IMPORT_MENU, {"location_id": location_id}, key=f"menu:{location_id}"
            )
    return _Installed(connection_id, locations)


def _link_spots(
    session: Session, tenant_id: str, connection_id: str, authorized: AuthorizedAccount
) -> list[tuple[str, str, str, bool]]:
    rows = session.execute(
        select(t.LocationLink.external_id, t.LocationLink.location_id).where(
            t.LocationLink.connection_id == connection_id
        )
    ).all()
    linked = {external_id: location_id for external_id, location_id in rows}
    result = []
    for spot in authorized.locations:
        existing = linked.get(spot.external_id)
        if existing is not None:
            result.append((existing, spot.name, spot.external_id, False))
            continue
        if not spot.currency:
            raise _Refused("no_currency", "Poster did not tell the account's currency")
        location_id = admin.create_location(
            session,
            tenant_id,
            name=spot.name,
            timezone=spot.timezone or "UTC",
            currency=spot.currency,
        )
        admin.link_location(session, location_id, connection_id, spot.external_id)
        result.append((location_id, spot.name, spot.external_id, True))
    return result


def _page(status: int, title: str, text: str, *, code: str = "", raw: bool = False) -> HTMLResponse:
    body = text if raw else f"<p>{escape(text)}</p>"
    marker = f'<p><small>error: <code id="error">{escape(code)}</code></small></p>' if code else ""
    return HTMLResponse(
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>orderbridge — {escape(title)}</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto}</style>"
        f"</head><body><h1>{escape(title)}</h1>{body}{marker}</body></html>",
        status_code=status,
    )
