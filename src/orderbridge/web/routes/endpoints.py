"""Storefront webhook endpoints: register a URL, choose events, rotate the secret.

An admin key's business: the signing secret must stay on the website's server.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Response

from orderbridge.connectors.storefront.ssrf import UnsafeUrl, check_url
from orderbridge.storage import admin
from orderbridge.storage.tables import WebhookEndpoint
from orderbridge.web.deps import AdminCaller, Context
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.storefront import ERRORS
from orderbridge.web.schemas import (
    WebhookEndpointCreatedOut,
    WebhookEndpointIn,
    WebhookEndpointOut,
)

ROTATION_OVERLAP = timedelta(hours=24)

router = APIRouter(prefix="/api/v1/webhooks", tags=["webhooks"], responses=ERRORS)


def _out(row: WebhookEndpoint) -> WebhookEndpointOut:
    return WebhookEndpointOut.model_validate(
        {
            "id": row.id,
            "url": row.url,
            "events": row.events["events"],
            "description": row.description,
            "created_at": row.created_at,
        }
    )


@router.post("", status_code=201, response_model=WebhookEndpointCreatedOut)
async def create_endpoint(
    body: WebhookEndpointIn, ctx: Context, who: AdminCaller
) -> WebhookEndpointCreatedOut:
    """Subscribe a URL; the answer carries the signing secret, shown only this once.

    Loopback, private and link-local addresses are refused (SSRF) unless the
    deployment allows them for local development.
    """
    try:
        await check_url(body.url, allow_private=ctx.settings.allow_private_urls)
    except UnsafeUrl as unsafe:
        raise ApiError(422, unsafe.code, str(unsafe), "url") from None
    events = list(dict.fromkeys(e.value for e in body.events))
    with ctx.sessions() as session, session.begin():
        issued = admin.create_endpoint(
            session,
            ctx.cipher,
            who.tenant_id,
            url=body.url,
            events=events,
            description=body.description,
        )
        row = next(e for e in admin.endpoints(session, who.tenant_id) if e.id == issued.id)
        out = _out(row)
    return WebhookEndpointCreatedOut(**out.model_dump(), secret=issued.secret)


@router.get("", response_model=list[WebhookEndpointOut])
def list_endpoints(ctx: Context, who: AdminCaller) -> list[WebhookEndpointOut]:
    with ctx.sessions() as session:
        return [_out(row) for row in admin.endpoints(session, who.tenant_id)]


@router.post("/{endpoint_id}/rotate-secret", response_model=WebhookEndpointCreatedOut)
def rotate_secret(endpoint_id: str, ctx: Context, who: AdminCaller) -> WebhookEndpointCreatedOut:
    """A new secret; the old one keeps signing (alongside) for 24 hours."""
    with ctx.sessions() as session, session.begin():
        rows = [e for e in admin.endpoints(session, who.tenant_id) if e.id == endpoint_id]
        if not rows:
            raise ApiError(404, "unknown_endpoint", "no such webhook endpoint", "id")
        secret = admin.rotate_endpoint_secret(
            session, ctx.cipher, endpoint_id, overlap=ROTATION_OVERLAP, now=ctx.clock()
        )
        out = _out(rows[0])
    return WebhookEndpointCreatedOut(**out.model_dump(), secret=secret)


@router.delete("/{endpoint_id}", status_code=204)
def delete_endpoint(endpoint_id: str, ctx: Context, who: AdminCaller) -> Response:
    with ctx.sessions() as session, session.begin():
        if not admin.delete_endpoint(session, who.tenant_id, endpoint_id):
            raise ApiError(404, "unknown_endpoint", "no such webhook endpoint", "id")
    return Response(status_code=204)
