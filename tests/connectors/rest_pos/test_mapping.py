"""A POS's answers → the hub's records: statuses through [statuses], amounts through
[money], and a clear permanent error naming what is missing."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orderbridge.connectors.rest_pos import mapping
from orderbridge.connectors.rest_pos.loading import load_text, shipped_text
from orderbridge.ports import PermanentError, PosOrderState
from orderbridge.sandboxes.rest_pos.api import catalog
from orderbridge.sandboxes.rest_pos.seed import demo_world
from tests.connectors.rest_pos.test_manifest import KIOSKO

SANDBOX = load_text(shipped_text("sandbox"))


def ref(record: object, name: str = "get_order") -> object:
    return mapping.ref(SANDBOX, name, "order", SANDBOX.services[name], record)


@pytest.mark.parametrize(
    ("status", "state"),
    [
        ("open", PosOrderState.NEW),
        ("preparing", PosOrderState.ACCEPTED),
        ("rejected", PosOrderState.DECLINED),
        ("voided", PosOrderState.CANCELED),
        ("closed", PosOrderState.COMPLETED),
    ],
)
def test_statuses_map_through_the_manifest(status: str, state: PosOrderState) -> None:
    found = ref({"id": "tk_1", "status": status})
    assert found.pos_order_id == "tk_1" and found.state is state  # type: ignore[attr-defined]


def test_an_unmapped_status_is_permanent_and_says_so() -> None:
    with pytest.raises(PermanentError) as caught:
        ref({"id": "tk_1", "status": "lost"})
    assert caught.value.code == "unknown_status" and "'lost'" in caught.value.reason


def test_a_missing_field_names_the_service_and_the_path() -> None:
    with pytest.raises(PermanentError) as caught:
        ref({"status": "open"})
    assert caught.value.code == "unexpected_response"
    assert "answer to get_order has a record without id" in caught.value.reason


def test_the_sandbox_catalog_becomes_the_menu_with_decimal_prices_in_minor_units() -> None:
    store = demo_world().stores["st_podil"]
    menu = mapping.menu(SANDBOX, catalog(store), None, location_id="podil", currency="UAH")
    pepperoni = menu.item("PZ-PEP")
    assert pepperoni is not None and pepperoni.price.amount == 18900
    assert [(v.id, v.price.amount) for v in pepperoni.variants] == [
        ("PZ-PEP-30", 18900),
        ("PZ-PEP-35", 21900),
    ]
    burger = menu.item("BG-CHS")
    assert burger is not None
    doneness, extras = burger.modifier_groups
    assert (doneness.min, doneness.max, extras.max) == (1, 1, 3)
    assert not extras.modifiers[2].availability.in_stock  # extra cheese is sold out
    eclair = menu.item("DS-ECL")
    assert eclair is not None and not eclair.availability.in_stock
    assert menu.item("DR-SEA") is None  # hidden products are not in the catalog answer
    assert pepperoni.refs == {"rest_pos": "PZ-PEP"}


def test_a_price_that_is_not_in_the_money_format_is_refused() -> None:
    store = demo_world().stores["st_podil"]
    answer = catalog(store)
    answer["sections"][0]["products"][0]["price"] = "45.005"
    with pytest.raises(PermanentError, match="not an amount in decimal_string"):
        mapping.menu(SANDBOX, answer, None, location_id="podil", currency="UAH")


def test_a_flat_menu_joins_items_to_their_categories() -> None:
    kiosko = load_text(KIOSKO)
    categories = {"data": [{"id": "c1", "attributes": {"name": "Drinks"}}]}
    items = {
        "data": [
            {
                "id": "p1",
                "attributes": {
                    "name": "Cola",
                    "price_cents": 4500,
                    "category_id": "c1",
                    "available": True,
                },
            },
            {
                "id": "p2",
                "attributes": {
                    "name": "Lost",
                    "price_cents": 1,
                    "category_id": "c9",
                    "available": True,
                },
            },
        ]
    }
    menu = mapping.menu(kiosko, categories, items, location_id="x", currency="UAH")
    assert [i.id for i in menu.items()] == ["p1"] and menu.item("p1").price.amount == 4500  # type: ignore[union-attr]


def test_minor_units_must_be_whole() -> None:
    kiosko = load_text(KIOSKO)
    reader = mapping.Reader(kiosko, "menu")
    assert reader.money({"p": 4500}, "p", "UAH").amount == 4500
    with pytest.raises(PermanentError):
        reader.money({"p": Decimal("45.5")}, "p", "UAH")
