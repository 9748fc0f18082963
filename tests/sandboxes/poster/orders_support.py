"""Helpers for the incoming-orders, clients, transactions and register tests.

A small world (the demo account with ``seed_places`` and the products the reference's
order examples name), a recording webhook sink, PHP's form encoding, and a comparison
of answers with the reference's example responses by field names and JSON types.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from orderbridge.sandboxes.poster.context import WebhookEvent
from orderbridge.sandboxes.poster.params import parse_php_pairs
from orderbridge.sandboxes.poster.seed_back import seed_people
from orderbridge.sandboxes.poster.seed_places import seed_places
from orderbridge.sandboxes.poster.state import (
    Account,
    DishModification,
    DishModificationGroup,
    Installation,
    Product,
    ProductModification,
    Spot,
    SpotPrice,
    World,
)

TOKEN = "687409:4164553abf6a031302898da7800b59fb"
APP_ID = 76
APP_TOKEN = "687409:00000000000000000000000000000076"
NOW = datetime(2018, 3, 22, 15, 2, 41, tzinfo=UTC)  # 17:02:41 in Kyiv


class RecordingSink:
    """Keeps every published webhook event, in order."""

    def __init__(self) -> None:
        self.events: list[WebhookEvent] = []

    def publish(self, event: WebhookEvent) -> None:
        self.events.append(event)

    def seen(self) -> list[tuple[str, int, str]]:
        return [(e.object, e.object_id, e.action) for e in self.events]


def _simple(pid: int, name: str, price: int, *, spot2: bool = True) -> Product:
    spots = {1: SpotPrice(price=price)}
    spots[2] = SpotPrice(price=price, visible=spot2)
    return Product(product_id=pid, product_name=name, spots=spots)


def build_world() -> World:
    """The demo account: two spots, seeded places, and a few products."""
    account = Account(
        account="api-demo",
        account_number="687409",
        personal_token=TOKEN,
        spots={
            1: Spot(spot_id=1, spot_name="Бріош на Подолі"),
            2: Spot(spot_id=2, spot_name="Brioche Pechersk", storage_id=2),
        },
    )
    seed_places(account)
    seed_people(account)
    for product in (
        _simple(169, "Річкова форель", 5500),
        _simple(139, "Еспресо", 3000),
        _simple(161, "Круасан", 4500),
        _simple(113, "Американо", 3500),
        _simple(120, "Сезонний пиріг", 6000, spot2=False),
    ):
        account.products[product.product_id] = product
    account.products[130] = Product(
        product_id=130,
        product_name="Лимонад",
        modifications=[
            ProductModification(
                modificator_id=7, modificator_name="0,3 л", spots={1: SpotPrice(price=4000)}
            ),
            ProductModification(
                modificator_id=8, modificator_name="0,5 л", spots={1: SpotPrice(price=5500)}
            ),
        ],
    )
    account.products[112] = Product(
        product_id=112,
        product_name="Піца",
        type=2,
        spots={1: SpotPrice(price=15000), 2: SpotPrice(price=15000)},
        group_modifications=[
            DishModificationGroup(
                dish_modification_group_id=1,
                name="Соус",
                num_min=1,
                num_max=1,
                modifications=[
                    DishModification(dish_modification_id=19, name="Томатний", price=0),
                    DishModification(dish_modification_id=20, name="Вершковий", price=1000),
                ],
            ),
            DishModificationGroup(
                dish_modification_group_id=2,
                name="Добавки",
                num_min=0,
                num_max=3,
                type=2,
                modifications=[DishModification(dish_modification_id=21, name="Сир", price=2000)],
            ),
        ],
    )
    account.products[150] = Product(
        product_id=150, product_name="Видалений", spots={1: SpotPrice(price=100)}, deleted=True
    )
    account.installations[APP_ID] = Installation(application_id=APP_ID, access_token=APP_TOKEN)
    return World(accounts={"api-demo": account})


def php_pairs(data: Any, prefix: str = "") -> list[tuple[str, str]]:
    """What PHP's ``http_build_query`` makes of an array (true → 1, null left out)."""
    pairs: list[tuple[str, str]] = []
    items = list(enumerate(data)) if isinstance(data, list) else list(data.items())
    for key, value in items:
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, dict | list):
            pairs += php_pairs(value, name)
        elif value is None:
            continue
        elif isinstance(value, bool):
            pairs.append((name, "1" if value else "0"))
        else:
            pairs.append((name, str(value)))
    return pairs


def as_form(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` as the sandbox receives it form-encoded: PHP brackets, every value text."""
    return parse_php_pairs(parse_qsl(urlencode(php_pairs(data)), keep_blank_values=True))


def kind(value: Any) -> str:
    """A JSON value's type: string, number, boolean, array, object or null."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def assert_shape(actual: Any, example: Any, path: str = "response") -> None:
    """``actual`` has every field of the reference ``example``, each of the same JSON type.

    ``null`` on either side matches anything: the examples show nullable fields both
    null and filled.
    """
    if example is None or actual is None:
        return
    assert kind(actual) == kind(example), (
        f"{path}: {kind(actual)} where the reference has {kind(example)}"
    )
    if isinstance(example, dict):
        missing = set(example) - set(actual)
        assert not missing, f"{path}: missing {sorted(missing)}"
        for key, value in example.items():
            assert_shape(actual[key], value, f"{path}.{key}")
    elif isinstance(example, list) and example:
        for i, item in enumerate(actual):
            assert_shape(item, example[0], f"{path}[{i}]")


def reference(text: str) -> Any:
    """A reference example response's ``response`` part."""
    return json.loads(text)["response"]
