"""A Wix site with its own menu: read from Wix, matched, and its orders translated.

The restaurant's own Wix menu (the test set's channel menu, written into the Wix
sandbox as a restaurant would build it in the Wix editor, with Wix's own ids) is read
through the admin API's import, matched to the café's POS menu, and a Wix checkout of
its items arrives as a hub order in POS ids. Runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from orderbridge.connectors.menu_import import IMPORT_CHANNEL_MENU
from orderbridge.connectors.wix.connector import WixConnector
from orderbridge.connectors.wix.settings import WixSettings
from orderbridge.domain.menu import Category, Item, Menu, Modifier, ModifierGroup, Variant
from orderbridge.domain.money import Money
from orderbridge.sandboxes.wix.app import create_app
from orderbridge.sandboxes.wix.checkout import checkout
from orderbridge.sandboxes.wix.events import order_event, sign
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import ACCESS_TOKEN, LOCATION_ID, OPERATION_ID
from tests.integration.mapping.conftest import add_wix_channel, build_mapping_world
from tests.integration.support.world import LOCATION, TENANT, World, jobs
from tests.sandboxes.wix.support import NOW, fresh_world
from tests.unit.matching import cafe

WIX = "con_wix"
MAPPING = f"/api/v1/admin/locations/{LOCATION}/channel-menus/{WIX}"


class EditorRefs:
    """The Wix editor's memory of what it made (the hub never sees these ids)."""

    def __init__(self) -> None:
        self.ids: dict[tuple[str, str], tuple[str, str | None]] = {}

    def get(self, kind: str, local_id: str) -> Any:
        found = self.ids.get((kind, local_id))
        if found is None:
            return None
        return type("Ref", (), {"external_id": found[0], "revision": found[1]})()

    def put(self, kind: str, local_id: str, external_id: str, revision: str | None = None) -> None:
        self.ids[(kind, local_id)] = (external_id, revision)

    def drop(self, kind: str, local_id: str) -> None:
        self.ids.pop((kind, local_id), None)

    def local_id(self, kind: str, external_id: str) -> str | None:
        return next(
            (k[1] for k, v in self.ids.items() if k[0] == kind and v[0] == external_id), None
        )

    def published_menu(self, location_id: str) -> Menu | None:
        return None

    def save_published(self, menu: Menu) -> None:
        return None


def _own_wix_menu() -> Menu:
    """The test set's channel menu as a Wix editor would hold it (sections by category)."""

    def uah(amount: int | None) -> Money:
        return Money(amount or 0, "UAH")

    sections: dict[str, list[Item]] = {}
    for raw in cafe.channel_body()["items"]:  # type: ignore[union-attr]
        groups = tuple(
            ModifierGroup(
                g["id"],
                g["name"],
                0,
                max(len(g["modifiers"]), 1),
                tuple(Modifier(m["id"], m["name"], uah(m["price"])) for m in g["modifiers"]),
            )
            for g in raw.get("modifier_groups", [])
        )
        variants = tuple(
            Variant(v["id"], v["name"], uah(v["price"])) for v in raw.get("variants", [])
        )
        item = Item(
            raw["id"], raw["name"], uah(raw["price"]), variants=variants, modifier_groups=groups
        )
        sections.setdefault(raw["category"], []).append(item)
    categories = tuple(
        Category(f"s{n}", name, tuple(items)) for n, (name, items) in enumerate(sections.items())
    )
    return Menu("wix-editor", "UAH", categories)


@pytest.fixture
def sandbox() -> WixSandbox:
    return WixSandbox(fresh_world(), clock=lambda: NOW)


@pytest.fixture
def editor() -> EditorRefs:
    return EditorRefs()


@pytest.fixture
def world(db_url: str, sandbox: WixSandbox, editor: EditorRefs) -> Iterator[World]:
    built = build_mapping_world(db_url)
    built.hub.channel_transport = httpx.ASGITransport(app=create_app(sandbox))
    credentials = {"access_token": ACCESS_TOKEN, "public_key_pem": sandbox.public_key_pem}
    settings = {"base_url": "http://wix.test", "operation_id": OPERATION_ID}
    add_wix_channel(
        built, WIX, credentials=credentials, settings=settings, wix_location=LOCATION_ID
    )
    connector = WixConnector.from_settings(
        WixSettings.model_validate({**settings, **credentials}),
        editor,  # type: ignore[arg-type]
        transport=built.hub.channel_transport,
    )
    asyncio.run(_write_own_menu(connector))
    yield built
    built.close()


async def _write_own_menu(connector: WixConnector) -> None:
    await connector.publish(_own_wix_menu())
    await connector.aclose()


def test_a_wix_menu_is_read_matched_and_its_orders_translated(
    world: World, admin: TestClient, sandbox: WixSandbox, editor: EditorRefs
) -> None:
    queued = admin.post(f"{MAPPING}/import")
    assert queued.status_code == 202, queued.text
    assert len(jobs(world.hub, IMPORT_CHANNEL_MENU)) == 1
    asyncio.run(world.hub.worker().run_until_idle())
    items = admin.get(f"{MAPPING}/mapping").json()["items"]
    assert len(items) == len(cafe.expected())
    by_name = {item["name"]: item for item in items}
    answers = {raw["name"]: cafe.expected()[raw["id"]] for raw in cafe.channel_body()["items"]}  # type: ignore[union-attr]
    autos = [item for item in items if item["status"] == "auto"]
    assert len(autos) >= 80
    for item in autos:
        target = cafe.target_of(answers[item["name"]])
        assert target is not None
        assert (item["pos_item_id"], item["pos_variant_id"]) == (target.item_id, target.variant_id)
    cappuccino = by_name["Cappuccino"]
    wix_item = cappuccino["channel_item_id"]
    assert wix_item == editor.ids[("item", "wix-editor/web-01")][0]  # Wix's own id
    oat = next(o for o in cappuccino["options"] if o["name"] == "Oat milk")
    assert oat["pos_option_id"] == "27"

    order = checkout(
        sandbox,
        {
            "operationId": OPERATION_ID,
            "items": [
                {
                    "catalogItemId": wix_item,
                    "quantity": 2,
                    "options": {"modifierIds": [oat["channel_option_id"]]},
                }
            ],
            "buyer": {"firstName": "Олена", "phone": "+380671234567"},
        },
    )
    token = sign(
        order_event("approved", order, NOW),
        instance_id=sandbox.world.site.instance_id,
        app_id=sandbox.world.site.app_id,
        key_pem=sandbox.world.private_key_pem,
        now=datetime.now(UTC),
    )
    hook = TestClient(world.hub.app()).post(
        f"/webhooks/wix/{WIX}", content=token, headers={"content-type": "text/plain"}
    )
    assert hook.status_code == 200, hook.text
    asyncio.run(world.hub.worker().run_until_idle())
    with world.hub.uow() as tx:
        found = tx.find_order(TENANT, "wix", order["id"])
    assert found is not None, "the Wix order did not arrive"
    assert found.order.status.value == "submitted", found.order.timeline[-1].detail
    [line] = found.order.lines
    assert (line.item_id, [m.modifier_id for m in line.modifiers], line.quantity) == (
        "114",
        ["27"],
        2,
    )


def test_only_a_wix_channel_is_imported(admin: TestClient) -> None:
    answer = admin.post(f"/api/v1/admin/locations/{LOCATION}/channel-menus/storefront/import")
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "not_importable"
