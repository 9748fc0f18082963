"""A hub on a real database with one café tenant, a fake POS and a webhook receiver.

``build_world`` wires what every hub and API test needs: a :class:`Hub` built by
``build_hub`` with a settable clock and the test retry policy, a :class:`FakePos` in
place of Poster (``hub.pos_for`` is replaced on the instance), an in-process storefront
receiving the hub's webhooks, and seed data: the café of ``tests.unit.domain.cafe``
(tenant, API keys, location, Poster connection, published menu, webhook endpoint) and a
second tenant with a location and menu of its own.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, replace
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy import func, select

from orderbridge.bootstrap import Hub, build_hub
from orderbridge.config import Settings
from orderbridge.domain.drafts import OrderDraft
from orderbridge.domain.menu import Menu
from orderbridge.domain.orders import OrderKey
from orderbridge.messaging.retry import RetryPolicy
from orderbridge.messaging.tables import OutboxJob
from orderbridge.ports import StoredOrder
from orderbridge.services.orders import Placed, place_order
from orderbridge.storage import admin
from orderbridge.storage.codec import canonical_hash, draft_to_json
from orderbridge.storage.db import Base
from orderbridge.web.schemas.webhooks import WebhookEvent
from tests.integration.messaging.helpers import FakeClock
from tests.integration.support.fake_pos import FakePos
from tests.integration.support.receiver import Receiver
from tests.unit.domain import cafe

NOW = cafe.NOW  # a Sunday, 12:00 in Kyiv
TENANT = "ten_cafe"
OTHER_TENANT = "ten_other"
LOCATION = cafe.LOCATION_ID
OTHER_LOCATION = "other-loc"
CONNECTION = "con_poster"
POSTER_ACCOUNT = "cafe-kyiv"
APP_SECRET = "poster-application-secret"
POSTER_TOKEN = "poster-token-0001"
ENDPOINT_URL = "http://shop.test/hooks/orderbridge"
ALL_EVENTS = [e.value for e in WebhookEvent]
Model = type[Base]


@dataclass
class World:
    hub: Hub
    pos: FakePos
    clock: FakeClock
    receiver: Receiver
    api_key: str
    admin_key: str
    other_key: str
    other_admin_key: str
    endpoint_id: str
    endpoint_secret: str

    def close(self) -> None:
        asyncio.run(self.aclose())

    async def aclose(self) -> None:
        await self.hub.aclose()
        self.hub.engine.dispose()


def build_world(
    db_url: str,
    *,
    allow_private_urls: bool = True,
    price_policy: str = "menu",
    max_attempts: int = 3,
    rate_limit_per_second: float = 0.0,
    rate_limit_burst: int = 1,
    pos: FakePos | None = None,
) -> World:
    """The hub and its seed data on the (empty, migrated) database at ``db_url``
    (API keys not rate-limited unless ``rate_limit_per_second`` says so)."""
    clock = FakeClock(NOW)
    receiver = Receiver()
    settings = Settings(
        database_url=db_url,
        secret_key=SecretStr("test"),
        allow_private_urls=allow_private_urls,
        poll_interval_seconds=0.01,
        rate_limit_per_second=rate_limit_per_second,
        rate_limit_burst=rate_limit_burst,
    )
    hub = build_hub(
        settings,
        retry_policy=RetryPolicy.for_tests(max_attempts=max_attempts),
        clock=clock,
        webhook_transport=httpx.ASGITransport(app=receiver),
    )
    pos = pos or FakePos()
    hub.pos_for = pos.for_connection  # type: ignore[method-assign]
    with hub.sessions() as session, session.begin():
        admin.create_tenant(session, "Café", tenant_id=TENANT)
        api_key = admin.issue_api_key(session, TENANT).key
        admin_key = admin.issue_api_key(session, TENANT, name="ops", scope="admin").key
        admin.create_location(
            session,
            TENANT,
            name="Podil",
            timezone="Europe/Kyiv",
            currency="UAH",
            location_id=LOCATION,
            price_policy=price_policy,
        )
        admin.create_connection(
            session,
            hub.cipher,
            TENANT,
            kind="poster",
            role="pos",
            name="Poster",
            credentials={"token": POSTER_TOKEN, "application_secret": APP_SECRET},
            settings={"account": POSTER_ACCOUNT},
            external_account=POSTER_ACCOUNT,
            connection_id=CONNECTION,
        )
        admin.link_location(session, LOCATION, CONNECTION, "1")
        endpoint = admin.create_endpoint(
            session, hub.cipher, TENANT, url=ENDPOINT_URL, events=ALL_EVENTS
        )
        admin.create_tenant(session, "Other", tenant_id=OTHER_TENANT)
        other_key = admin.issue_api_key(session, OTHER_TENANT).key
        other_admin_key = admin.issue_api_key(session, OTHER_TENANT, scope="admin").key
        admin.create_location(
            session,
            OTHER_TENANT,
            name="Elsewhere",
            timezone="Europe/Warsaw",
            currency="UAH",
            location_id=OTHER_LOCATION,
        )
    with hub.uow() as tx:
        tx.save_menu(cafe.cafe_menu(), source_connection_id=CONNECTION)
        tx.save_menu(other_menu(), source_connection_id=None)
        tx.commit()
    pos.menus[LOCATION] = cafe.cafe_menu()
    return World(
        hub=hub,
        pos=pos,
        clock=clock,
        receiver=receiver,
        api_key=api_key,
        admin_key=admin_key,
        other_key=other_key,
        other_admin_key=other_admin_key,
        endpoint_id=endpoint.id,
        endpoint_secret=endpoint.secret,
    )


def other_menu() -> Menu:
    return replace(cafe.cafe_menu(), location_id=OTHER_LOCATION)


# Placing orders through the service ---------------------------------------------------


def draft(channel_order_id: str = "web-1001", **changes: Any) -> OrderDraft:
    """The café's default draft (a large vanilla latte and two croissants), renamed."""
    base = cafe.draft()
    return replace(base, key=OrderKey("storefront", channel_order_id), **changes)


def place(
    world: World, order: OrderDraft | None = None, *, idempotency_key: str | None = None
) -> Placed:
    """``place_order`` as the storefront route calls it, in its own unit of work."""
    order = order or draft()
    with world.hub.uow() as tx:
        return place_order(
            tx,
            tenant_id=TENANT,
            draft=order,
            request_hash=canonical_hash(draft_to_json(order)),
            now=world.clock(),
            idempotency_key=idempotency_key,
        )


# Reading what is stored ---------------------------------------------------------------


def count(hub: Hub, model: Model) -> int:
    with hub.sessions() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def jobs(hub: Hub, kind: str | None = None) -> list[OutboxJob]:
    """Outbox jobs in the order they were queued, of ``kind`` if given."""
    query = select(OutboxJob).order_by(OutboxJob.id)
    if kind is not None:
        query = query.where(OutboxJob.kind == kind)
    with hub.sessions() as session:
        return list(session.scalars(query))


def announced(hub: Hub) -> list[str]:
    """The storefront events queued so far (one ``webhook.deliver`` job per endpoint)."""
    return [str(job.payload["message"]["type"]) for job in jobs(hub, "webhook.deliver")]


def stored(hub: Hub, order_id: str) -> StoredOrder:
    with hub.uow() as tx:
        found = tx.get_order(order_id)
    assert found is not None, f"no order {order_id}"
    return found


def events_of(found: StoredOrder) -> list[str]:
    return [entry.event for entry in found.order.timeline]
