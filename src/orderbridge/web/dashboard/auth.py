"""Signing in with an admin API key, the session every other page needs, and signing out.

Every dashboard page depends on :func:`operator`: without a valid session cookie it
redirects to ``/admin/login``. Every POST form depends on :func:`form_operator`, which
also checks the form's CSRF token. Both re-read the admin key on each request, so a
revoked key (or one turned into a storefront key) ends its sessions at once.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import quote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select

from orderbridge.storage import tables as t
from orderbridge.storage.admin import authenticate
from orderbridge.web.dashboard.render import SECURITY_HEADERS, render
from orderbridge.web.dashboard.session import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    SESSION_LIFETIME,
    SessionSigner,
    login_token_ok,
    new_login_token,
)
from orderbridge.web.deps import Context, WebContext

router = APIRouter(prefix="/admin", include_in_schema=False)


@dataclass(frozen=True)
class Operator:
    """Who is looking at the dashboard: one tenant, through one admin key."""

    tenant_id: str
    tenant_name: str
    key_id: str
    csrf: str
    zone: ZoneInfo

    @property
    def zone_name(self) -> str:
        return self.zone.key


def signer(ctx: WebContext) -> SessionSigner:
    return SessionSigner(ctx.settings.secret_key.get_secret_value())


def _safe_next(target: str | None) -> str:
    """Only a path inside the dashboard: never an open redirect to another site."""
    if not target or not target.startswith("/admin") or "//" in target or "\\" in target:
        return "/admin"
    return target


def _to_login(request: Request) -> HTTPException:
    target = request.url.path
    if request.method == "GET" and request.url.query:
        target += "?" + request.url.query
    location = "/admin/login?next=" + quote(_safe_next(target), safe="")
    return HTTPException(303, headers={"Location": location, "Cache-Control": "no-store"})


def _display_zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def operator(request: Request, ctx: Context) -> Operator:
    """The signed-in operator, or a redirect to the sign-in page."""
    sign = signer(ctx)
    session = sign.load(request.cookies.get(SESSION_COOKIE), now=ctx.clock())
    if session is None:
        raise _to_login(request)
    with ctx.sessions() as db:
        key = db.get(t.ApiKey, session.key_id)
        tenant = db.get(t.Tenant, session.tenant_id)
        if (
            key is None
            or tenant is None
            or key.revoked_at is not None
            or key.scope != "admin"
            or key.tenant_id != session.tenant_id
        ):
            raise _to_login(request)
        # Times show in the tenant's own zone: its locations' (most tenants have one).
        zone = db.scalar(
            select(t.Location.timezone)
            .where(t.Location.tenant_id == tenant.id)
            .order_by(t.Location.name)
            .limit(1)
        )
        return Operator(
            tenant.id, tenant.name, key.id, sign.csrf_token(session), _display_zone(zone)
        )


Signed = Annotated[Operator, Depends(operator)]


def form_operator(request: Request, who: Signed, csrf: Annotated[str, Form()] = "") -> Operator:
    """The operator, for a POST whose form carries this session's CSRF token."""
    if not csrf or not hmac.compare_digest(csrf, who.csrf):
        raise HTTPException(403, "the form's CSRF token is missing or wrong; reload the page")
    return who


Posted = Annotated[Operator, Depends(form_operator)]


def _cookie_secure(request: Request) -> bool:
    return request.url.scheme == "https"


def _login_page(
    request: Request, *, next_url: str | None, error: str = "", status: int = 200
) -> HTMLResponse:
    token = new_login_token()
    response = render(
        request,
        "login.html",
        status=status,
        login_csrf=token,
        login_error=error,
        next=_safe_next(next_url),
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        path="/admin/login",
        httponly=True,
        samesite="strict",
        secure=_cookie_secure(request),
    )
    return response


@router.get("/login", response_model=None)
def login_form(request: Request, ctx: Context) -> Response:
    if signer(ctx).load(request.cookies.get(SESSION_COOKIE), now=ctx.clock()) is not None:
        return RedirectResponse("/admin", status_code=303)
    return _login_page(request, next_url=request.query_params.get("next"))


@router.post("/login", response_model=None)
def login(
    request: Request,
    ctx: Context,
    api_key: Annotated[str, Form()] = "",
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/admin",
) -> Response:
    """Exchange an admin API key for a session cookie."""
    if not login_token_ok(request.cookies.get(LOGIN_CSRF_COOKIE), csrf):
        return _login_page(
            request, next_url=next, error="The form expired; please try again.", status=403
        )
    with ctx.sessions() as db:
        caller = authenticate(db, api_key.strip()) if api_key.strip() else None
    if caller is None:
        return _login_page(request, next_url=next, error="Unknown or revoked API key.", status=401)
    if caller.scope != "admin":
        message = "insufficient_scope: that is a storefront key; the dashboard needs an admin key."
        return _login_page(request, next_url=next, error=message, status=403)
    sign = signer(ctx)
    session = sign.new_session(caller.tenant_id, caller.key_id, now=ctx.clock())
    response = RedirectResponse(_safe_next(next), status_code=303, headers=SECURITY_HEADERS)
    response.set_cookie(
        SESSION_COOKIE,
        sign.dump(session),
        max_age=int(SESSION_LIFETIME.total_seconds()),
        path="/admin",
        httponly=True,
        samesite="strict",
        secure=_cookie_secure(request),
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin/login")
    return response


@router.post("/logout")
def logout(who: Posted) -> RedirectResponse:
    response = RedirectResponse("/admin/login?done=signed_out", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/admin", httponly=True, samesite="strict")
    return response
