"""The sandbox's control API for tests and demos, under ``/_sandbox/``.

Not part of Poster: these are the knobs a test turns (faults, revoked tokens, direct
installs) and the windows it looks through (the webhook delivery log). Register
actions (accept, decline, close a check) live in ``register.py``.
"""

from __future__ import annotations

import json
import secrets
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.poster.faults import FaultConfig
from orderbridge.sandboxes.poster.oauth import install, uninstall
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.state import Account, Application
from orderbridge.sandboxes.poster.webhooks import WebhookDispatcher


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def _json(request: Request) -> dict[str, Any] | None:
    body = await request.body()
    if not body:
        return {}
    try:
        data = json.loads(body)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def _account(sandbox: PosterSandbox, request: Request) -> Account | None:
    login = request.query_params.get("account")
    if login is None:
        return next(iter(sandbox.world.accounts.values()), None)
    return sandbox.world.accounts.get(login)


def control_routes(sandbox: PosterSandbox, dispatcher: WebhookDispatcher) -> list[BaseRoute]:
    world = sandbox.world

    async def faults(request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            if body is None:
                return _error(400, "invalid_json", "body must be a JSON object")
            merged = sandbox.faults.config.model_dump() | body
            if request.query_params.get("replace") == "1":
                merged = body
            try:
                config = FaultConfig.model_validate(merged)
            except ValidationError as exc:
                return _error(422, "invalid_faults", exc.errors(include_url=False)[0]["msg"])
            unknown = set(body) - set(FaultConfig.model_fields)
            if unknown:
                return _error(422, "unknown_fault", f"unknown knobs: {sorted(unknown)}")
            sandbox.faults.configure(config)
        return JSONResponse(sandbox.faults.config.model_dump())

    async def webhooks(request: Request) -> Response:
        if request.method == "DELETE":
            dispatcher.log.clear()
            return JSONResponse({"deleted": True})
        limit = request.query_params.get("limit", "1000")
        if not limit.isdigit():
            return _error(400, "invalid_limit", "limit must be a whole number")
        entries = dispatcher.entries(obj=request.query_params.get("object"), limit=int(limit))
        return JSONResponse({"deliveries": entries})

    async def applications(request: Request) -> Response:
        if request.method == "POST":
            body = await _json(request)
            if body is None:
                return _error(400, "invalid_json", "body must be a JSON object")
            body.setdefault("application_secret", secrets.token_hex(16))
            if "application_id" not in body:
                body["application_id"] = max(world.applications, default=0) + 1
            try:
                app = Application.model_validate(body)
            except ValidationError as exc:
                return _error(422, "invalid_application", exc.errors(include_url=False)[0]["msg"])
            world.applications[app.application_id] = app
            sandbox.dirty = True
            return JSONResponse(app.model_dump(), status_code=201)
        return JSONResponse({"applications": [a.model_dump() for a in world.applications.values()]})

    async def install_app(request: Request) -> Response:
        app_id = int(request.path_params["app_id"])
        account = _account(sandbox, request)
        if app_id not in world.applications:
            return _error(404, "unknown_application", f"application {app_id} does not exist")
        if account is None:
            return _error(404, "unknown_account", "no such account")
        installation = install(sandbox, account, app_id)
        return JSONResponse(
            {
                "account": account.account,
                "account_number": account.account_number,
                "access_token": installation.access_token,
            }
        )

    async def uninstall_app(request: Request) -> Response:
        app_id = int(request.path_params["app_id"])
        account = _account(sandbox, request)
        if account is None:
            return _error(404, "unknown_account", "no such account")
        if not uninstall(sandbox, account, app_id):
            return _error(404, "not_installed", f"application {app_id} is not installed")
        return JSONResponse({"removed": True})

    async def revoke_token(request: Request) -> Response:
        body = await _json(request)
        token = (body or {}).get("token")
        if not isinstance(token, str) or not token:
            return _error(400, "missing_token", 'body must be {"token": "…"}')
        if token not in world.revoked_tokens:
            world.revoked_tokens.append(token)
        sandbox.dirty = True
        return JSONResponse({"revoked": token})

    async def restore_token(request: Request) -> Response:
        body = await _json(request)
        token = (body or {}).get("token")
        if token in world.revoked_tokens:
            world.revoked_tokens.remove(token)
        return JSONResponse({"restored": token})

    async def auth_code(request: Request) -> Response:
        """Issue an authorisation code directly (what the consent page or the manage
        iframe would hand out), for tests that exercise the token exchange."""
        body = await _json(request)
        if body is None:
            return _error(400, "invalid_json", "body must be a JSON object")
        app_id = body.get("application_id")
        login = body.get("account")
        if app_id not in world.applications:
            return _error(404, "unknown_application", f"application {app_id} does not exist")
        if login not in world.accounts:
            return _error(404, "unknown_account", f"account {login} does not exist")
        code = secrets.token_hex(16)
        redirect = str(body.get("redirect_uri") or world.applications[app_id].redirect_uri)
        world.auth_codes[code] = (login, app_id, redirect)
        return JSONResponse({"code": code, "account": login})

    async def accounts(request: Request) -> Response:
        return JSONResponse(
            {
                "accounts": [
                    {
                        "account": a.account,
                        "account_number": a.account_number,
                        "spots": sorted(a.spots),
                        "installed_applications": sorted(a.installations),
                    }
                    for a in world.accounts.values()
                ]
            }
        )

    async def save(request: Request) -> Response:
        if sandbox.state_file is None:
            return _error(409, "no_state_file", "the sandbox was started without --state")
        sandbox.save()
        return JSONResponse({"saved": str(sandbox.state_file)})

    return [
        Route("/_sandbox/faults", faults, methods=["GET", "POST"]),
        Route("/_sandbox/webhooks", webhooks, methods=["GET", "DELETE"]),
        Route("/_sandbox/applications", applications, methods=["GET", "POST"]),
        Route("/_sandbox/applications/{app_id:int}/install", install_app, methods=["POST"]),
        Route("/_sandbox/applications/{app_id:int}/uninstall", uninstall_app, methods=["POST"]),
        Route("/_sandbox/tokens/revoke", revoke_token, methods=["POST"]),
        Route("/_sandbox/tokens/restore", restore_token, methods=["POST"]),
        Route("/_sandbox/auth-codes", auth_code, methods=["POST"]),
        Route("/_sandbox/accounts", accounts, methods=["GET"]),
        Route("/_sandbox/state/save", save, methods=["POST"]),
    ]
