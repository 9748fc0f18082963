"""The café's world with a Wix connection on the Wix sandbox (in-process), its menu
published there: for the tests of what goes between the hub and Wix, on both
databases."""

from __future__ import annotations

import asyncio

import httpx

from orderbridge.connectors.wix.connector import WixConnector
from orderbridge.connectors.wix.settings import WixSettings
from orderbridge.sandboxes.wix.app import create_app
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import ACCESS_TOKEN, LOCATION_ID, OPERATION_ID
from orderbridge.storage import admin
from orderbridge.storage.channel_refs import SqlChannelRefs
from tests.integration.support.world import LOCATION, TENANT, World, build_world
from tests.unit.domain import cafe

WIX = "con_wix"


def build_wix_world(db_url: str, sandbox: WixSandbox) -> World:
    """The café with a Wix connection whose menu was published to ``sandbox``."""
    built = build_world(db_url)
    built.hub.channel_transport = httpx.ASGITransport(app=create_app(sandbox))
    credentials = {"access_token": ACCESS_TOKEN, "public_key_pem": sandbox.public_key_pem}
    settings = {"base_url": "http://wix.test", "operation_id": OPERATION_ID}
    with built.hub.sessions() as session, session.begin():
        admin.create_connection(
            session,
            built.hub.cipher,
            TENANT,
            kind="wix",
            role="channel",
            name="Wix",
            credentials=credentials,
            settings=settings,
            connection_id=WIX,
        )
        admin.link_location(session, LOCATION, WIX, LOCATION_ID)
    connector = WixConnector.from_settings(
        WixSettings.model_validate({**settings, **credentials}),
        SqlChannelRefs(built.hub.sessions, WIX),
        transport=built.hub.channel_transport,
    )
    asyncio.run(_publish(connector))
    return built


async def _publish(connector: WixConnector) -> None:
    await connector.publish(cafe.cafe_menu())
    await connector.aclose()


def run_jobs(world: World) -> None:
    """Run the outbox until nothing is due."""
    asyncio.run(world.hub.worker().run_until_idle())
