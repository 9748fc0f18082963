"""menu.get* beyond the examples: filters, the tree, dish modifier groups, the seed, scale."""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed_menu import generate_menu
from orderbridge.sandboxes.poster.state import Account, Spot, World
from tests.sandboxes.poster.menu_support import MENU_TOKEN, menu_account
from tests.sandboxes.poster.shapes import assert_shape

# Real Poster's group_modifications, as other Poster clients decode it.
GROUP_SHAPE = {
    "dish_modification_group_id": 1,
    "name": "Соус",
    "num_min": 0,
    "num_max": 1,
    "type": 1,
    "is_deleted": 0,
    "modifications": [
        {
            "dish_modification_id": 1,
            "name": "Сирний",
            "ingredient_id": 0,
            "type": 1,
            "brutto": 0,
            "price": 1500,
            "photo_orig": "",
            "photo_large": "",
            "photo_small": "",
            "last_modified_time": "",
        }
    ],
}


def _get(sandbox: PosterSandbox, method: str, **params: Any) -> Any:
    return sandbox.call(method, MENU_TOKEN, params)


def test_type_filter(menu_sandbox: PosterSandbox) -> None:
    dishes = _get(menu_sandbox, "menu.getProducts", type="batchtickets")
    products = _get(menu_sandbox, "menu.getProducts", type="products")
    everything = _get(menu_sandbox, "menu.getProducts")
    assert {d["type"] for d in dishes} == {"2"} and {p["type"] for p in products} == {"3"}
    assert len(dishes) + len(products) == len(everything)


def test_hidden_products_are_listed_as_hidden(menu_sandbox: PosterSandbox) -> None:
    rows = {r["product_id"]: r for r in _get(menu_sandbox, "menu.getProducts")}
    assert rows["118"]["hidden"] == "1" and rows["138"]["hidden"] == "0"


def test_dishes_carry_group_modifications(menu_sandbox: PosterSandbox) -> None:
    capuccino = _get(menu_sandbox, "menu.getProduct", product_id=114)
    assert [g["name"] for g in capuccino["group_modifications"]] == ["Молоко", "Сироп"]
    milk, syrup = capuccino["group_modifications"]
    assert (milk["num_min"], milk["num_max"], syrup["num_min"], syrup["num_max"]) == (1, 1, 0, 2)
    for group in capuccino["group_modifications"]:
        assert_shape(group, GROUP_SHAPE)
    assert milk["modifications"][1]["photo_orig"].startswith("/upload/")


def test_category_tree_is_a_nested_set(menu_sandbox: PosterSandbox) -> None:
    cats = {c["category_id"]: c for c in _get(menu_sandbox, "menu.getCategories")}
    bar, cocktails = cats["30"], cats["39"]
    assert cocktails["parent_category"] == "30" and cocktails["level"] == "2"
    assert int(bar["left"]) < int(cocktails["left"]) < int(cocktails["right"]) < int(bar["right"])
    assert _get(menu_sandbox, "menu.getCategories", fiscal=1) == []
    assert "id_1c" in _get(menu_sandbox, "menu.getCategories", id_1c="true")[0]


def test_seed_is_a_believable_cafe() -> None:
    account = menu_account()
    live = [p for p in account.products.values() if not p.deleted]
    assert len(account.categories) >= 6 and len(live) >= 40
    assert any(p.modifications for p in live) and any(p.group_modifications for p in live)
    assert any(p.hidden for p in live)
    assert any(p.spots.get(1) != p.spots.get(2) for p in live if p.spots)
    assert any(0 in p.stock.values() for p in live)
    for product_id in (
        48,
        57,
        112,
        113,
        138,
        139,
        140,
        142,
        161,
        162,
        168,
        169,
        171,
        175,
        908,
        925,
    ):
        assert product_id in account.products
    assert account.next_id("product") > max(account.products)
    assert account.next_id("category") > max(account.categories)


def test_ten_thousand_items_are_all_listed() -> None:
    """A generated 10,000-item menu lists every item once (its speed is
    bench/poster_sandbox_start.py's business, not a test's)."""
    account = Account(account="big", account_number="1", personal_token="1:big")
    account.spots = {1: Spot(spot_id=1, spot_name="A"), 2: Spot(spot_id=2, spot_name="B")}
    generate_menu(account, 10_000, seed=7)
    sandbox = PosterSandbox(World(accounts={"big": account}))
    rows = sandbox.call("menu.getProducts", "1:big", {})
    assert len(rows) == 10_000
    assert len({row["product_id"] for row in rows}) == 10_000


def test_generated_menu_is_repeatable() -> None:
    def build() -> str:
        account = Account(account="g", account_number="1")
        account.spots = {1: Spot(spot_id=1, spot_name="A")}
        generate_menu(account, 200, seed=3)
        return account.model_dump_json()

    assert build() == build()
