"""``POST /webhooks/wix/{connection}``: verify the JWT, store once, acknowledge, and make
one hub order per Wix order. Orders are real checkouts at the Wix sandbox (in-process),
whose menu the connector published; every test runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from orderbridge.connectors.wix import refs as r
from orderbridge.connectors.wix.connector import WixConnector
from orderbridge.connectors.wix.events import WIX_EVENT
from orderbridge.connectors.wix.mapping import item_key
from orderbridge.connectors.wix.settings import WixSettings
from orderbridge.domain.orders import OrderStatus
from orderbridge.messaging.tables import InboxEvent, OutboxJob
from orderbridge.sandboxes.wix.app import create_app
from orderbridge.sandboxes.wix.checkout import checkout
from orderbridge.sandboxes.wix.events import generate_private_key_pem, order_event, sign
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import ACCESS_TOKEN, LOCATION_ID, OPERATION_ID
from orderbridge.services.orders import SUBMIT_ORDER
from orderbridge.storage import admin
from orderbridge.storage.channel_refs import SqlChannelRefs
from tests.integration.support.world import LOCATION, TENANT, World, build_world, count, jobs
from tests.sandboxes.wix.support import NOW, fresh_world
from tests.unit.domain import cafe

WIX = "con_wix"
HOOK = f"/webhooks/wix/{WIX}"
STORES_APP_ID = "215238eb-22a5-4c36-9e7b-e7c08025e04e"


@pytest.fixture
def sandbox() -> WixSandbox:
    return WixSandbox(fresh_world(), clock=lambda: NOW)


@pytest.fixture
def world(db_url: str, sandbox: WixSandbox) -> Iterator[World]:
    """The café with a Wix connection whose menu was published to the sandbox."""
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
    yield built
    built.close()


async def _publish(connector: WixConnector) -> None:
    await connector.publish(cafe.cafe_menu())
    await connector.aclose()


@pytest.fixture
def wix(world: World) -> TestClient:
    """Wix's side: no API key, only the JWT."""
    return TestClient(world.hub.app())


def _wix_id(world: World, kind: str, local: str) -> str:
    found = SqlChannelRefs(world.hub.sessions, WIX).get(kind, local)
    assert found is not None
    return found.external_id


def _checkout(sandbox: WixSandbox, items: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return checkout(
        sandbox,
        {
            "operationId": OPERATION_ID,
            "items": items,
            "buyer": {"firstName": "Олена", "lastName": "Коваль", "phone": "+380671234567"},
            **extra,
        },
    )


def _jwt(sandbox: WixSandbox, slug: str, order: dict[str, Any], *, key: str | None = None) -> str:
    site = sandbox.world.site
    return sign(
        order_event(slug, order, NOW),
        instance_id=site.instance_id,
        app_id=site.app_id,
        key_pem=key or sandbox.world.private_key_pem,
        now=datetime.now(UTC),
    )


def _post(wix: TestClient, token: str) -> httpx.Response:
    return wix.post(HOOK, content=token, headers={"content-type": "text/plain"})


def _run_jobs(world: World) -> None:
    asyncio.run(world.hub.worker().run_until_idle())


def _hub_orders(world: World) -> list[Any]:
    with world.hub.uow() as tx:
        return [tx.find_order(TENANT, "wix", o) for o in _wix_order_ids(world)]


def _wix_order_ids(world: World) -> list[str]:
    return [str(j.payload["event"]["entityId"]) for j in jobs(world.hub, WIX_EVENT)]


def _latte_line(world: World) -> dict[str, Any]:
    return {
        "catalogItemId": _wix_id(world, r.ITEM, item_key(LOCATION, "latte")),
        "quantity": 2,
        "options": {
            "variantId": _wix_id(world, r.VARIANT, f"{LOCATION}/latte/latte-l"),
            "modifierIds": [_wix_id(world, r.MODIFIER, f"{LOCATION}/latte/vanilla")],
        },
    }


def test_a_bad_signature_is_401_and_nothing_is_stored(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    order = _checkout(sandbox, [_latte_line(world)])
    forged = _jwt(sandbox, "created", order, key=generate_private_key_pem())
    for body in (forged, "garbage", ""):
        answer = _post(wix, body)
        assert answer.status_code == 401, answer.text
    assert count(world.hub, InboxEvent) == 0 and count(world.hub, OutboxJob) == 0


def test_created_then_approved_make_one_order_sent_to_the_pos(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    order = _checkout(sandbox, [_latte_line(world)])
    assert _post(wix, _jwt(sandbox, "created", order)).status_code == 200
    assert _post(wix, _jwt(sandbox, "approved", order)).status_code == 200
    _run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", order["id"])
    assert stored is not None
    hub_order = stored.order
    (line,) = hub_order.lines
    assert (line.item_id, line.variant_id, line.quantity) == ("latte", "latte-l", 2)
    assert [m.modifier_id for m in line.modifiers] == ["vanilla"]
    refs = hub_order.external_refs
    assert refs["wix_order_id"] == order["id"] and refs["channel_connection_id"] == WIX
    assert order["lineItems"][0]["id"] in refs["wix_line_items"]
    assert len(jobs(world.hub, SUBMIT_ORDER)) == 1
    assert hub_order.status is OrderStatus.SUBMITTED


def test_duplicates_and_out_of_order_resends_change_nothing(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    order = _checkout(sandbox, [_latte_line(world)])
    approved, created = _jwt(sandbox, "approved", order), _jwt(sandbox, "created", order)
    for token in (approved, approved, created, approved, created):
        answer = _post(wix, token)
        assert answer.status_code == 200, answer.text
    assert count(world.hub, InboxEvent) == 2
    assert [a.json()["duplicate"] for a in (_post(wix, approved),)] == [True]
    _run_jobs(world)
    assert len(jobs(world.hub, SUBMIT_ORDER)) == 1
    with world.hub.uow() as tx:
        assert tx.find_order(TENANT, "wix", order["id"]) is not None


def test_non_restaurant_line_items_are_ignored(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    mug = {
        "productName": {"original": "Чашка"},
        "quantity": 1,
        "price": {"amount": "250"},
        "catalogReference": {"catalogItemId": "mug", "appId": STORES_APP_ID},
    }
    order = _checkout(sandbox, [_latte_line(world)], extraLineItems=[mug])
    _post(wix, _jwt(sandbox, "approved", order))
    _run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", order["id"])
    assert stored is not None
    assert [line.item_id for line in stored.order.lines] == ["latte"]
    assert "mug" not in stored.order.external_refs["wix_line_items"]


def test_an_unknown_item_fails_the_order_with_its_reason(
    world: World, wix: TestClient, sandbox: WixSandbox
) -> None:
    order = _checkout(sandbox, [_latte_line(world)])
    order["lineItems"][0]["catalogReference"]["catalogItemId"] = "not-on-the-hub-menu"
    answer = _post(wix, _jwt(sandbox, "approved", order))
    assert answer.status_code == 200
    _run_jobs(world)
    with world.hub.uow() as tx:
        stored = tx.find_order(TENANT, "wix", order["id"])
    assert stored is not None
    assert stored.order.status is OrderStatus.FAILED
    reason = next(e.detail for e in stored.order.timeline if e.event == "order.failed")
    assert "unknown_item" in reason and "not-on-the-hub-menu" in reason
    assert jobs(world.hub, SUBMIT_ORDER) == []


def test_an_unknown_connection_is_404(wix: TestClient, sandbox: WixSandbox) -> None:
    answer = wix.post("/webhooks/wix/nope", content="x")
    assert answer.status_code == 404
