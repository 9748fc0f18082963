"""The Webhooks page: where this tenant's order and reservation events are posted.

The same rules as ``/api/v1/webhooks``: the SSRF guard (no loopback or private
addresses unless the deployment allows them), a signing secret shown once (on the
answer to the form), rotation with a day of overlap.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from orderbridge.connectors.storefront.ssrf import UnsafeUrl, check_url
from orderbridge.storage import admin
from orderbridge.web.dashboard.auth import Operator, Posted, Signed
from orderbridge.web.dashboard.render import render
from orderbridge.web.dashboard.setup_pages import Outcome, back, done_note
from orderbridge.web.deps import Context, WebContext
from orderbridge.web.routes.endpoints import ROTATION_OVERLAP
from orderbridge.web.schemas import WebhookEndpointIn, WebhookEvent

router = APIRouter(prefix="/admin", include_in_schema=False)
PAGE = "/admin/webhooks"
MISSING = Outcome(False, "No such webhook endpoint.")


def page(
    request: Request,
    ctx: WebContext,
    who: Operator,
    *,
    outcome: Outcome | None = None,
    status: int = 200,
) -> HTMLResponse:
    with ctx.sessions() as db:
        endpoints = list(admin.endpoints(db, who.tenant_id))
        db.expunge_all()
    return render(
        request,
        "webhooks.html",
        status=status,
        who=who,
        endpoints=endpoints,
        events=[e.value for e in WebhookEvent],
        outcome=outcome,
    )


@router.get("/webhooks", response_class=HTMLResponse)
def webhooks(request: Request, ctx: Context, who: Signed) -> HTMLResponse:
    return page(request, ctx, who, outcome=done_note(request))


@router.post("/webhooks", response_class=HTMLResponse)
async def create(
    request: Request,
    ctx: Context,
    who: Posted,
    url: Annotated[str, Form()] = "",
    events: Annotated[list[str] | None, Form()] = None,
    description: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Subscribe a URL; its signing secret is shown on the answer, once."""
    try:
        body = WebhookEndpointIn.model_validate(
            {"url": url, "events": events or [], "description": description}
        )
        await check_url(body.url, allow_private=ctx.settings.allow_private_urls)
    except ValidationError as error:
        first = error.errors()[0]
        text = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        return page(request, ctx, who, outcome=Outcome(False, text), status=422)
    except UnsafeUrl as unsafe:
        return page(
            request, ctx, who, outcome=Outcome(False, f"{unsafe.code}: {unsafe}"), status=422
        )
    with ctx.sessions() as db, db.begin():
        issued = admin.create_endpoint(
            db,
            ctx.cipher,
            who.tenant_id,
            url=body.url,
            events=list(dict.fromkeys(e.value for e in body.events)),
            description=body.description,
        )
    text = f"Endpoint {issued.id} added. Its signing secret:"
    return page(
        request, ctx, who, outcome=Outcome(True, text, secret=issued.secret, subject=issued.id)
    )


@router.post("/webhooks/{endpoint_id}/rotate", response_class=HTMLResponse)
def rotate(request: Request, endpoint_id: str, ctx: Context, who: Posted) -> HTMLResponse:
    with ctx.sessions() as db, db.begin():
        if endpoint_id not in [e.id for e in admin.endpoints(db, who.tenant_id)]:
            return page(
                request, ctx, who, outcome=Outcome(False, "No such webhook endpoint."), status=404
            )
        secret = admin.rotate_endpoint_secret(
            db, ctx.cipher, endpoint_id, overlap=ROTATION_OVERLAP, now=ctx.clock()
        )
    text = "New signing secret; the old one keeps signing alongside it for 24 hours:"
    return page(request, ctx, who, outcome=Outcome(True, text, secret=secret, subject=endpoint_id))


@router.post("/webhooks/{endpoint_id}/delete", response_model=None)
def delete(request: Request, endpoint_id: str, ctx: Context, who: Posted) -> Response:
    with ctx.sessions() as db, db.begin():
        if not admin.delete_endpoint(db, who.tenant_id, endpoint_id):
            return page(
                request, ctx, who, outcome=Outcome(False, "No such webhook endpoint."), status=404
            )
    return back(PAGE, "deleted")
