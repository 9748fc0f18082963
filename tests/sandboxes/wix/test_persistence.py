"""``--state FILE``: the world, key pair included, survives a restart."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from orderbridge.sandboxes.wix.app import create_app
from orderbridge.sandboxes.wix.launch import build_sandbox
from orderbridge.sandboxes.wix.sandbox import WixSandbox, load_world
from orderbridge.sandboxes.wix.seed import OPERATION_ID, PICKUP_METHOD_ID
from tests.sandboxes.wix.support import AUTH, fresh_world, ok, publish_menu


def test_the_world_round_trips_through_the_state_file(tmp_path: Path) -> None:
    state = tmp_path / "wix.json"
    sandbox = WixSandbox(fresh_world(), state_file=state)
    client = TestClient(create_app(sandbox))
    menu = publish_menu(client)
    request = {"items": [{"catalogItemId": menu["croissant"]}], "buyer": {"phone": "+380"}}
    order = ok(client.post("/_sandbox/checkout", json=request), 201)["order"]
    paused = {"operation": {"revision": "1", "onlineOrderingStatus": "DISABLED"}}
    ok(
        client.patch(
            f"/restaurants-operations/v1/operations/{OPERATION_ID}", json=paused, headers=AUTH
        )
    )
    assert ok(client.post("/_sandbox/state/save"))["saved"] == str(state)

    again = WixSandbox(load_world(state))
    assert again.public_key_pem == sandbox.public_key_pem
    assert again.world == sandbox.world
    reloaded = TestClient(create_app(again))
    assert ok(reloaded.get(f"/ecom/v1/orders/{order['id']}", headers=AUTH))["order"] == order
    assert reloaded.get("/_sandbox/public-key").text == sandbox.public_key_pem
    items = ok(reloaded.get("/restaurants/menus-item/v1/items", headers=AUTH))["items"]
    assert {i["id"] for i in items} == {menu["latte"], menu["croissant"]}


def test_the_key_pair_is_made_once_and_kept(tmp_path: Path) -> None:
    state = tmp_path / "wix.json"
    build_sandbox(state=state)
    first = load_world(state).private_key_pem
    _, summary = build_sandbox(state=state, webhook_url="http://hub.test/hook")
    world = load_world(state)
    assert world.private_key_pem == first and first.startswith("-----BEGIN PRIVATE KEY-----")
    assert world.site.webhook_url == "http://hub.test/hook"
    assert f"loaded from {state}" in summary


def test_the_lifespan_saves_on_shutdown(tmp_path: Path) -> None:
    state = tmp_path / "wix.json"
    sandbox = WixSandbox(fresh_world(), state_file=state)
    with TestClient(create_app(sandbox)) as client:
        ok(client.post("/_sandbox/webhook", json={"url": "http://elsewhere.test/hook"}))
    assert load_world(state).site.webhook_url == "http://elsewhere.test/hook"


def test_saving_without_a_state_file_is_refused(client: TestClient) -> None:
    assert client.post("/_sandbox/state/save").status_code == 409


def test_a_state_file_from_before_fulfillment_methods_gets_the_pickup_method(
    tmp_path: Path,
) -> None:
    state = tmp_path / "wix.json"
    old = fresh_world()
    old.fulfillment_methods.clear()
    old.operations[OPERATION_ID].fulfillment_ids = []
    state.write_text(old.model_dump_json(exclude={"fulfillment_methods"}))
    build_sandbox(state=state)
    world = load_world(state)
    assert world.operations[OPERATION_ID].fulfillment_ids == [PICKUP_METHOD_ID]
    assert world.fulfillment_methods[PICKUP_METHOD_ID]["type"] == "PICKUP"
