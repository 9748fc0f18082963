"""The admin API of channel menus and their mapping: upload, read, decide, in bulk."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.integration.mapping.conftest import (
    CHANNEL_MENU,
    MAPPING,
    mapping_items,
    upload,
)
from tests.integration.support.api import bearer, error_of
from tests.integration.support.world import LOCATION, OTHER_LOCATION, World
from tests.unit.matching import cafe

ANSWERS = cafe.expected()


def _target(item: dict[str, object]) -> tuple[object, object, object]:
    return (item["pos_item_id"], item["pos_variant_id"], item["pos_modifier_id"])


def _expected(item_id: str) -> tuple[object, object, object] | None:
    target = cafe.target_of(ANSWERS[item_id])
    return None if target is None else (target.item_id, target.variant_id, target.modifier_id)


def test_an_uploaded_menu_comes_back_mapped_with_no_wrong_auto(admin: TestClient) -> None:
    """The mixed-language test set: correct autos, none wrong, candidates for the rest."""
    summary = upload(admin)
    counts = summary["counts"]
    assert isinstance(counts, dict)
    assert summary["items"] == len(ANSWERS)
    assert counts["auto"] >= 80 and counts["confirmed"] == 0
    items = mapping_items(admin)
    assert list(items) == [item["id"] for item in cafe.channel_body()["items"]]
    for item_id, item in items.items():
        if item["status"] == "auto":
            assert _target(item) == _expected(item_id), item["name"]
        if ANSWERS[item_id].get("auto") is True:
            assert item["status"] == "auto", item["name"]
    assert items["web-01"]["pos_name"] == "Капучино"
    assert items["neg-01"]["status"] == "unmapped" and items["neg-01"]["pos_item_id"] is None
    oat = {o["channel_option_id"]: o["pos_option_id"] for o in items["web-01"]["options"]}
    assert oat["web-01-g1m2"] == "27" and oat["web-01-g1m4"] is None
    candidates = items["neg-03"]["candidates"]
    assert isinstance(candidates, list) and candidates[0]["name"] == "Coca-Cola 0,33 л"


def test_worst_first_puts_what_needs_a_person_on_top(admin: TestClient) -> None:
    upload(admin)
    statuses = [item["status"] for item in mapping_items(admin, order="worst").values()]
    rank = {"unmapped": 0, "suggested": 1, "auto": 2, "confirmed": 3, "ignored": 4}
    assert statuses == sorted(statuses, key=rank.__getitem__)
    assert statuses[0] == "unmapped"


def test_a_person_confirms_corrects_and_ignores(admin: TestClient) -> None:
    upload(admin)
    item_url = f"{MAPPING}/web-24"  # "Croissant": suggested, the classic croissant first
    confirmed = admin.put(item_url, json={"status": "confirmed"})
    assert confirmed.status_code == 200, confirmed.text
    assert (confirmed.json()["status"], confirmed.json()["pos_item_id"]) == ("confirmed", "48")
    corrected = admin.put(item_url, json={"pos_item_id": "165"})
    assert (corrected.json()["status"], corrected.json()["pos_item_id"]) == ("confirmed", "165")
    sized = admin.put(f"{MAPPING}/neg-04", json={"pos_item_id": "150"})
    assert sized.json()["pos_name"] == "Coca-Cola 0,33 л"
    ignored = admin.put(f"{MAPPING}/neg-01", json={"status": "ignored"})
    assert (ignored.json()["status"], ignored.json()["pos_item_id"]) == ("ignored", None)


def test_a_variant_must_be_chosen_for_an_item_sold_in_variants(admin: TestClient) -> None:
    upload(admin)
    missing = admin.put(f"{MAPPING}/neg-09", json={"pos_item_id": "191"})
    assert error_of(missing) == (422, "variant_required", "pos_variant_id")
    chosen = admin.put(f"{MAPPING}/neg-09", json={"pos_item_id": "191", "pos_variant_id": "152"})
    assert chosen.json()["pos_name"] == "Маргарита · Ø35 см"
    wrong = admin.put(f"{MAPPING}/neg-09", json={"pos_item_id": "191", "pos_variant_id": "68"})
    assert error_of(wrong) == (422, "unknown_pos_variant", "pos_variant_id")


def test_options_can_be_pinned_by_a_person(admin: TestClient) -> None:
    upload(admin)
    pinned = admin.put(
        f"{MAPPING}/web-01", json={"pos_item_id": "114", "options": {"web-01-g1m4": "25"}}
    )
    assert error_of(pinned) == (422, "unknown_pos_option", "options")
    pinned = admin.put(
        f"{MAPPING}/web-01", json={"pos_item_id": "114", "options": {"web-01-g1m4": "31"}}
    )
    links = {
        o["channel_option_id"]: (o["pos_option_id"], o["pinned"]) for o in pinned.json()["options"]
    }
    assert links["web-01-g1m4"] == ("31", True)
    assert links["web-01-g1m1"] == ("26", False)


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        ({"pos_item_id": "99999"}, 422, "unknown_pos_item", "pos_item_id"),
        (
            {"pos_item_id": "114", "pos_modifier_id": "23"},
            422,
            "unknown_pos_modifier",
            "pos_modifier_id",
        ),
        ({"status": "ignored", "pos_item_id": "114"}, 422, "invalid_request", None),
        ({}, 422, "invalid_request", None),
        ({"pos_item_id": "114", "colour": "red"}, 422, "unknown_field", "colour"),
    ],
)
def test_a_wrong_decision_is_refused_clearly(
    admin: TestClient, body: dict[str, object], status: int, code: str, field: str | None
) -> None:
    upload(admin)
    answer = admin.put(f"{MAPPING}/web-01", json=body)
    got = error_of(answer)
    assert got[:2] == (status, code), answer.text
    if field is not None:
        assert got[2] == field
    assert mapping_items(admin)["web-01"]["status"] == "auto"  # nothing half-written


def test_unknown_things_answer_404(admin: TestClient, world: World) -> None:
    upload(admin)
    assert error_of(admin.put(f"{MAPPING}/nope", json={"status": "ignored"}))[:2] == (
        404,
        "unknown_channel_item",
    )
    other = f"/api/v1/admin/locations/{OTHER_LOCATION}/channel-menus/storefront/mapping"
    assert error_of(admin.get(other))[:2] == (404, "unknown_location")
    wix = f"/api/v1/admin/locations/{LOCATION}/channel-menus/con_nope/mapping"
    assert error_of(admin.get(wix))[:2] == (404, "unknown_channel")
    pos = f"/api/v1/admin/locations/{LOCATION}/channel-menus/con_poster/mapping"
    assert error_of(admin.get(pos))[:2] == (404, "unknown_channel")


def test_a_storefront_key_cannot_map(admin: TestClient, world: World) -> None:
    answer = admin.put(CHANNEL_MENU, json=cafe.channel_body(), headers=bearer(world.api_key))
    assert answer.status_code == 403
    assert answer.json()["error"]["code"] in ("forbidden", "insufficient_scope")


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        (
            {"items": [{"id": "a", "name": "A"}, {"id": "a", "name": "B"}]},
            "duplicate_id",
            "items[1].id",
        ),
        ({"items": [{"id": "a", "name": ""}]}, "value_out_of_range", "items[0].name"),
        (
            {"items": [{"id": "a", "name": "A", "price": -1}]},
            "value_out_of_range",
            "items[0].price",
        ),
        ({"items": [{"id": "a", "name": "A", "price": "10"}]}, "invalid_type", "items[0].price"),
        ({"mode": "pos", "items": [{"id": "a", "name": "A"}]}, "invalid_request", None),
        ({"mode": "mixed"}, "invalid_value", "mode"),
    ],
)
def test_a_bad_channel_menu_is_refused_and_nothing_stored(
    admin: TestClient, body: dict[str, object], code: str, field: str | None
) -> None:
    answer = admin.put(CHANNEL_MENU, json=body)
    status, got_code, got_field = error_of(answer)
    assert (status, got_code) == (422, code), answer.text
    if field is not None:
        assert got_field == field
    assert admin.get(CHANNEL_MENU).json()["mode"] == "pos"


def test_decisions_survive_a_new_upload_and_mode_switches(admin: TestClient) -> None:
    upload(admin)
    admin.put(f"{MAPPING}/web-24", json={"pos_item_id": "165"})
    admin.put(f"{MAPPING}/neg-01", json={"status": "ignored"})
    body = cafe.channel_body()
    items = body["items"]
    assert isinstance(items, list)
    for item in items:
        item["name"] = item["name"] + " "  # trimmed: the same names
    items[0]["price"] = 6100
    assert upload(admin, body)["counts"]["confirmed"] == 1  # type: ignore[index]
    assert admin.put(CHANNEL_MENU, json={"mode": "pos"}).json()["mode"] == "pos"
    assert mapping_items(admin) == {}
    upload(admin)
    after = mapping_items(admin)
    assert (after["web-24"]["status"], after["web-24"]["pos_item_id"]) == ("confirmed", "165")
    assert after["neg-01"]["status"] == "ignored"


def test_bulk_confirm_above_a_confidence(admin: TestClient) -> None:
    upload(admin)
    before = mapping_items(admin)
    eligible = {
        i
        for i, item in before.items()
        if item["status"] in ("auto", "suggested") and (item["confidence"] or 0) >= 0.95
    }
    answer = admin.post(f"{CHANNEL_MENU}/confirmations", json={"min_confidence": 0.95})
    assert answer.status_code == 200, answer.text
    assert set(answer.json()["channel_item_ids"]) == eligible
    after = mapping_items(admin)
    assert {i for i, item in after.items() if item["status"] == "confirmed"} == eligible
    refused = admin.post(f"{CHANNEL_MENU}/confirmations", json={"min_confidence": 2})
    assert error_of(refused)[:2] == (422, "value_out_of_range")


def test_the_threshold_is_per_tenant_and_applies_at_the_next_match(admin: TestClient) -> None:
    settings = "/api/v1/admin/mapping-settings"
    assert admin.get(settings).json() == {"auto_threshold": 0.9}
    assert admin.put(settings, json={"auto_threshold": 0.5}).json() == {"auto_threshold": 0.5}
    assert error_of(admin.put(settings, json={"auto_threshold": 0.2}))[:2] == (
        422,
        "value_out_of_range",
    )
    strict = upload(admin)["counts"]
    admin.put(settings, json={"auto_threshold": 1.0})
    stricter = upload(admin)["counts"]
    assert stricter["auto"] < strict["auto"]  # type: ignore[index]


def test_the_pos_menu_is_searched_in_either_script(admin: TestClient) -> None:
    url = f"/api/v1/admin/locations/{LOCATION}/pos-menu/search"
    latin = admin.get(url, params={"q": "kapuch"}).json()["items"]
    assert latin[0]["name"] == "Капучино" and latin[0]["pos_item_id"] == "114"
    cyrillic = admin.get(url, params={"q": "маргар"}).json()["items"]
    assert {(h["pos_item_id"], h["pos_variant_id"]) for h in cyrillic[:2]} == {
        ("191", "151"),
        ("191", "152"),
    }
    assert error_of(admin.get(url, params={"q": ""}))[0] == 422
