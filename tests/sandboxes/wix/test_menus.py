"""The Restaurants Menus APIs: every kind's create, get, list, update, delete, bulk,
and the revision rule."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from orderbridge.sandboxes.wix.menus import MENU_APIS, MenuApi
from orderbridge.sandboxes.wix.seed import LOCATION_ID
from tests.sandboxes.wix.support import AUTH, ok, wix_error

KINDS = pytest.mark.parametrize("api", MENU_APIS, ids=[a.kind for a in MENU_APIS])


def _create(client: TestClient, api: MenuApi, **fields: Any) -> dict[str, Any]:
    entity: dict[str, Any] = {"name": "Сніданки", **fields}
    return dict(ok(client.post(api.path, json={api.singular: entity}, headers=AUTH))[api.singular])


@KINDS
def test_create_get_list_update_delete(client: TestClient, api: MenuApi) -> None:
    created = _create(client, api, description="перше")
    assert created["revision"] == "1"
    assert created["createdDate"] == "2025-11-03T09:30:00.000Z"
    assert created["description"] == "перше"
    location = created.get("businessLocationId") or created["businessLocationIds"][0]
    assert location == LOCATION_ID
    one = f"{api.path}/{created['id']}"
    assert ok(client.get(one, headers=AUTH))[api.singular] == created
    listed = ok(client.get(api.path, headers=AUTH))
    assert listed[api.plural] == [created]
    assert listed["pagingMetadata"] == {"count": 1, "cursors": {}, "hasNext": False}
    updated = ok(
        client.patch(one, json={api.singular: {"revision": "1", "name": "Обіди"}}, headers=AUTH)
    )[api.singular]
    assert updated["name"] == "Обіди" and updated["description"] == "перше"
    assert updated["revision"] == "2"
    assert ok(client.delete(one, headers=AUTH)) == {}
    wix_error(client.get(one, headers=AUTH), 404)


@KINDS
def test_a_stale_revision_is_409_and_the_entity_is_unchanged(
    client: TestClient, api: MenuApi
) -> None:
    created = _create(client, api)
    one = f"{api.path}/{created['id']}"
    ok(client.patch(one, json={api.singular: {"revision": "1", "name": "A"}}, headers=AUTH))
    error = wix_error(
        client.patch(one, json={api.singular: {"revision": "1", "name": "B"}}, headers=AUTH), 409
    )
    assert error["details"]["applicationError"]["code"] == "REVISION_MISMATCH"
    current = ok(client.get(one, headers=AUTH))[api.singular]
    assert (current["name"], current["revision"]) == ("A", "2")


@KINDS
def test_unknown_ids_are_404(client: TestClient, api: MenuApi) -> None:
    one = f"{api.path}/00000000-0000-0000-0000-000000000000"
    wix_error(client.get(one, headers=AUTH), 404)
    wix_error(client.patch(one, json={api.singular: {"revision": "1"}}, headers=AUTH), 404)
    wix_error(client.delete(one, headers=AUTH), 404)


@KINDS
def test_invalid_bodies_are_400(client: TestClient, api: MenuApi) -> None:
    wix_error(client.post(api.path, json={}, headers=AUTH), 400)
    wix_error(client.post(api.path, json={api.singular: {"name": ""}}, headers=AUTH), 400)
    wix_error(client.post(api.path, json={api.singular: {"name": "x" * 501}}, headers=AUTH), 400)
    created = _create(client, api)
    one = f"{api.path}/{created['id']}"
    missing_revision = client.patch(one, json={api.singular: {"name": "B"}}, headers=AUTH)
    assert wix_error(missing_revision, 400)["details"]["validationError"]
    wrong_id = {api.singular: {"id": "other", "revision": "1"}}
    wix_error(client.patch(one, json=wrong_id, headers=AUTH), 400)


def test_read_only_fields_in_a_body_are_ignored(client: TestClient) -> None:
    api = MENU_APIS[2]
    created = _create(client, api, id="mine", revision="9", priceInfo={"price": "10"})
    assert created["id"] != "mine" and created["revision"] == "1"


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"priceInfo": {"price": "ten"}}, "priceInfo.price"),
        ({"priceInfo": {"price": "-1"}}, "priceInfo.price"),
        ({"priceInfo": {"price": "1"}, "priceVariants": {"variants": []}}, "priceInfo"),
        ({"priceVariants": {"variants": [{"variantId": "nope"}]}}, "priceVariants"),
        ({"modifierGroups": [{"id": "nope"}]}, "modifierGroups[0].id"),
        ({"visible": "yes"}, "visible"),
    ],
)
def test_invalid_items(client: TestClient, item: dict[str, Any], field: str) -> None:
    body = {"item": {"name": "Лате", **item}}
    error = wix_error(client.post("/restaurants/menus-item/v1/items", json=body, headers=AUTH), 400)
    assert error["details"]["validationError"]["fieldViolations"][0]["field"].startswith(field)


def test_references_must_exist(client: TestClient) -> None:
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("/restaurants/menus-menu/v1/menus", "menu", {"sectionIds": ["nope"]}),
        ("/restaurants/menus-section/v1/sections", "section", {"itemIds": ["nope"]}),
        (
            "/restaurants/item-modifier-group/v1/modifier-groups",
            "modifierGroup",
            {"modifiers": [{"id": "nope"}]},
        ),
    ]
    for path, key, entity in cases:
        error = wix_error(client.post(path, json={key: {"name": "x", **entity}}, headers=AUTH), 400)
        assert (
            error["details"]["validationError"]["fieldViolations"][0]["violatedRule"] == "REFERENCE"
        )


def test_modifier_group_rules(client: TestClient) -> None:
    path = "/restaurants/item-modifier-group/v1/modifier-groups"
    for rule in ({"minSelections": -1}, {"minSelections": 2, "maxSelections": 1}):
        group = {"modifierGroup": {"name": "g", "rule": rule}}
        wix_error(client.post(path, json=group, headers=AUTH), 400)


def test_the_published_menu_links_up(client: TestClient, menu: dict[str, str]) -> None:
    [published] = ok(client.get("/_sandbox/menu"))["menus"]
    [section] = published["sections"]
    latte, croissant = section["items"]
    assert [v["price"] for v in latte["variants"]] == ["65.00", "80.00"]
    assert [m["charge"] for m in latte["modifierGroups"][0]["modifiers"]] == ["15.00", "10.50"]
    assert croissant["price"] == "55.00"


def test_bulk_create_reports_each_entry(client: TestClient) -> None:
    path = "/restaurants/menus-item/v1/bulk/items/create"
    items = [{"name": "Еклер", "priceInfo": {"price": "45"}}, {"name": ""}]
    body = ok(client.post(path, json={"items": items, "returnEntity": True}, headers=AUTH))
    first, second = body["results"]
    assert first["itemMetadata"]["success"] is True
    assert first["item"]["name"] == "Еклер"
    assert first["itemMetadata"]["id"] == first["item"]["id"]
    assert second["itemMetadata"]["success"] is False
    assert second["itemMetadata"]["error"]["code"] == "INVALID_ARGUMENT"
    assert second["itemMetadata"]["originalIndex"] == 1
    assert body["bulkActionMetadata"] == {
        "totalSuccesses": 1,
        "totalFailures": 1,
        "undetailedFailures": 0,
    }


@KINDS
def test_bulk_update_fails_stale_entries_alone(client: TestClient, api: MenuApi) -> None:
    a, b = _create(client, api), _create(client, api)
    path = f"{api.base}/bulk/{api.collection}/update"
    entries = [
        {api.singular: {"id": a["id"], "revision": "1", "name": "нове"}},
        {api.singular: {"id": b["id"], "revision": "7", "name": "нове"}},
    ]
    body = ok(client.post(path, json={api.plural: entries, "returnEntity": False}, headers=AUTH))
    first, second = body["results"]
    assert first["itemMetadata"]["success"] is True and api.singular not in first
    assert second["itemMetadata"] == {
        "originalIndex": 1,
        "success": False,
        "error": second["itemMetadata"]["error"],
        "id": b["id"],
    }
    assert second["itemMetadata"]["error"]["code"] == "REVISION_MISMATCH"
    names = {e["id"]: e["name"] for e in ok(client.get(api.path, headers=AUTH))[api.plural]}
    assert names == {a["id"]: "нове", b["id"]: "Сніданки"}


def test_bulk_needs_a_non_empty_list(client: TestClient) -> None:
    path = "/restaurants/menus-item/v1/bulk/items/create"
    wix_error(client.post(path, json={"items": []}, headers=AUTH), 400)
    wix_error(client.post(path, json={"items": [{}] * 101}, headers=AUTH), 400)


def test_listing_pages_with_cursors(client: TestClient) -> None:
    api = MENU_APIS[3]
    ids = [_create(client, api)["id"] for _ in range(5)]
    seen: list[str] = []
    cursor = ""
    while True:
        query = {"cursorPaging.limit": "2", "cursorPaging.cursor": cursor}
        page = ok(client.get(api.path, params=query, headers=AUTH))
        seen += [v["id"] for v in page["variants"]]
        if not page["pagingMetadata"]["hasNext"]:
            break
        cursor = page["pagingMetadata"]["cursors"]["next"]
    assert seen == ids
    bad = client.get(api.path, params={"cursorPaging.limit": "0"}, headers=AUTH)
    wix_error(bad, 400)
    wix_error(client.get(api.path, params={"cursorPaging.cursor": "%%%"}, headers=AUTH), 400)
