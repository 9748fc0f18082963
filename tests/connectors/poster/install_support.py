"""Helpers for the marketplace-install tests: the hub and the Poster sandbox in-process,
a browser's steps through the OAuth flow, and Poster-signed webhooks."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from pydantic import SecretStr
from sqlalchemy import select

from orderbridge.bootstrap import Hub, build_hub
from orderbridge.config import Settings
from orderbridge.connectors.poster.webhooks import signature
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import OAUTH_APP_ID, OAUTH_APP_SECRET, demo_world
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.storage.migrate import upgrade

HUB = "http://hub.test"
POSTER = "http://poster.test"
CALLBACK = f"{HUB}/connect/poster/callback"
SECRET_KEY = "connect-routes-test-key"
ADMIN_KEY = "ob_test_admin_key"
STOREFRONT_KEY = "ob_test_storefront_key"
OTHER_ADMIN_KEY = "ob_test_other_admin_key"
EXAMPLE_CODE = "3e4f2ac6df7fa92660fa251528460575"


def oauth_sandbox() -> PosterSandbox:
    """The seeded sandbox whose application 76 sends the owner back to the test hub."""
    world = demo_world()
    world.applications[OAUTH_APP_ID].redirect_uri = CALLBACK
    return PosterSandbox(world)


def hub_settings(tmp_path: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": f"sqlite:///{tmp_path / 'hub.db'}",
        "base_url": HUB,
        "secret_key": SecretStr(SECRET_KEY),
        "poster_application_id": OAUTH_APP_ID,
        "poster_application_secret": SecretStr(OAUTH_APP_SECRET),
        "poster_base_url": POSTER,
    }
    return Settings(**(values | overrides))


def make_hub(tmp_path: Path, poster: httpx.AsyncBaseTransport, **overrides: Any) -> Hub:
    settings = hub_settings(tmp_path, **overrides)
    upgrade(settings.database_url)
    hub = build_hub(settings, pos_transport=poster)
    with hub.sessions() as session, session.begin():
        for tenant, key in (("ten_a", ADMIN_KEY), ("ten_b", OTHER_ADMIN_KEY)):
            if session.get(t.Tenant, tenant) is None:
                admin.create_tenant(session, tenant, tenant_id=tenant)
                admin.issue_api_key(session, tenant, scope="admin", key=key)
        if not admin.connections(session, "ten_a"):
            admin.issue_api_key(session, "ten_a", key=STOREFRONT_KEY)
    return hub


async def consent(poster: httpx.AsyncBaseTransport, authorize_url: str, account: str) -> str:
    """The owner presses "Allow" on the sandbox's consent page; returns the redirect."""
    query = parse_qs(urlsplit(authorize_url).query)
    form = {
        "application_id": query["application_id"][0],
        "redirect_uri": query["redirect_uri"][0],
        "account": account,
    }
    async with httpx.AsyncClient(transport=poster, base_url=POSTER) as browser:
        allowed = await browser.post("/api/auth", data=form)
    assert allowed.status_code == 302, allowed.text
    return allowed.headers["location"]


async def install_link(client: httpx.AsyncClient, admin_key: str = ADMIN_KEY) -> str:
    """An install link for the key's tenant, as an admin makes it with the API."""
    made = await client.post(
        "/api/v1/admin/connections/poster/install-links",
        headers={"authorization": f"Bearer {admin_key}"},
    )
    assert made.status_code == 201, made.text
    url: str = made.json()["url"]
    return url


async def install(
    client: httpx.AsyncClient, poster: httpx.AsyncBaseTransport, account: str
) -> httpx.Response:
    started = await client.get(await install_link(client))
    assert started.status_code == 302, started.text
    back = await consent(poster, started.headers["location"], account)
    assert back.startswith(CALLBACK)
    return await client.get(back)


def poster_connections(hub: Hub) -> list[t.Connection]:
    with hub.sessions() as session:
        rows = session.scalars(select(t.Connection).where(t.Connection.kind == "poster")).all()
        session.expunge_all()
    return list(rows)


async def issue_code(poster: httpx.AsyncBaseTransport, account: str) -> str:
    """A code as the consent page would issue it (the sandbox's control API)."""
    async with httpx.AsyncClient(transport=poster, base_url=POSTER) as control:
        issued = await control.post(
            "/_sandbox/auth-codes",
            json={"application_id": OAUTH_APP_ID, "account": account, "redirect_uri": CALLBACK},
        )
    code: str = issued.json()["code"]
    return code


def signed(
    account: str, number: str, obj: str, action: str, data: str | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "account": account,
        "account_number": number,
        "object": obj,
        "object_id": 7,
        "action": action,
        "time": str(int(time.time())),
    }
    if data is not None:
        body["data"] = data
    body["verify"] = signature(body, OAUTH_APP_SECRET)
    return body
