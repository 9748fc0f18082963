"""The dashboard's mapping page, server side: what it shows and what its forms do."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from tests.integration.mapping.conftest import mapping_items, upload
from tests.integration.support.world import LOCATION, World

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
ROW = re.compile(r'<tr id="item-([^"]+)" class="st-([a-z]+)"')
PAGE = f"/admin/mapping?location={LOCATION}&channel=storefront"


@pytest.fixture
def page(world: World) -> TestClient:
    """A browser-like client, signed in to the dashboard with the café's admin key."""
    client = TestClient(world.hub.app())
    form = client.get("/admin/login")
    token = CSRF.search(form.text)
    assert token is not None
    signed = client.post("/admin/login", data={"api_key": world.admin_key, "csrf": token[1]})
    assert signed.status_code == 200, signed.text
    return client


def _form(page: TestClient, **fields: str) -> dict[str, str]:
    token = CSRF.search(page.get(PAGE).text)
    assert token is not None
    return {"csrf": token[1], "location": LOCATION, "channel": "storefront", **fields}


def test_the_page_lists_items_worst_first_with_counts(page: TestClient, admin: TestClient) -> None:
    before = page.get(PAGE)
    assert 'id="pos-mode"' in before.text  # no own menu yet: nothing to map
    upload(admin)
    shown = page.get(PAGE)
    assert shown.status_code == 200
    rows = ROW.findall(shown.text)
    assert len(rows) == len(mapping_items(admin))
    rank = {"unmapped": 0, "suggested": 1, "auto": 2, "confirmed": 3, "ignored": 4}
    assert [s for _, s in rows] == sorted((s for _, s in rows), key=rank.__getitem__)
    unmapped = sum(1 for _, s in rows if s == "unmapped")
    assert f'id="count-unmapped"><b>{unmapped}</b> unmapped' in shown.text
    assert "Kapuchyno" in shown.text and "Капучино" in shown.text  # each script as it is
    assert "Syrnyky zi smetanoyu" in shown.text and "Сирники зі сметаною" in shown.text


def test_confirm_pick_another_and_ignore_from_the_page(page: TestClient, admin: TestClient) -> None:
    upload(admin)
    confirmed = page.post(
        "/admin/mapping/decide", data=_form(page, item="web-24", action="confirm", target="48||")
    )
    assert confirmed.status_code == 200 and "Mapping confirmed" in confirmed.text
    page.post(
        "/admin/mapping/decide", data=_form(page, item="web-40", action="use", target="170||")
    )
    page.post("/admin/mapping/decide", data=_form(page, item="neg-01", action="ignore"))
    items = mapping_items(admin)
    assert (items["web-24"]["status"], items["web-24"]["pos_item_id"]) == ("confirmed", "48")
    assert (items["web-40"]["status"], items["web-40"]["pos_item_id"]) == ("confirmed", "170")
    assert items["neg-01"]["status"] == "ignored"
    wrong = page.post(
        "/admin/mapping/decide", data=_form(page, item="web-24", action="use", target="999||")
    )
    assert "could not be saved" in wrong.text
    assert mapping_items(admin)["web-24"]["pos_item_id"] == "48"


def test_a_form_without_its_csrf_token_changes_nothing(page: TestClient, admin: TestClient) -> None:
    upload(admin)
    fields = _form(page, item="neg-01", action="ignore")
    fields["csrf"] = "forged"
    assert page.post("/admin/mapping/decide", data=fields).status_code == 403
    assert mapping_items(admin)["neg-01"]["status"] == "unmapped"


def test_bulk_confirm_above_a_chosen_confidence(page: TestClient, admin: TestClient) -> None:
    upload(admin)
    before = mapping_items(admin)
    expected = sum(
        1
        for item in before.values()
        if item["status"] in ("auto", "suggested") and (item["confidence"] or 0) >= 0.97
    )
    done = page.post("/admin/mapping/confirm-all", data=_form(page, min_confidence="0.97"))
    assert f"Mappings confirmed ({expected})" in done.text
    bad = page.post("/admin/mapping/confirm-all", data=_form(page, min_confidence="lots"))
    assert "number from 0 to 1" in bad.text


def test_searching_the_pos_menu_in_latin_finds_cyrillic(
    page: TestClient, admin: TestClient
) -> None:
    upload(admin)
    found = page.get(f"{PAGE}&item=neg-01&q=napoleon")
    assert 'id="search"' in found.text
    hits = found.text.split('id="search"', 1)[1].split("</div>", 1)[0]
    assert "Наполеон" in hits and 'value="200||"' in hits


def test_a_name_is_shown_as_text_never_as_markup(page: TestClient, admin: TestClient) -> None:
    upload(admin, {"items": [{"id": "x", "name": "<script>alert(1)</script> латте"}]})
    shown = page.get(PAGE).text
    assert "<script>alert(1)</script>" not in shown
    assert "&lt;script&gt;alert(1)&lt;/script&gt; латте" in shown
