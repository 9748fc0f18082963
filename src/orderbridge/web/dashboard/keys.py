"""The Keys page: the tenant's API keys, a new one (shown once), revocation.

An ``admin`` key signs in here and does everything of the tenant; a ``storefront``
key is what a website ships to browsers. A new key is shown on the answer to its form,
never in a URL, and stored only as its hash.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from orderbridge.services.errors import ServiceError
from orderbridge.storage import admin
from orderbridge.web.dashboard.auth import Operator, Posted, Signed
from orderbridge.web.dashboard.render import render
from orderbridge.web.dashboard.setup_pages import Outcome, back, done_note
from orderbridge.web.deps import Context, WebContext

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE = "/admin/keys"


def page(
    request: Request,
    ctx: WebContext,
    who: Operator,
    *,
    outcome: Outcome | None = None,
    status: int = 200,
) -> HTMLResponse:
    with ctx.sessions() as db:
        keys = list(admin.api_keys(db, who.tenant_id))
        db.expunge_all()
    return render(request, "keys.html", status=status, who=who, keys=keys, outcome=outcome)


@router.get("/keys", response_class=HTMLResponse)
def keys(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    return page(request, ctx, who, outcome=done_note(request))


@router.post("/keys", response_class=HTMLResponse)
def create(
    request: Request,
    ctx: Context,
    who: Posted,
    scope: Annotated[str, Form()] = "storefront",
    name: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Issue a key and show it, this once."""
    try:
        with ctx.sessions() as db, db.begin():
            issued = admin.issue_api_key(db, who.tenant_id, name=name.strip() or scope, scope=scope)
    except ServiceError as error:
        return page(
            request,
            ctx,
            who,
            outcome=Outcome(False, f"{error.code}: {error.message}"),
            status=error.status,
        )
    text = f"New {scope} key {issued.id}."
    return page(request, ctx, who, outcome=Outcome(True, text, secret=issued.key))


@router.post("/keys/{key_id}/revoke", response_model=None)
def revoke(request: Request, key_id: str, ctx: Context, who: Posted) -> Response:
    try:
        with ctx.sessions() as db, db.begin():
            admin.revoke_api_key(db, key_id, tenant_id=who.tenant_id)
    except ServiceError as error:
        return page(
            request,
            ctx,
            who,
            outcome=Outcome(False, f"{error.code}: {error.message}"),
            status=error.status,
        )
    if key_id == who.key_id:
        return back("/admin/login", "revoked")
    return back(PAGE, "revoked")
