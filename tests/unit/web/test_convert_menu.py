"""The storefront menu has DESIGN.md's shape, hides what is hidden and greys out the rest."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from orderbridge.domain.menu import Availability, Category, Item, Menu, Variant
from orderbridge.web.convert import menu_to_out
from tests.unit.domain.cafe import LOCATION_ID, NOW, burger, cafe_menu, croissant, latte, uah

DESIGN_EXAMPLE = json.loads(
    """
{"location_id": "…", "currency": "UAH", "version": "…",
 "categories": [{"id": "…", "name": "…", "items": [
   {"id": "…", "name": "…", "description": "…", "photo_url": "…", "price": 19000,
    "available": true,
    "variants": [{"id": "…", "name": "…", "price": 17000, "available": true}],
    "modifier_groups": [{"id": "…", "name": "…", "min": 1, "max": 1,
      "modifiers": [{"id": "…", "name": "…", "price": 500, "available": true}]}]}]}]}
"""
)


def shape(value: Any) -> Any:
    """Keys and value types, recursively; a list stands for the shape of its elements."""
    if isinstance(value, dict):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(value[0])] if value else []
    return type(value).__name__


def snoozed_for(minutes: int) -> Availability:
    return Availability(snoozed_until=NOW + timedelta(minutes=minutes))


def full_menu() -> Menu:
    """The café with a photo and description on the burger, so every field has a value."""
    described = Item(
        id=burger().id,
        name=burger().name,
        price=burger().price,
        description="Яловичина, бріош",
        photo_url="https://cdn.example.com/burger.jpg",
        variants=(Variant("double", "Подвійний", uah(26000)),),
        modifier_groups=burger().modifier_groups,
    )
    return cafe_menu(food=(described, croissant()))


def test_the_json_has_exactly_the_keys_and_types_of_designs_example() -> None:
    data = menu_to_out(full_menu(), now=NOW).model_dump(mode="json")
    burger_json = data["categories"][1]["items"][0]
    assert shape(burger_json) == shape(DESIGN_EXAMPLE["categories"][0]["items"][0])
    assert shape({**data, "categories": [{**data["categories"][1], "items": [burger_json]}]}) == (
        shape(DESIGN_EXAMPLE)
    )


def test_every_menu_value_is_carried_over_in_display_order() -> None:
    out = menu_to_out(cafe_menu(), now=NOW)
    assert (out.location_id, out.currency) == (LOCATION_ID, "UAH")
    assert [c.id for c in out.categories] == ["coffee", "food"]
    assert [i.id for i in out.categories[1].items] == ["burger", "croissant"]
    coffee = out.categories[0].items[0]
    assert (coffee.name, coffee.price, coffee.description, coffee.photo_url) == (
        "Латте",
        6500,
        "",
        None,
    )
    assert [(v.id, v.price) for v in coffee.variants] == [("latte-s", 6500), ("latte-l", 8000)]
    group = coffee.modifier_groups[0]
    assert (group.id, group.name, group.min, group.max) == ("syrup", "Сироп", 0, 2)
    assert [(m.id, m.price, m.available) for m in group.modifiers] == [
        ("vanilla", 1500, True),
        ("caramel", 1500, True),
    ]


def test_the_unchanged_menu_keeps_the_domains_version() -> None:
    assert menu_to_out(cafe_menu(), now=NOW).version == cafe_menu().version


def test_out_of_stock_things_are_listed_as_unavailable() -> None:
    burger_out = menu_to_out(cafe_menu(), now=NOW).categories[1].items[0]
    extras = burger_out.modifier_groups[1].modifiers
    assert [(m.id, m.available) for m in extras] == [("cheese", True), ("bacon", False)]
    sold_out = Item("croissant", "Круасан", uah(5500), availability=Availability(in_stock=False))
    item = menu_to_out(cafe_menu(food=(sold_out,)), now=NOW).categories[1].items[0]
    assert item.available is False


def test_a_snooze_greys_an_item_out_until_it_ends() -> None:
    snoozed = Item("croissant", "Круасан", uah(5500), availability=snoozed_for(30))
    menu = cafe_menu(food=(snoozed,))
    during = menu_to_out(menu, now=NOW)
    after = menu_to_out(menu, now=NOW + timedelta(minutes=30))
    assert during.categories[1].items[0].available is False
    assert after.categories[1].items[0].available is True
    assert during.version != after.version
    assert after.version == menu.version
    assert during.version == menu_to_out(menu, now=NOW + timedelta(minutes=5)).version


def test_hidden_categories_items_variants_and_modifiers_are_left_out() -> None:
    hidden = Availability(visible=False)
    secret = Item("secret", "Секрет", uah(100), availability=hidden)
    menu = Menu(
        location_id=LOCATION_ID,
        currency="UAH",
        categories=(
            Category("coffee", "Кава", (latte(),)),
            Category("food", "Їжа", (croissant(), secret)),
            Category("staff", "Для персоналу", (burger(),), visible=False),
        ),
    )
    out = menu_to_out(menu, now=NOW)
    assert [c.id for c in out.categories] == ["coffee", "food"]
    assert [i.id for i in out.categories[1].items] == ["croissant"]

    hidden_variant = Item(
        "tea",
        "Чай",
        uah(4000),
        variants=(
            Variant("black", "Чорний", uah(4000)),
            Variant("rare", "Рідкісний", uah(9000), hidden),
        ),
    )
    tea = menu_to_out(cafe_menu(coffee=(hidden_variant,)), now=NOW).categories[0].items[0]
    assert [v.id for v in tea.variants] == ["black"]


def test_a_category_with_only_hidden_items_is_left_out() -> None:
    hidden = Item("croissant", "Круасан", uah(5500), availability=Availability(visible=False))
    out = menu_to_out(cafe_menu(food=(hidden,)), now=NOW)
    assert [c.id for c in out.categories] == ["coffee"]


def test_an_item_whose_variants_are_all_unavailable_is_unavailable() -> None:
    gone = Availability(in_stock=False)
    tea = Item(
        "tea",
        "Чай",
        uah(4000),
        variants=(
            Variant("black", "Чорний", uah(4000), gone),
            Variant("green", "Зелений", uah(4000), gone),
        ),
    )
    item = menu_to_out(cafe_menu(coffee=(tea,)), now=NOW).categories[0].items[0]
    assert item.available is False
    assert [v.available for v in item.variants] == [False, False]
