"""Countertop's API v2: tickets priced from its catalog, refusals in its own error shape."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.sandboxes.rest_pos.support import Countertop, countertop, ticket_body


@pytest.fixture
def pos() -> Iterator[Countertop]:
    with countertop() as running:
        yield running


def error(answer: Any, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    found: dict[str, Any] = answer.json()["error"]
    assert set(found) <= {"type", "code", "message", "param"} and found["message"]
    return found


def test_every_call_needs_a_live_key(pos: Countertop) -> None:
    assert error(pos.client.get("/v2/stores"), 401)["code"] == "missing_api_key"
    wrong = pos.client.get("/v2/stores", headers={"Authorization": "Bearer nope"})
    assert error(wrong, 401)["code"] == "invalid_api_key"
    pos.control("/_sandbox/keys/revoke", {"key": pos.sandbox.world.api_keys[0]})
    revoked = error(pos.api("GET", "/v2/stores"), 403)
    assert (revoked["type"], revoked["code"]) == ("authentication_error", "api_key_revoked")


def test_stores_and_their_catalog_without_hidden_products(pos: Countertop) -> None:
    stores = pos.api("GET", "/v2/stores").json()["stores"]
    assert [s["id"] for s in stores] == ["st_podil", "st_pechersk"]
    assert "products" not in stores[0] and stores[0]["timeZone"] == "Europe/Kyiv"
    sections = pos.api("GET", "/v2/stores/st_podil/catalog").json()["sections"]
    skus = [p["sku"] for s in sections for p in s["products"]]
    assert "PZ-PEP" in skus and "DR-SEA" not in skus
    dear = pos.api("GET", "/v2/stores/st_pechersk/products/PZ-PEP").json()["product"]
    assert dear["price"] == "207.90" and dear["sectionId"] == "sec_pizza"
    assert (
        error(pos.api("GET", "/v2/stores/st_podil/products/DR-SEA"), 404)["code"]
        == "resource_missing"
    )


def test_a_ticket_is_priced_from_the_catalog(pos: Countertop) -> None:
    answer = pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body())
    assert answer.status_code == 201, answer.text
    ticket = answer.json()["ticket"]
    assert (ticket["status"], ticket["reference"], ticket["number"]) == ("open", "ord_1", 1001)
    first, second = ticket["lines"]
    assert (first["unitPrice"], first["lineTotal"], second["lineTotal"]) == (
        "219.00",
        "234.00",
        "110.00",
    )
    assert ticket["total"] == "344.00" and ticket["prepaid"] and ticket["paidAmount"] == "344.00"
    assert pos.api("GET", f"/v2/tickets/{ticket['id']}").json()["ticket"] == ticket


def test_tickets_are_found_by_reference_and_not_deduplicated(pos: Countertop) -> None:
    for _ in range(2):
        pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body())
    found = pos.api("GET", "/v2/stores/st_podil/tickets", params={"reference": "ord_1"}).json()
    assert len(found["tickets"]) == 2 and found["hasMore"] is False
    later = pos.api(
        "GET", "/v2/stores/st_podil/tickets", params={"createdAfter": "2999-01-01T00:00:00Z"}
    ).json()
    assert later["tickets"] == []
    bad = pos.api("GET", "/v2/stores/st_podil/tickets", params={"createdAfter": "yesterday"})
    assert error(bad, 422)["param"] == "createdAfter"


def _line(**changes: Any) -> dict[str, Any]:
    return {"sku": "DS-CRS", "quantity": 1, **changes}


@pytest.mark.parametrize(
    ("changes", "code", "param"),
    [
        ({"lines": [_line(sku="NOPE")]}, "unknown_sku", "lines[0].sku"),
        ({"lines": [_line(sku="DR-SEA")]}, "unknown_sku", "lines[0].sku"),
        ({"lines": [_line(sku="DS-ECL")]}, "sold_out", "lines[0].sku"),
        ({"lines": [_line(sku="PZ-PEP")]}, "size_required", "lines[0].sizeCode"),
        ({"lines": [_line(sizeCode="X")]}, "unknown_size", "lines[0].sizeCode"),
        ({"lines": [_line(addons=[{"id": "ad_bbq"}])]}, "unknown_addon", "lines[0].addons[0]"),
        ({"lines": [_line(sku="BG-CHS")]}, "addon_limits", "lines[0].addons"),
        (
            {"lines": [_line(sku="BG-CHS", addons=[{"id": "ad_medium"}, {"id": "ad_cheese"}])]},
            "sold_out",
            "lines[0].addons[1]",
        ),
        ({"lines": [_line(quantity=0)]}, "invalid_quantity", "lines[0].quantity"),
        ({"lines": [_line(unitPrice="55.005")]}, "invalid_amount", "lines[0].unitPrice"),
        ({"lines": []}, "lines_required", "lines"),
        ({"serviceType": "DRONE"}, "invalid_service_type", "serviceType"),
        ({"serviceType": "DELIVERY"}, "address_required", "deliveryAddress"),
        ({"serviceType": "EAT_IN"}, "table_required", "tableCode"),
        ({"prepaid": "yes"}, "invalid_boolean", "prepaid"),
        ({"reference": "x" * 65}, "invalid_reference", "reference"),
    ],
)
def test_what_cannot_be_sold_is_refused_with_the_parameter(
    pos: Countertop, changes: dict[str, Any], code: str, param: str
) -> None:
    found = error(pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body(**changes)), 422)
    assert (found["type"], found["code"], found["param"]) == ("invalid_request_error", code, param)
    assert pos.sandbox.world.tickets == {}


def test_malformed_bodies_and_unknown_stores(pos: Countertop) -> None:
    raw = pos.api(
        "POST",
        "/v2/stores/st_podil/tickets",
        content=b"{no",
        headers={"content-type": "application/json"},
    )
    assert error(raw, 400)["code"] == "invalid_json"
    assert (
        error(pos.api("POST", "/v2/stores/st_nope/tickets", json=ticket_body()), 404)["code"]
        == "resource_missing"
    )


def test_an_offline_store_takes_no_tickets(pos: Countertop) -> None:
    pos.control("/_sandbox/availability", {"online": False, "store": "st_podil"})
    assert (
        error(pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body()), 409)["code"]
        == "store_offline"
    )


def test_void_until_closed(pos: Countertop) -> None:
    first = pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body()).json()["ticket"]
    voided = pos.api(
        "POST", f"/v2/tickets/{first['id']}/void", json={"reason": "guest called"}
    ).json()
    assert (
        voided["ticket"]["status"] == "voided" and voided["ticket"]["voidReason"] == "guest called"
    )
    second = pos.api("POST", "/v2/stores/st_podil/tickets", json=ticket_body()).json()["ticket"]
    pos.control(f"/_sandbox/orders/{second['id']}/close")
    assert (
        error(pos.api("POST", f"/v2/tickets/{second['id']}/void", json={}), 409)["code"]
        == "ticket_closed"
    )


def test_bookings_are_made_and_found(pos: Countertop) -> None:
    body = {
        "reference": "res_1",
        "partySize": 4,
        "startsAt": "2030-01-01T17:00:00Z",
        "tableCode": "T4",
    }
    booking = pos.api("POST", "/v2/stores/st_podil/bookings", json=body).json()["booking"]
    assert booking["state"] == "requested" and booking["durationMinutes"] == 90
    listed = pos.api("GET", "/v2/stores/st_podil/bookings", params={"reference": "res_1"}).json()
    assert [b["id"] for b in listed["bookings"]] == [booking["id"]]
    bad = pos.api("POST", "/v2/stores/st_podil/bookings", json={**body, "tableCode": "T99"})
    assert error(bad, 422)["code"] == "unknown_table"
    assert (
        error(
            pos.api("POST", "/v2/stores/st_podil/bookings", json={**body, "startsAt": "tomorrow"}),
            422,
        )["param"]
        == "startsAt"
    )
