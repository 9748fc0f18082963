"""``/api/v1/admin/keys``: a tenant's API keys, issued and revoked with an admin key."""

from __future__ import annotations

from fastapi import APIRouter, Response

from orderbridge.services.errors import ServiceError
from orderbridge.storage import admin
from orderbridge.storage.tables import ApiKey
from orderbridge.web.deps import AdminCaller, Context
from orderbridge.web.routes.storefront import ERRORS, api_error
from orderbridge.web.schemas.admin_keys import ApiKeyCreatedOut, ApiKeyIn, ApiKeyOut, ApiKeysOut

router = APIRouter(prefix="/api/v1/admin/keys", tags=["admin"], responses=ERRORS)


def key_out(row: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=row.id,
        name=row.name,
        scope=row.scope,
        hint=row.hint,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


@router.post("", status_code=201, response_model=ApiKeyCreatedOut)
def create_key(body: ApiKeyIn, ctx: Context, who: AdminCaller) -> ApiKeyCreatedOut:
    """Issue a key; the answer carries it once (only its hash is stored)."""
    try:
        with ctx.sessions() as session, session.begin():
            issued = admin.issue_api_key(
                session, who.tenant_id, name=body.name, scope=body.scope, inherit=body.inherit
            )
            row = session.get(ApiKey, issued.id)
            assert row is not None
            out = key_out(row)
    except ServiceError as error:
        raise api_error(error) from None
    return ApiKeyCreatedOut(**out.model_dump(), key=issued.key)


@router.get("", response_model=ApiKeysOut)
def list_keys(ctx: Context, who: AdminCaller) -> ApiKeysOut:
    """Every key of the tenant, revoked ones with the time they were revoked."""
    with ctx.sessions() as session:
        return ApiKeysOut(keys=[key_out(row) for row in admin.api_keys(session, who.tenant_id)])


@router.delete("/{key_id}", status_code=204)
def revoke_key(key_id: str, ctx: Context, who: AdminCaller) -> Response:
    """Revoke a key: refused at once by this process, by others within 5 seconds.

    A key may revoke itself (a leaked one, say); ``orderbridge keys create`` on the
    server always issues a new admin key."""
    try:
        with ctx.sessions() as session, session.begin():
            admin.revoke_api_key(session, key_id, tenant_id=who.tenant_id)
    except ServiceError as error:
        raise api_error(error) from None
    return Response(status_code=204)
