"""Poster's menu → the canonical menu: prices and visibility per spot, variants, groups."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter

from orderbridge.connectors.poster.mapping import (
    absolute_photo,
    item_from_product,
    location_infos,
    menu_from_poster,
    to_hundredths,
    to_minor,
    tree_order,
)
from orderbridge.connectors.poster.schemas import (
    PosterAccountSettings,
    PosterCategory,
    PosterHall,
    PosterProduct,
    PosterSpot,
    PosterTable,
)
from orderbridge.domain.money import Money
from tests.connectors.poster.support import payload

PHOTOS = "https://api-demo.joinposter.com"
products = TypeAdapter(list[PosterProduct])
categories = TypeAdapter(list[PosterCategory])


def _product(name: str) -> PosterProduct:
    return PosterProduct.model_validate(payload(name))


def test_reference_borjomi_modification_becomes_a_variant_with_refs() -> None:
    """Borjomi's modification 147 (listed twice per spot) is one variant at 681.00."""
    borjomi = products.validate_python(payload("reference_get_products"))[0]
    item = item_from_product(borjomi, spot_id=1, currency="UAH", photo_base=PHOTOS)
    assert item is not None
    assert [(v.id, v.price, dict(v.refs)) for v in item.variants] == [
        ("147", Money(68100, "UAH"), {"poster": "147"})
    ]
    assert item.price == Money(68100, "UAH")
    assert dict(item.refs) == {"poster": "139"}
    assert item.photo_url == f"{PHOTOS}/upload/4/menu/product_1403094564_139_original.jpg"


@pytest.mark.parametrize(
    ("name", "spot_id", "price", "visible"),
    [
        ("reference_get_product_140", 1, 40000, True),
        ("reference_get_product_dish_175", 2, 60000, True),
        ("sandbox_get_product_dish_172", 1, 19500, True),
        ("sandbox_get_product_dish_172", 2, 19500, False),
    ],
)
def test_price_and_visibility_come_from_the_spot(
    name: str, spot_id: int, price: int, visible: bool
) -> None:
    """Each spot's row decides the item's price and whether it is shown there."""
    item = item_from_product(_product(name), spot_id=spot_id, currency="UAH", photo_base=PHOTOS)
    assert item is not None
    assert item.price == Money(price, "UAH")
    assert item.availability.visible is visible


def test_a_spot_without_a_price_row_does_not_sell_the_item() -> None:
    """No row for spot 3 means the product is not on that spot's menu at all."""
    item = item_from_product(
        _product("reference_get_product_140"), spot_id=3, currency="UAH", photo_base=PHOTOS
    )
    assert item is None


def test_dish_groups_become_modifier_groups_with_limits_and_deltas() -> None:
    """Соус 0..2 and Гарнір 1..1, modifiers keyed by dish_modification_id."""
    item = item_from_product(
        _product("sandbox_get_product_dish_172"), spot_id=1, currency="UAH", photo_base=PHOTOS
    )
    assert item is not None
    groups = [(g.id, g.name, g.min, g.max) for g in item.modifier_groups]
    assert groups == [("15", "Соус", 0, 2), ("16", "Гарнір", 1, 1)]
    sauce = item.modifier_groups[0].modifiers[0]
    assert (sauce.id, sauce.name, sauce.price, dict(sauce.refs)) == (
        "59",
        "BBQ",
        Money(1500, "UAH"),
        {"poster": "59"},
    )


@pytest.mark.parametrize(
    ("num_max", "kind", "expected"),
    [(0, 1, 1), (0, 2, 99), (3, 2, 3)],
)
def test_open_ended_groups(num_max: int, kind: int, expected: int) -> None:
    """``num_max`` 0: one for "one of several", no practical limit for "several"."""
    dish = PosterProduct.model_validate(
        {
            "product_id": "9",
            "product_name": "Dish",
            "type": "2",
            "spots": [{"spot_id": "1", "price": "1000", "visible": "1"}],
            "group_modifications": [
                {
                    "dish_modification_group_id": 1,
                    "name": "G",
                    "num_min": 0,
                    "num_max": num_max,
                    "type": kind,
                    "modifications": [{"dish_modification_id": 5, "name": "M", "price": 0}],
                }
            ],
        }
    )
    item = item_from_product(dish, spot_id=1, currency="UAH", photo_base=PHOTOS)
    assert item is not None
    assert item.modifier_groups[0].max == expected


def test_hidden_product_and_hidden_category_are_not_visible() -> None:
    """``hidden`` 1 hides the item; a hidden parent category hides its children."""
    cats = categories.validate_python(
        [
            {"category_id": "1", "category_name": "Bar", "category_hidden": "1"},
            {"category_id": "2", "category_name": "Wine", "parent_category": "1"},
            {"category_id": "3", "category_name": "Food"},
        ]
    )
    rows = [{"spot_id": "1", "price": "5000", "visible": "1"}]
    prods = products.validate_python(
        [
            {"product_id": "10", "product_name": "Merlot", "menu_category_id": "2", "spots": rows},
            {
                "product_id": "11",
                "product_name": "Soup",
                "menu_category_id": "3",
                "hidden": "1",
                "spots": rows,
            },
        ]
    )
    menu = menu_from_poster(
        cats, prods, location_id="x", spot_id=1, currency="UAH", photo_base=PHOTOS
    )
    assert [(c.id, c.visible) for c in menu.categories] == [("1", False), ("2", False), ("3", True)]
    soup = menu.item("11")
    assert soup is not None and not soup.availability.visible


def test_out_of_stock_products_are_unavailable() -> None:
    """What the stock webhooks said is sold out is marked out of stock."""
    prods = products.validate_python(payload("reference_get_products"))
    menu = menu_from_poster(
        [], prods, location_id="x", spot_id=1, currency="UAH", photo_base=PHOTOS, out_of_stock={138}
    )
    evian, borjomi = menu.item("138"), menu.item("139")
    assert evian is not None and not evian.availability.in_stock
    assert borjomi is not None and borjomi.availability.in_stock
    # Both sit on Poster's root, which the reference names by the products' category.
    assert [c.id for c in menu.categories] == ["0"]


def test_sandbox_sample_maps_per_spot() -> None:
    """The same Poster menu gives each spot its own prices and visibility."""
    prods = products.validate_python(payload("sandbox_get_products_sample"))
    cats = categories.validate_python(payload("sandbox_get_categories"))
    podil = menu_from_poster(
        cats, prods, location_id="p", spot_id=1, currency="UAH", photo_base=PHOTOS
    )
    pechersk = menu_from_poster(
        cats, prods, location_id="q", spot_id=2, currency="UAH", photo_base=PHOTOS
    )
    lemonade_podil, lemonade_pechersk = podil.item("160"), pechersk.item("160")
    assert lemonade_podil is not None and lemonade_pechersk is not None
    assert [
        v.price.amount for v in lemonade_podil.variants
    ] != [] and podil.version != pechersk.version
    assert podil.category_of("172") is not None and podil.category_of("172").id == "33"  # type: ignore[union-attr]


def test_categories_come_in_tree_order() -> None:
    """Parents before children, siblings by sort order, as the register shows them."""
    ordered = tree_order(categories.validate_python(payload("sandbox_get_categories")))
    ids = [c.category_id for c in ordered]
    assert ids.index(30) + 1 == ids.index(39)  # Коктейли right under Бар
    assert ids[0] == 10  # Кава has sort order 1


def test_money_scales_between_poster_hundredths_and_minor_units() -> None:
    """Poster counts hundredths; a zero-decimal currency is scaled, UAH is not."""
    assert to_minor(19000, "UAH") == Money(19000, "UAH")
    assert to_minor(50000, "JPY") == Money(500, "JPY")
    assert to_minor(1250, "KWD") == Money(12500, "KWD")
    assert to_hundredths(Money(500, "JPY")) == 50000
    assert absolute_photo("https://cdn.example/x.jpg", PHOTOS) == "https://cdn.example/x.jpg"
    assert absolute_photo(None, PHOTOS) is None


def test_spots_halls_and_tables_become_locations() -> None:
    """The reference's spots, halls and tables, with the account's timezone and currency."""
    spots = TypeAdapter(list[PosterSpot]).validate_python(payload("reference_get_spots"))
    halls = TypeAdapter(list[PosterHall]).validate_python(
        [
            {"hall_id": "1", "hall_name": "Main", "spot_id": "1"},
            *payload("reference_get_spot_tables_halls"),
        ]
    )
    tables = TypeAdapter(list[PosterTable]).validate_python(
        payload("reference_get_table_hall_tables")
    )
    account = PosterAccountSettings.model_validate(payload("reference_get_all_settings"))
    madrid, milan = location_infos(spots, halls, tables, account)
    assert (madrid.external_id, madrid.name, madrid.address) == (
        "1",
        "Spot in Madrid",
        "Rome, Madrid",
    )
    assert [(t.external_id, t.name, t.hall) for t in madrid.tables] == [
        ("3", "1", "Main"),
        ("4", "2", "Main"),
    ]
    assert (milan.tables, milan.timezone, milan.currency) == ((), "Europe/Kiev", "UAH")
