"""A hub whose Poster and Wix are the sandboxes, in-process: what the connection tests
connect to. The tenant starts empty (no locations, no connections), as a new user's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from fastapi.testclient import TestClient
from pydantic import SecretStr
from sqlalchemy import func, select

from orderbridge.bootstrap import Hub, build_hub
from orderbridge.config import Settings
from orderbridge.messaging.tables import OutboxJob
from orderbridge.sandboxes.poster.app import create_app as poster_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import DEMO_TOKEN, demo_world
from orderbridge.sandboxes.wix.app import create_app as wix_app
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import ACCESS_TOKEN
from orderbridge.storage import admin
from orderbridge.storage.db import Base
from tests.integration.support.api import bearer
from tests.sandboxes.wix.support import NOW, fresh_world

HUB = "http://hub.test"
POSTER = "http://poster.test"
WIX = "http://wix.test"
TENANT = "ten_new"
OTHER = "ten_other"
CONNECTIONS = "/api/v1/admin/connections"
REFUSED_TOKEN = "687409:ffffffffffffffffffffffffffffffff"


@dataclass
class Setup:
    """The hub, its sandboxes and the API as the new tenant's operator and website."""

    hub: Hub
    poster: PosterSandbox
    wix: WixSandbox
    admin: TestClient
    storefront: TestClient
    other_admin: TestClient
    admin_key: str
    storefront_key: str

    def close(self) -> None:
        self.hub.engine.dispose()

    def poster_body(self, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "poster",
            "credentials": {"token": DEMO_TOKEN},
            "settings": {"base_url": POSTER},
        }
        return body | changes

    def wix_body(self, location_id: str, **changes: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "kind": "wix",
            "credentials": {
                "access_token": ACCESS_TOKEN,
                "public_key_pem": self.wix.public_key_pem,
            },
            "settings": {"base_url": WIX},
            "location_id": location_id,
        }
        return body | changes

    def revoke(self, token: str = DEMO_TOKEN) -> None:
        """Poster stops taking ``token`` (what the sandbox's control API does)."""
        self.poster.world.revoked_tokens.append(token)

    def restore(self, token: str = DEMO_TOKEN) -> None:
        self.poster.world.revoked_tokens.remove(token)

    def count(self, model: type[Base], *where: Any) -> int:
        with self.hub.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)

    def jobs(self, kind: str) -> int:
        return self.count(OutboxJob, OutboxJob.kind == kind)


def build_setup(db_url: str) -> Setup:
    poster = PosterSandbox(demo_world())
    wix = WixSandbox(fresh_world(), clock=lambda: NOW)
    settings = Settings(
        database_url=db_url,
        secret_key=SecretStr("setup-tests"),
        base_url=HUB,
        allow_private_urls=True,
    )
    hub = build_hub(
        settings,
        pos_transport=httpx.ASGITransport(app=poster_app(poster)),
        channel_transport=httpx.ASGITransport(app=wix_app(wix)),
    )
    with hub.sessions() as session, session.begin():
        admin.create_tenant(session, "New café", tenant_id=TENANT)
        admin_key = admin.issue_api_key(session, TENANT, scope="admin").key
        storefront_key = admin.issue_api_key(session, TENANT).key
        admin.create_tenant(session, "Other", tenant_id=OTHER)
        other_key = admin.issue_api_key(session, OTHER, scope="admin").key
    app = hub.app()
    return Setup(
        hub=hub,
        poster=poster,
        wix=wix,
        admin=TestClient(app, headers=bearer(admin_key)),
        storefront=TestClient(app, headers=bearer(storefront_key)),
        other_admin=TestClient(app, headers=bearer(other_key)),
        admin_key=admin_key,
        storefront_key=storefront_key,
    )
