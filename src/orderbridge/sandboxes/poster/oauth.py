"""OAuth and application install, as the reference's "Authorization in API" describes.

1. ``GET /api/auth?application_id=…&redirect_uri=…&response_type=code`` shows a consent
   page (the account comes from the ``{account}.`` subdomain, an ``account`` parameter,
   or a choice on the page); "Allow" redirects to ``redirect_uri?code=…&account=…``.
2. ``POST /api/v2/auth/access_token`` exchanges the code (checking application_id,
   application_secret and redirect_uri) for the account's token; installing fires the
   ``application`` webhook with ``action=added`` and the token in ``data``.
3. ``POST /api/v2/auth/manage`` is the management-console variant, signed with
   ``verify = md5("application_id:application_secret:code")``.

Errors on these endpoints are flat, as the reference shows them:
``{"error": 34, "message": "…", "field": "…"}``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from html import escape
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.state import Account, Installation


def account_from_host(request: Request) -> str | None:
    """``api-demo`` from ``api-demo.localhost:8010`` (None for a bare host or an IP)."""
    host = request.headers.get("host", "").split(":")[0]
    labels = host.split(".")
    if len(labels) >= 2 and not host.replace(".", "").isdigit():
        return labels[0]
    return None


def install(sandbox: PosterSandbox, account: Account, application_id: int) -> Installation:
    """Install an application on an account (idempotent) and announce it."""
    existing = account.installations.get(application_id)
    if existing is not None:
        return existing
    installation = Installation(
        application_id=application_id,
        access_token=f"{account.account_number}:{secrets.token_hex(16)}",
        installed_at=sandbox.clock().isoformat(),
    )
    account.installations[application_id] = installation
    ctx = sandbox.context(account, application_id)
    ctx.emit(
        "application",
        application_id,
        "added",
        {"user_id": installation.user_id, "access_token": installation.access_token},
        application_id=application_id,
    )
    sandbox.commit(ctx)
    return installation


def uninstall(sandbox: PosterSandbox, account: Account, application_id: int) -> bool:
    """Remove an application from an account; its token stops working at once."""
    installation = account.installations.pop(application_id, None)
    if installation is None:
        return False
    ctx = sandbox.context(account, application_id)
    ctx.emit(
        "application",
        application_id,
        "removed",
        {"user_id": installation.user_id},
        application_id=application_id,
    )
    sandbox.commit(ctx)
    return True


def token_response(account: Account, installation: Installation) -> dict[str, Any]:
    """The successful answer of access_token and manage, shaped as the reference's."""
    return {
        "access_token": installation.access_token,
        "account_number": account.account_number,
        "user": {
            "id": installation.user_id,
            "name": "Poster",
            "email": "dev@joinposter.com",
            "role_id": 3,
        },
        "ownerInfo": {
            "email": "dev@joinposter.com",
            "phone": "+380684152664",
            "city": "",
            "country": "UA",
            "name": "Poster",
            "company_name": account.account,
        },
        "tariff": {"key": "pricing-plan-1", "next_pay_date": "2030-01-01 00:00:00", "price": 2},
    }


def _flat_error(code: int, message: str, field: str) -> JSONResponse:
    return JSONResponse({"error": code, "message": message, "field": field})


def oauth_routes(sandbox: PosterSandbox) -> list[BaseRoute]:
    world = sandbox.world

    async def consent(request: Request) -> Response:
        q = request.query_params
        app_id = q.get("application_id") or q.get("client_id") or ""
        redirect_uri = q.get("redirect_uri", "")
        app = world.applications.get(int(app_id)) if app_id.isdigit() else None
        if app is None:
            return _flat_error(143, "Requested application doesn't exist", "application_id")
        if app.redirect_uri and redirect_uri != app.redirect_uri:
            return _flat_error(34, "redirect_uri does not match the application's", "redirect_uri")
        if q.get("response_type", "code") != "code":
            return _flat_error(34, "response_type must be code", "response_type")
        chosen = q.get("account") or account_from_host(request)
        options = "".join(
            f'<option value="{escape(a)}"{" selected" if a == chosen else ""}>{escape(a)}</option>'
            for a in world.accounts
        )
        return HTMLResponse(f"""<!doctype html><html><head><meta charset="utf-8">
<title>Poster sandbox — allow {escape(app.name)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;color:#222}}
button{{font-size:1rem;padding:.5rem 1.5rem}}</style></head><body>
<h1>Allow “{escape(app.name)}”?</h1>
<p>The application will get access to the account's menu, orders and customers.</p>
<form method="post" action="/api/auth">
<input type="hidden" name="application_id" value="{app.application_id}">
<input type="hidden" name="redirect_uri" value="{escape(redirect_uri)}">
<label>Account <select name="account">{options}</select></label>
<p><button type="submit" name="decision" value="allow">Allow</button></p>
</form></body></html>""")

    async def approve(request: Request) -> Response:
        form = await request.form()
        app_id = str(form.get("application_id", ""))
        app = world.applications.get(int(app_id)) if app_id.isdigit() else None
        login = str(form.get("account", ""))
        redirect_uri = str(form.get("redirect_uri", "")) or (app.redirect_uri if app else "")
        if app is None:
            return _flat_error(143, "Requested application doesn't exist", "application_id")
        if login not in world.accounts:
            return _flat_error(32, "Account doesn't exist", "account")
        if app.redirect_uri and redirect_uri != app.redirect_uri:
            return _flat_error(34, "redirect_uri does not match the application's", "redirect_uri")
        code = secrets.token_hex(16)
        world.auth_codes[code] = (login, app.application_id, redirect_uri)
        separator = "&" if "?" in redirect_uri else "?"
        target = f"{redirect_uri}{separator}{urlencode({'code': code, 'account': login})}"
        return RedirectResponse(target, status_code=302)

    async def access_token(request: Request) -> Response:
        form = await _form(request)
        for name in ("application_id", "application_secret", "code"):
            if not form.get(name):
                return _flat_error(34, f"Field {name} is required", name)
        app_id = str(form["application_id"])
        app = world.applications.get(int(app_id)) if app_id.isdigit() else None
        if app is None:
            return _flat_error(143, "Requested code's application doesn't exist", "application_id")
        if not hmac.compare_digest(str(form["application_secret"]), app.application_secret):
            return _flat_error(142, "application_secret is not correct", "application_secret")
        if form.get("grant_type", "authorization_code") != "authorization_code":
            return _flat_error(34, "grant_type must be authorization_code", "grant_type")
        grant = world.auth_codes.get(str(form["code"]))
        if grant is None or grant[1] != app.application_id:
            return _flat_error(32, "Code doesn't exist or has been used", "code")
        login, _, redirect_uri = grant
        if redirect_uri and form.get("redirect_uri", "") != redirect_uri:
            return _flat_error(
                34, "redirect_uri does not match the authorization's", "redirect_uri"
            )
        del world.auth_codes[str(form["code"])]
        account = world.accounts[login]
        sandbox.dirty = True
        return JSONResponse(token_response(account, install(sandbox, account, app.application_id)))

    async def manage(request: Request) -> Response:
        form = await _form(request)
        for name in ("application_id", "application_secret", "code", "verify"):
            if not form.get(name):
                return _flat_error(34, f"Field {name} is required", name)
        app_id = str(form["application_id"])
        app = world.applications.get(int(app_id)) if app_id.isdigit() else None
        if app is None:
            return _flat_error(143, "Requested code's application doesn't exist", "application_id")
        expected = hashlib.md5(
            f"{form['application_id']}:{form['application_secret']}:{form['code']}".encode()
        ).hexdigest()
        secret_ok = hmac.compare_digest(str(form["application_secret"]), app.application_secret)
        if not (secret_ok and hmac.compare_digest(str(form["verify"]), expected)):
            return _flat_error(142, "Verify code is not correct", "verify")
        grant = world.auth_codes.get(str(form["code"]))
        if grant is None or grant[1] != app.application_id:
            return _flat_error(32, "Code doesn't exist or has been used", "code")
        account = world.accounts[grant[0]]
        del world.auth_codes[str(form["code"])]
        sandbox.dirty = True
        return JSONResponse(token_response(account, install(sandbox, account, app.application_id)))

    return [
        Route("/api/auth", consent, methods=["GET"]),
        Route("/api/auth", approve, methods=["POST"]),
        Route("/api/v2/auth/access_token", access_token, methods=["POST"]),
        Route("/api/v2/auth/manage", manage, methods=["POST"]),
    ]


async def _form(request: Request) -> dict[str, str]:
    """The POST fields, form-encoded (as the reference's helper sends) or JSON.

    A body that is not valid JSON reads as empty, so it is answered "field required".
    """
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            data = await request.json()
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}
