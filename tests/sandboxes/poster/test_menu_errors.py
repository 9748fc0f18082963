"""Every menu error path answers Poster's code, changes nothing and announces nothing."""

from __future__ import annotations

from typing import Any

import pytest

from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from tests.sandboxes.poster.menu_support import MENU_TOKEN, MenuSink

_GROUP = {
    "name": "Соус",
    "type": 1,
    "minNum": 0,
    "maxNum": 1,
    "modifications": [{"name": "Сирний", "price": 1500}],
}

CASES: list[tuple[str, str, dict[str, Any], int]] = [
    ("getCategory without id", "menu.getCategory", {}, 34),
    ("getCategory unknown", "menu.getCategory", {"category_id": "999"}, 32),
    ("getCategory not an int", "menu.getCategory", {"category_id": "abc"}, 701),
    ("getCategories bad fiscal", "menu.getCategories", {"fiscal": "x"}, 701),
    ("createCategory without name", "menu.createCategory", {"parent_category": "0"}, 34),
    (
        "createCategory unknown parent",
        "menu.createCategory",
        {"category_name": "X", "parent_category": "999"},
        32,
    ),
    (
        "createCategory bad hidden",
        "menu.createCategory",
        {"category_name": "X", "category_hidden": "yes"},
        701,
    ),
    (
        "createCategory hidden not 0/1",
        "menu.createCategory",
        {"category_name": "X", "category_hidden": 5},
        400,
    ),
    ("updateCategory without id", "menu.updateCategory", {"category_name": "X"}, 34),
    ("updateCategory unknown", "menu.updateCategory", {"category_id": 999}, 32),
    (
        "updateCategory into its child",
        "menu.updateCategory",
        {"category_id": 30, "parent_category": 39},
        400,
    ),
    ("removeCategory without id", "menu.removeCategory", {}, 34),
    ("removeCategory unknown", "menu.removeCategory", {"category_id": 999}, 32),
    ("getProducts bad category", "menu.getProducts", {"category_id": "1x"}, 701),
    ("getProduct without id", "menu.getProduct", {}, 34),
    ("getProduct unknown", "menu.getProduct", {"product_id": "99999"}, 32),
    ("getProduct not an int", "menu.getProduct", {"product_id": "14.5"}, 701),
    ("createProduct without name", "menu.createProduct", {"price": 100}, 34),
    (
        "createProduct unknown category",
        "menu.createProduct",
        {"product_name": "X", "menu_category_id": 999},
        32,
    ),
    ("createProduct bad price", "menu.createProduct", {"product_name": "X", "price": "12a"}, 701),
    (
        "createProduct bad spot key",
        "menu.createProduct",
        {"product_name": "X", "different_spots_prices": 1, "price": {"a": 100}},
        701,
    ),
    (
        "createProduct modifications without names",
        "menu.createProduct",
        {"product_name": "X", "modifications": 1, "price": [100, 200]},
        34,
    ),
    (
        "createProduct duplicate modification names",
        "menu.createProduct",
        {"product_name": "X", "modifications": 1, "modificator_name": ["0,5 л", "0,5 л"]},
        154,
    ),
    (
        "createProduct bad second modification price",
        "menu.createProduct",
        {
            "product_name": "X",
            "modifications": 1,
            "modificator_name": ["S", "L"],
            "price": ["100", "x"],
        },
        701,
    ),
    (
        "createProduct bad flag",
        "menu.createProduct",
        {"product_name": "X", "different_spots_prices": 3},
        400,
    ),
    ("updateProduct without id", "menu.updateProduct", {"product_name": "X"}, 34),
    ("updateProduct unknown", "menu.updateProduct", {"id": 99999}, 32),
    ("updateProduct of a dish", "menu.updateProduct", {"id": 175, "product_name": "X"}, 32),
    (
        "updateProduct unknown modification",
        "menu.updateProduct",
        {"id": 57, "modifications": 1, "modificator_id": [1, 999], "modificator_name": ["a", "b"]},
        32,
    ),
    (
        "updateProduct modification without id",
        "menu.updateProduct",
        {"id": 57, "modifications": 1, "modificator_name": ["a"]},
        34,
    ),
    ("removeProduct unknown", "menu.removeProduct", {"product_id": 99999}, 32),
    ("removeProduct without id", "menu.removeProduct", {}, 34),
    ("createDish without name", "menu.createDish", {"price": 100}, 34),
    (
        "createDish unknown category",
        "menu.createDish",
        {"product_name": "X", "menu_category_id": 999},
        32,
    ),
    (
        "createDish group without name",
        "menu.createDish",
        {"product_name": "X", "modificationgroup": [{**_GROUP, "name": ""}]},
        34,
    ),
    (
        "createDish min above max",
        "menu.createDish",
        {"product_name": "X", "modificationgroup": [{**_GROUP, "minNum": 2, "maxNum": 1}]},
        400,
    ),
    (
        "createDish bad group type",
        "menu.createDish",
        {"product_name": "X", "modificationgroup": [{**_GROUP, "type": 3}]},
        400,
    ),
    (
        "createDish bad modifier price",
        "menu.createDish",
        {
            "product_name": "X",
            "modificationgroup": [{**_GROUP, "modifications": [{"name": "a", "price": "cheap"}]}],
        },
        701,
    ),
    (
        "createDish duplicate modifier",
        "menu.createDish",
        {
            "product_name": "X",
            "modificationgroup": [{**_GROUP, "modifications": [{"name": "a"}, {"name": "A"}]}],
        },
        154,
    ),
    (
        "createDish groups not an array",
        "menu.createDish",
        {"product_name": "X", "modificationgroup": "7"},
        36,
    ),
    (
        "createDish ingredient without id",
        "menu.createDish",
        {"product_name": "X", "ingredient": [{"brutto": 10}]},
        34,
    ),
    (
        "createDish bad ingredient gross",
        "menu.createDish",
        {"product_name": "X", "ingredient": [{"id": 1, "brutto": "lots"}]},
        400,
    ),
    ("updateDish without id", "menu.updateDish", {"product_name": "X"}, 34),
    ("updateDish of a product", "menu.updateDish", {"dish_id": 138}, 32),
    (
        "updateDish unknown group",
        "menu.updateDish",
        {"dish_id": 171, "modificationgroup": [{**_GROUP, "dish_modification_group_id": 9999}]},
        32,
    ),
    (
        "updateDish another dish's modifier",
        "menu.updateDish",
        {
            "dish_id": 171,
            "modificationgroup": [
                {**_GROUP, "modifications": [{"name": "a", "dish_modification_id": 19}]}
            ],
        },
        32,
    ),
    ("removeDish of a product", "menu.removeDish", {"dish_id": 138}, 32),
    ("removeDish unknown", "menu.removeDish", {"dish_id": 99999}, 32),
]


@pytest.mark.parametrize(
    ("method", "params", "code"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_errors_leave_the_menu_untouched(
    menu_sandbox: PosterSandbox,
    menu_sink: MenuSink,
    method: str,
    params: dict[str, Any],
    code: int,
) -> None:
    before = menu_sandbox.world.model_dump_json()
    with pytest.raises(PosterError) as err:
        menu_sandbox.call(method, MENU_TOKEN, params)
    assert err.value.code == code, err.value.message
    assert menu_sandbox.world.model_dump_json() == before
    assert menu_sink.events == []


@pytest.mark.parametrize("method", ["menu.getProduct", "menu.removeProduct"])
def test_a_removed_product_is_gone_for_good(menu_sandbox: PosterSandbox, method: str) -> None:
    menu_sandbox.call("menu.removeProduct", MENU_TOKEN, {"product_id": 138})
    with pytest.raises(PosterError) as err:
        menu_sandbox.call(method, MENU_TOKEN, {"product_id": 138})
    assert err.value.code == 32


def test_a_removed_category_cannot_be_removed_again(menu_sandbox: PosterSandbox) -> None:
    menu_sandbox.call("menu.removeCategory", MENU_TOKEN, {"category_id": 52})
    with pytest.raises(PosterError) as err:
        menu_sandbox.call("menu.removeCategory", MENU_TOKEN, {"category_id": 52})
    assert err.value.code == 32


def test_error_names_the_field(menu_sandbox: PosterSandbox) -> None:
    with pytest.raises(PosterError) as err:
        menu_sandbox.call(
            "menu.createProduct",
            MENU_TOKEN,
            {
                "product_name": "X",
                "modifications": 1,
                "modificator_name": ["S", "L"],
                "price": ["100", "x"],
            },
        )
    assert err.value.field == "price[1]"
