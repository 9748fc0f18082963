"""``orderbridge demo``: the whole hub on one machine, over loopback, with SQLite.

It starts a POS sandbox with its café seeded — Poster (``--pos poster``, the default)
or Countertop, the REST POS connected through its manifest (``--pos rest``) — the Wix
sandbox, the hub's API with a worker and the schedules; seeds a tenant whose two
locations are the POS's two places, imports their menus, and prints where everything
is. The demo shop page (``/shop``) orders through the storefront API with the demo
key; the POS's register page accepts, declines and closes those orders, edits the
menu, switches online ordering off, and the shop, the dashboard and Wix follow.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import uvicorn
from pydantic import SecretStr
from sqlalchemy import delete, select

from orderbridge.bootstrap import Hub, build_hub
from orderbridge.config import Settings
from orderbridge.demo_showcase import run_showcase
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.sandboxes.poster.faults import Faults
from orderbridge.sandboxes.poster.launch import build_sandbox
from orderbridge.sandboxes.poster.seed import (
    DEMO_ACCOUNT,
    DEMO_TOKEN,
    OAUTH_APP_ID,
    OAUTH_APP_SECRET,
)
from orderbridge.sandboxes.rest_pos import seed as rest_seed
from orderbridge.sandboxes.rest_pos.launch import build_sandbox as build_rest_sandbox
from orderbridge.sandboxes.wix import seed as wix_seed
from orderbridge.sandboxes.wix.launch import build_sandbox as build_wix_sandbox
from orderbridge.services.menus import IMPORT_MENU, PUBLISH_MENU
from orderbridge.storage import admin
from orderbridge.storage import tables as t
from orderbridge.storage.migrate import upgrade

DEMO_API_KEY = "ob_demo_brioche_storefront_key"
DEMO_ADMIN_KEY = "ob_demo_brioche_admin_key"
DEMO_TENANT = "ten_brioche"
DEMO_LOCATIONS = (("loc_podil", "Бріош на Подолі", "1"), ("loc_pechersk", "Brioche Pechersk", "2"))
DEMO_CONNECTION = "con_poster_demo"
REST_CONNECTION = "con_countertop_demo"
REST_STORES = {"loc_podil": "st_podil", "loc_pechersk": "st_pechersk"}
WIX_CONNECTION = "con_wix_demo"
POS_CHOICES = ("poster", "rest")
# The environment still sets the sweep's interval (tests make it short).
RECONCILE_ENV = "ORDERBRIDGE_RECONCILE_INTERVAL_SECONDS"


@dataclass(frozen=True)
class DemoPorts:
    hub: int = 8000
    poster: int = 8010
    wix: int = 8020
    rest: int = 8030


def seed(hub: Hub, *, poster_url: str, api_key: str) -> bool:
    """Create the demo tenant once (False when the database already has it)."""
    with hub.sessions() as session, session.begin():
        if session.get(t.Tenant, DEMO_TENANT) is not None:
            return False
        admin.create_tenant(session, "Бріош (demo)", tenant_id=DEMO_TENANT)
        admin.issue_api_key(session, DEMO_TENANT, name="demo shop", key=api_key)
        admin.issue_api_key(
            session, DEMO_TENANT, name="demo admin", scope="admin", key=DEMO_ADMIN_KEY
        )
        admin.create_connection(
            session,
            hub.cipher,
            DEMO_TENANT,
            kind="poster",
            role="pos",
            name="Poster (sandbox)",
            credentials={"token": DEMO_TOKEN, "application_secret": OAUTH_APP_SECRET},
            settings={
                "account": DEMO_ACCOUNT,
                "base_url": poster_url,
                "application_id": OAUTH_APP_ID,
                "reconcile_interval_seconds": 10,
            },
            external_account=DEMO_ACCOUNT,
            connection_id=DEMO_CONNECTION,
        )
        for location_id, name, spot in DEMO_LOCATIONS:
            admin.create_location(
                session,
                DEMO_TENANT,
                name=name,
                timezone="Europe/Kyiv",
                currency="UAH",
                location_id=location_id,
            )
            admin.link_location(session, location_id, DEMO_CONNECTION, spot)
    return True


def seed_rest(hub: Hub, *, pos_url: str) -> None:
    """Serve the demo's locations from Countertop, the REST POS: a ``rest_pos``
    connection with the shipped manifest (once), each location linked to its store."""
    with hub.sessions() as session, session.begin():
        if session.get(t.Connection, REST_CONNECTION) is None:
            admin.create_connection(
                session,
                hub.cipher,
                DEMO_TENANT,
                kind="rest_pos",
                role="pos",
                name="Countertop POS (sandbox)",
                credentials={
                    "api_key": rest_seed.DEMO_API_KEY,
                    "webhook_secret": rest_seed.DEMO_WEBHOOK_SECRET,
                },
                settings={"manifest": "sandbox", "base_url": pos_url},
                connection_id=REST_CONNECTION,
            )
    use_pos(hub, REST_CONNECTION, REST_STORES)


def use_pos(hub: Hub, connection_id: str, places: dict[str, str]) -> None:
    """Link each demo location to its place at ``connection_id``, unlinking the other
    POS (a location has one), and park the POS connection that is not running."""
    others = {DEMO_CONNECTION, REST_CONNECTION} - {connection_id}
    with hub.sessions() as session, session.begin():
        session.execute(delete(t.LocationLink).where(t.LocationLink.connection_id.in_(others)))
        for location_id, place in places.items():
            admin.link_location(session, location_id, connection_id, place)
        for other in others:
            row = session.get(t.Connection, other)
            if row is not None:
                row.status, row.status_reason = "disabled", "not the demo's POS in this run"
        chosen = session.get(t.Connection, connection_id)
        if chosen is not None and chosen.status == "disabled":
            chosen.status, chosen.status_reason = "active", ""


def seed_wix(hub: Hub, *, wix_url: str, public_key_pem: str) -> None:
    """The Wix sandbox's site as a channel of the Podil location (its key refreshed)."""
    credentials = {"access_token": wix_seed.ACCESS_TOKEN, "public_key_pem": public_key_pem}
    with hub.sessions() as session, session.begin():
        if session.get(t.Connection, WIX_CONNECTION) is not None:
            admin.update_connection_credentials(session, hub.cipher, WIX_CONNECTION, credentials)
            return
        admin.create_connection(
            session,
            hub.cipher,
            DEMO_TENANT,
            kind="wix",
            role="channel",
            name="Wix Restaurants (sandbox)",
            credentials=credentials,
            settings={
                "base_url": wix_url,
                "business_location_id": wix_seed.LOCATION_ID,
                "operation_id": wix_seed.OPERATION_ID,
                "import_pos_orders": True,
            },
            external_account=wix_seed.INSTANCE_ID,
            connection_id=WIX_CONNECTION,
        )
        admin.link_location(session, DEMO_LOCATIONS[0][0], WIX_CONNECTION, wix_seed.LOCATION_ID)


def queue_menu_imports(hub: Hub) -> None:
    with hub.sessions() as session:
        ids = session.scalars(select(t.LocationLink.location_id)).all()
    for location_id in ids:
        hub.enqueue_once(IMPORT_MENU, {"location_id": location_id}, key=f"menu:{location_id}")
    # A menu unchanged since the last run publishes nothing new; this catches up a Wix
    # sandbox that started without its state (the publisher diffs, so it is cheap).
    payload = {"location_id": DEMO_LOCATIONS[0][0], "connection_id": WIX_CONNECTION}
    hub.enqueue_once(PUBLISH_MENU, payload, key=f"publish:{WIX_CONNECTION}:{DEMO_LOCATIONS[0][0]}")


async def serve_all(servers: Sequence[uvicorn.Server], hub: Hub, *, showcase: bool = False) -> None:
    """Run the servers and the hub's worker until Ctrl-C (or SIGTERM).

    uvicorn catches the signal in whichever server installed its handlers last; once
    that server ends, the others are told to end too. ``showcase`` sets up snoozes,
    busy mode, a pre-order and a pause that ends by itself (``demo_showcase``).
    """
    tasks = [asyncio.create_task(server.serve()) for server in servers]
    async with hub.running_workers():
        queue_menu_imports(hub)
        if showcase:
            tasks.append(asyncio.create_task(_showcase(hub)))
        await asyncio.wait(tasks[: len(servers)], return_when=asyncio.FIRST_COMPLETED)
        for server in servers:
            server.should_exit = True
        await asyncio.gather(*tasks, return_exceptions=True)
    await hub.aclose()


async def _showcase(hub: Hub) -> None:
    for line in await run_showcase(hub, tenant_id=DEMO_TENANT):
        print(f"  showcase: {line}", flush=True)


def run_demo(
    *,
    ports: DemoPorts,
    db: Path,
    api_key: str,
    pos: str = "poster",
    showcase: bool = False,
    database_url: str | None = None,
) -> None:
    """Set everything up and serve until interrupted (``pos``: "poster" or "rest").
    ``database_url`` (PostgreSQL, say) replaces the SQLite file ``db``, whose name still
    places the Wix sandbox's state."""
    if pos not in POS_CHOICES:
        raise ValueError(f"--pos must be one of {', '.join(POS_CHOICES)}")
    poster_url = f"http://127.0.0.1:{ports.poster}"
    rest_url = f"http://127.0.0.1:{ports.rest}"
    hub_url = f"http://127.0.0.1:{ports.hub}"
    settings = Settings(
        database_url=database_url or f"sqlite:///{db}",
        base_url=hub_url,
        allow_private_urls=True,
        reconcile_interval_seconds=float(os.environ.get(RECONCILE_ENV, "10")),
        secret_key=SecretStr("orderbridge-demo-secret-key"),
        # Marketplace mode: the sandbox's application 76 installs through /connect/poster.
        poster_application_id=OAUTH_APP_ID,
        poster_application_secret=SecretStr(OAUTH_APP_SECRET),
        poster_base_url=poster_url,
        poster_redirect_uri=f"{hub_url}/connect/poster/callback",
    )
    upgrade(settings.database_url)
    hub = build_hub(settings, retry_policy=RetryPolicy(base_seconds=1, cap_seconds=30))
    seed(hub, poster_url=poster_url, api_key=api_key)
    if pos == "rest":
        seed_rest(hub, pos_url=rest_url)
        pos_app, _ = build_rest_sandbox(
            port=ports.rest,
            state=db.with_name(f"{db.stem}-countertop.json"),
            webhook_url=f"{hub_url}/webhooks/pos/{REST_CONNECTION}",
            webhook_secret=rest_seed.DEMO_WEBHOOK_SECRET,
            webhook_retry_scale=0.1,
        )
        pos_port, lines = ports.rest, rest_lines(rest_url)
    else:
        use_pos(hub, DEMO_CONNECTION, {loc: spot for loc, _, spot in DEMO_LOCATIONS})
        pos_app, _ = build_sandbox(
            port=ports.poster,
            webhook_url=f"{hub_url}/webhooks/poster",
            app_secret=OAUTH_APP_SECRET,
            app_redirect_uri=settings.poster_redirect_uri,
            faults=Faults(),
            webhook_retry_scale=0.1,
        )
        pos_port, lines = ports.poster, poster_lines(hub_url, poster_url)
    wix_url = f"http://127.0.0.1:{ports.wix}"
    wix_app, _ = build_wix_sandbox(
        port=ports.wix,
        state=db.with_name(f"{db.stem}-wix.json"),
        webhook_url=f"{hub_url}/webhooks/wix/{WIX_CONNECTION}",
        resend_scale=0.01,
    )
    seed_wix(hub, wix_url=wix_url, public_key_pem=wix_app.state.sandbox.public_key_pem)
    servers = [
        uvicorn.Server(
            uvicorn.Config(
                hub.app(demo_api_key=api_key), host="127.0.0.1", port=ports.hub, log_level="warning"
            )
        ),
        uvicorn.Server(
            uvicorn.Config(pos_app, host="127.0.0.1", port=pos_port, log_level="warning")
        ),
        uvicorn.Server(
            uvicorn.Config(wix_app, host="127.0.0.1", port=ports.wix, log_level="warning")
        ),
    ]
    print(banner(hub_url, lines, api_key, db))
    print(f"  Wix sandbox:      {wix_url}/checkout  (orders → Podil; control: {wix_url}/_sandbox/)")
    if not showcase:
        print("  showcase:         run with --showcase to see snoozes, busy mode, a pre-order")
        print("                    and a pause that ends by itself, all on their own")
    asyncio.run(serve_all(servers, hub, showcase=showcase))


def poster_lines(hub_url: str, poster_url: str) -> list[str]:
    return [
        f"  Poster register:  {poster_url}/register  (accept / decline / close checks)",
        f"  Poster API:       {poster_url}/api/  token {DEMO_TOKEN}",
        f"  connect Poster:   {hub_url}/admin/connections → Create install link"
        "  (OAuth install; pick dev-example)",
    ]


def rest_lines(rest_url: str) -> list[str]:
    return [
        f"  Countertop register: {rest_url}/register  (tickets, menu prices, online switch)",
        f"  Countertop API:   {rest_url}/v2/  Bearer {rest_seed.DEMO_API_KEY}",
        "  POS manifest:     src/orderbridge/connectors/rest_pos/manifests/sandbox.toml",
    ]


def banner(hub_url: str, pos_lines: list[str], api_key: str, db: Path) -> str:
    return "\n".join(
        [
            "orderbridge demo — everything on this machine, Ctrl-C to stop",
            f"  demo shop:        {hub_url}/shop",
            f"  dashboard:        {hub_url}/admin",
            f"  storefront API:   {hub_url}/api/v1  (OpenAPI: {hub_url}/docs)",
            f"  demo API key:     {api_key}",
            f"  admin API key:    {DEMO_ADMIN_KEY}",
            f"  health, metrics:  {hub_url}/health  {hub_url}/metrics",
            *pos_lines,
            f"  database:         {db}",
        ]
    )
