"""Orders from a channel with its own menu: translated, held when unmapped, replayed."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from orderbridge.domain.orders import Order
from orderbridge.ports import LocationBinding, PosOrderRef
from tests.integration.mapping.conftest import MAPPING, build_mapping_world, upload
from tests.integration.support.api import error_of, stored_rows
from tests.integration.support.fake_pos import FakePos
from tests.integration.support.world import LOCATION, World, announced, jobs, stored
from tests.unit.matching import cafe

ORDERS = "/api/v1/orders"


class RecordingPos(FakePos):
    """The fake POS, keeping every order it was sent (lines and all)."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Order] = []

    async def submit_order(
        self, order: Order, *, location: LocationBinding, key: str
    ) -> PosOrderRef:
        self.sent.append(order)
        return await super().submit_order(order, location=location, key=key)


@pytest.fixture
def pos(world: World) -> RecordingPos:
    recording = RecordingPos()
    recording.menus = world.pos.menus
    world.pos = recording
    world.hub.pos_for = recording.for_connection  # type: ignore[method-assign]
    return recording


def order(*lines: dict[str, Any], channel_order_id: str = "web-5001") -> dict[str, Any]:
    return {
        "location_id": LOCATION,
        "channel_order_id": channel_order_id,
        "items": list(lines),
        "customer": {"name": "Олена", "phone": "+380671234567"},
        "fulfillment": {"type": "pickup"},
    }


def line(item_id: str, quantity: int = 1, **fields: Any) -> dict[str, Any]:
    return {"item_id": item_id, "quantity": quantity, **fields}


def _pos_lines(found: Order) -> list[tuple[str, str | None, list[str], int]]:
    return [
        (ln.item_id, ln.variant_id, [m.modifier_id for m in ln.modifiers], ln.unit_price.amount)
        for ln in found.lines
    ]


def test_an_order_with_the_channels_ids_reaches_the_pos_with_its_ids(
    admin: TestClient, storefront: TestClient, world: World
) -> None:
    """Items, a variant, modifiers and an item+modifier mapping, all translated."""
    upload(admin)
    body = order(
        line("web-01", 2, modifiers=[{"modifier_id": "web-01-g1m2", "quantity": 1}]),
        line("web-45", variant_id="web-45-v2"),
        line("uk-02"),
        line("tr-10"),
    )
    created = storefront.post(ORDERS, json=body)
    assert created.status_code == 201, created.text
    placed = stored(world.hub, created.json()["id"])
    assert placed.order.status.value == "received"
    assert _pos_lines(placed.order) == [
        ("114", None, ["27"], 6000),
        ("191", "152", [], 23500),
        ("115", None, ["33"], 6500),
        ("160", "149", [], 8500),
    ]
    assert [ln.name for ln in placed.order.lines][:2] == ["Капучино", "Маргарита, Ø35 см"]
    assert placed.order.external_refs["mapping_channel"] == "storefront"
    assert '"item_id":"web-45"' in placed.order.external_refs["channel_lines"]
    assert [j.payload for j in jobs(world.hub, "order.submit")] == [
        {"order_id": created.json()["id"]}
    ]


def test_an_id_the_channel_menu_does_not_have_is_refused(
    admin: TestClient, storefront: TestClient, world: World
) -> None:
    upload(admin)
    before = stored_rows(world)
    answer = storefront.post(ORDERS, json=order(line("web-01"), line("web-999")))
    assert error_of(answer) == (422, "unknown_item", "items[1].item_id")
    bad_variant = storefront.post(ORDERS, json=order(line("web-45", variant_id="web-01-v1")))
    assert error_of(bad_variant) == (422, "unknown_variant", "items[0].variant_id")
    assert stored_rows(world) == before


def test_an_unmapped_item_fails_the_order_and_a_replay_after_mapping_sends_it(
    admin: TestClient, storefront: TestClient, world: World, pos: RecordingPos
) -> None:
    upload(admin)
    created = storefront.post(ORDERS, json=order(line("web-03"), line("neg-01", 2)))
    assert created.status_code == 201, created.text
    failed = created.json()
    assert failed["status"] == "failed"
    reason = failed["timeline"][-1]["detail"]
    assert "unmapped_item" in reason and "'Tiramisu'" in reason and "neg-01" in reason
    assert jobs(world.hub, "order.submit") == []
    assert announced(world.hub) == ["order.received", "order.failed"]
    held = stored(world.hub, failed["id"]).order
    assert _pos_lines(held) == [("web-03", None, [], 4000), ("neg-01", None, [], 9000)]

    replay = f"/api/v1/admin/orders/{failed['id']}/replay"
    refused = admin.post(replay)
    assert error_of(refused)[:2] == (409, "unmapped_item")
    assert "Tiramisu" in refused.json()["error"]["message"]

    mapped = admin.put(f"{MAPPING}/neg-01", json={"pos_item_id": "200"})  # say, Наполеон
    assert mapped.status_code == 200, mapped.text
    replayed = admin.post(replay)
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["status"] == "received"
    asyncio.run(world.hub.worker().run_until_idle())
    [sent] = pos.sent
    assert _pos_lines(sent) == [("117", None, [], 4000), ("200", None, [], 9500)]
    assert stored(world.hub, failed["id"]).order.status.value == "submitted"
    # The key that placed the held order reads it, as it reads any order it placed.
    mine = storefront.get(f"{ORDERS}/{failed['id']}")
    assert (mine.status_code, mine.json()["status"]) == (200, "submitted")


def test_an_ignored_item_is_unmapped_for_orders(
    admin: TestClient, storefront: TestClient, world: World
) -> None:
    upload(admin)
    admin.put(f"{MAPPING}/web-03", json={"status": "ignored"})
    created = storefront.post(ORDERS, json=order(line("web-03")))
    assert created.json()["status"] == "failed"
    assert "(ignored)" in created.json()["timeline"][-1]["detail"]


def test_a_paused_location_refuses_even_a_held_order(
    admin: TestClient, storefront: TestClient, world: World
) -> None:
    upload(admin)
    paused = admin.post(
        f"/api/v1/locations/{LOCATION}/status", json={"action": "pause", "reason": "busy"}
    )
    assert paused.status_code == 200, paused.text
    answer = storefront.post(ORDERS, json=order(line("neg-01")))
    assert error_of(answer)[:2] == (422, "location_paused")


@pytest.fixture
def strict(db_url: str) -> Iterator[World]:
    built = build_mapping_world(db_url, price_policy="strict")
    yield built
    built.close()


def test_the_strict_policy_compares_the_channels_price_with_the_pos_price(
    strict: World,
) -> None:
    admin = TestClient(strict.hub.app(), headers={"Authorization": f"Bearer {strict.admin_key}"})
    shop = TestClient(strict.hub.app(), headers={"Authorization": f"Bearer {strict.api_key}"})
    body = cafe.channel_body()
    items = body["items"]
    assert isinstance(items, list)
    next(i for i in items if i["id"] == "web-02")["price"] = 5000  # POS: 45.00
    upload(admin, body)
    agreed = shop.post(ORDERS, json=order(line("web-03"), line("uk-02")))
    assert agreed.status_code == 201, agreed.text  # 80.00 = Лате 65.00 + Вівсяне 15.00
    answer = shop.post(ORDERS, json=order(line("web-02"), channel_order_id="web-5002"))
    assert error_of(answer) == (422, "price_mismatch", "items[0].price")
    sent = shop.post(ORDERS, json=order(line("web-03", price=4200), channel_order_id="web-5003"))
    assert error_of(sent) == (422, "price_mismatch", "items[0].price")
