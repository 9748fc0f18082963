"""Menus survive a trip through a JSON column unchanged, and corrupt ones fail clearly."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from orderbridge.domain.menu import AVAILABLE, Category, Item, Menu, Modifier
from orderbridge.storage.codec import menu_from_json, menu_to_json

from .samples import LOCATION_ID, cafe_menu, uah


def through_text(menu: Menu) -> Menu:
    """Encode, serialise to JSON text, parse and decode, as a database column would."""
    return menu_from_json(json.loads(json.dumps(menu_to_json(menu), ensure_ascii=False)))


def test_full_cafe_menu_round_trips_with_every_field() -> None:
    menu = cafe_menu()
    decoded = through_text(menu)
    assert decoded == menu
    latte = decoded.item("latte")
    assert latte is not None
    assert dict(latte.refs) == {"poster": "139", "wix": "b6f1c0de"}
    assert latte.variants[1].availability.in_stock is False
    assert latte.modifier_groups[0].min == 1
    assert dict(latte.modifier_groups[0].refs) == {"poster": "3"}
    assert decoded.categories[2].visible is False


def test_decoded_menu_has_the_original_version() -> None:
    menu = cafe_menu()
    assert through_text(menu).version == menu.version


def _caramel(menu: Menu) -> Modifier:
    latte = menu.item("latte")
    assert latte is not None
    return latte.modifier_groups[1].modifiers[1]


def test_snoozed_until_keeps_its_moment_and_offset() -> None:
    menu = cafe_menu()
    decoded = through_text(menu)
    snoozed = _caramel(decoded).availability.snoozed_until
    assert snoozed == _caramel(menu).availability.snoozed_until
    assert snoozed is not None
    assert snoozed.isoformat() == "2026-11-20T18:00:00+02:00"
    cake = decoded.item("cheesecake")
    assert cake is not None
    assert cake.availability.snoozed_until == datetime(2026, 11, 20, 16, 0, tzinfo=UTC)


def test_menu_with_every_optional_part_absent_round_trips() -> None:
    plain = Item("croissant", "Круасан", uah(5500))
    for menu in (
        Menu(LOCATION_ID, "UAH"),
        Menu(LOCATION_ID, "UAH", (Category("empty", "Порожня"),)),
        Menu(LOCATION_ID, "UAH", (Category("food", "Їжа", (plain,)),)),
    ):
        decoded = through_text(menu)
        assert decoded == menu
        assert decoded.version == menu.version


def test_document_is_plain_json_with_money_and_iso_moments() -> None:
    document = menu_to_json(cafe_menu())
    json.dumps(document)  # raises if anything is not plain JSON
    latte = document["categories"][0]["items"][0]
    assert latte["price"] == {"amount": 6500, "currency": "UAH"}
    assert latte["name"] == "Латте"
    caramel = latte["modifier_groups"][1]["modifiers"][1]
    assert caramel["availability"]["snoozed_until"] == "2026-11-20T18:00:00+02:00"
    assert latte["availability"] == {"visible": True, "in_stock": True, "snoozed_until": None}


def test_keys_with_model_defaults_may_be_missing() -> None:
    """A row written before a field existed decodes with the model's default."""
    document = {
        "location_id": LOCATION_ID,
        "currency": "UAH",
        "categories": [
            {
                "id": "food",
                "name": "Їжа",
                "items": [
                    {
                        "id": "croissant",
                        "name": "Круасан",
                        "price": {"amount": 5500, "currency": "UAH"},
                    }
                ],
            }
        ],
    }
    menu = menu_from_json(document)
    item = menu.item("croissant")
    assert item is not None
    assert (item.availability, dict(item.refs), item.variants, item.description) == (
        AVAILABLE,
        {},
        (),
        "",
    )
    assert menu.categories[0].visible is True


def _item(document: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = document["categories"][0]["items"][0]
    return item


def _set(
    path: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: object
) -> Callable[[dict[str, Any]], None]:
    def corrupt(document: dict[str, Any]) -> None:
        path(document)[key] = value

    return corrupt


def _drop(key: str) -> Callable[[dict[str, Any]], None]:
    def corrupt(document: dict[str, Any]) -> None:
        del document[key]

    return corrupt


def _duplicate_item(document: dict[str, Any]) -> None:
    document["categories"][1]["items"].append(_item(document))


@pytest.mark.parametrize(
    ("corrupt", "message"),
    [
        (_drop("location_id"), r"^menu\.location_id: missing$"),
        (
            _set(lambda d: d, "categories", {"coffee": []}),
            r"menu\.categories: expected an array, got object",
        ),
        (
            _set(lambda d: _item(d)["price"], "amount", "65.00"),
            r"menu\.categories\[0\]\.items\[0\]\.price\.amount: expected an integer, got string",
        ),
        (
            _set(lambda d: _item(d)["price"], "currency", "грн"),
            r"items\[0\]\.price: currency must be an ISO 4217 code",
        ),
        (
            _set(lambda d: _item(d)["availability"], "snoozed_until", "2026-11-20T18:00:00"),
            r"snoozed_until: datetime without a UTC offset",
        ),
        (
            _set(lambda d: _item(d)["availability"], "in_stock", "yes"),
            r"availability\.in_stock: expected a boolean, got string",
        ),
        (
            _set(lambda d: _item(d)["modifier_groups"][0], "max", 0),
            r"modifier_groups\[0\]: group 'milk': need 0 <= min <= max",
        ),
        (
            _set(lambda d: _item(d)["refs"], "poster", 139),
            r"items\[0\]\.refs\.poster: expected a string, got integer",
        ),
        (_duplicate_item, r"^menu: duplicate item id 'latte'$"),
        (_set(lambda d: d, "currency", "EUR"), r"^menu: item 'latte' has prices outside"),
        (
            _set(lambda d: d["categories"][0], "items", [None]),
            r"items\[0\]: expected an object, got null",
        ),
    ],
)
def test_corrupt_menu_raises_value_error_naming_the_field(
    corrupt: Callable[[dict[str, Any]], None], message: str
) -> None:
    document = menu_to_json(cafe_menu())
    corrupt(document)
    with pytest.raises(ValueError, match=message):
        menu_from_json(document)


@pytest.mark.parametrize("data", [None, [], "menu", 42])
def test_a_menu_document_must_be_an_object(data: object) -> None:
    with pytest.raises(ValueError, match=r"^menu: expected an object"):
        menu_from_json(data)
