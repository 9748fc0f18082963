"""``POST /api/v1/admin/connections/poster/install-links``: a signed, expiring link
that starts the Poster install for the key's tenant (``connectors/poster/
install_link.py``), so that no admin key ever travels in a URL.

The dashboard's Connections page makes the same link through :func:`issue_link`.
"""

from __future__ import annotations

from fastapi import APIRouter

from orderbridge.connectors.poster.install_link import InstallLink, create_install_link
from orderbridge.web.deps import AdminCaller, Context, WebContext
from orderbridge.web.errors import ApiError
from orderbridge.web.routes.connect import poster_application
from orderbridge.web.routes.storefront import ERRORS
from orderbridge.web.schemas.admin_setup import InstallLinkOut

PATH = "/api/v1/admin/connections/poster/install-links"
router = APIRouter(tags=["connect"], responses=ERRORS)


def issue_link(ctx: WebContext, tenant_id: str) -> InstallLink:
    """A fresh install link for ``tenant_id``; 404 ``marketplace_disabled`` when the
    deployment has no Poster application (the link could not work)."""
    if poster_application(ctx) is None:
        raise ApiError(404, "marketplace_disabled", "no Poster application is configured")
    return create_install_link(
        tenant_id,
        base_url=ctx.settings.base_url,
        secret_key=ctx.settings.secret_key.get_secret_value(),
        now=ctx.clock(),
    )


@router.post(PATH, status_code=201, response_model=InstallLinkOut)
def create_link(ctx: Context, who: AdminCaller) -> InstallLinkOut:
    """A link for the restaurant's owner: opening it sends them to Poster's consent
    page for the key's tenant. It expires after 30 minutes and is no API key."""
    link = issue_link(ctx, who.tenant_id)
    return InstallLinkOut(url=link.url, expires_at=link.expires_at)
