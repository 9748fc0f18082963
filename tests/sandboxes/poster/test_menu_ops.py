"""Register-side menu changes (menu_ops) and the questions orders ask of a product."""

from __future__ import annotations

import json

import pytest

from orderbridge.sandboxes.poster import menu_ops
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.state import Product
from tests.sandboxes.poster.menu_support import MENU_TOKEN, MenuSink


def _product(sandbox: PosterSandbox, product_id: int) -> Product:
    return sandbox.world.accounts["api-demo"].products[product_id]


def _run(sandbox: PosterSandbox, action: str, *args: object) -> None:
    ctx = sandbox.context(sandbox.world.accounts["api-demo"])
    getattr(menu_ops, action)(ctx, *args)
    sandbox.commit(ctx)


def test_set_price_changes_the_answer_and_announces_the_product(
    menu_sandbox: PosterSandbox, menu_sink: MenuSink
) -> None:
    _run(menu_sandbox, "set_price", 138, 2, 21000)
    answer = menu_sandbox.call("menu.getProduct", MENU_TOKEN, {"product_id": 138})
    assert answer["price"] == {"1": "19000", "2": "21000"}
    assert answer["different_spots_prices"] == "1"
    assert menu_ops.price_at(_product(menu_sandbox, 138), 2) == 21000
    assert menu_sink.summary() == [("product", 138, "changed")]


def test_set_price_of_a_dish_announces_a_dish(
    menu_sandbox: PosterSandbox, menu_sink: MenuSink
) -> None:
    _run(menu_sandbox, "set_price", 175, 1, 61000)
    assert menu_sink.summary() == [("dish", 175, "changed")]


def test_set_price_of_a_modification(menu_sandbox: PosterSandbox) -> None:
    _run(menu_sandbox, "set_price", 139, 1, 70000, 147)
    assert menu_ops.price_at(_product(menu_sandbox, 139), 1, 147) == 70000


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((99999, 1, 100), 32),
        ((138, 9, 100), 32),
        ((139, 1, 100), 34),
        ((139, 1, 100, 999), 32),
        ((138, 1, -1), 400),
    ],
)
def test_set_price_refuses_and_changes_nothing(
    menu_sandbox: PosterSandbox, menu_sink: MenuSink, args: tuple[int, ...], code: int
) -> None:
    before = menu_sandbox.world.model_dump_json()
    with pytest.raises(PosterError) as err:
        _run(menu_sandbox, "set_price", *args)
    assert err.value.code == code
    assert menu_sandbox.world.model_dump_json() == before
    assert menu_sink.events == []


def test_set_visible_hides_at_one_spot(menu_sandbox: PosterSandbox, menu_sink: MenuSink) -> None:
    _run(menu_sandbox, "set_visible", 138, 2, False)
    spots = menu_sandbox.call("menu.getProduct", MENU_TOKEN, {"product_id": 138})["spots"]
    assert [s["visible"] for s in spots] == ["1", "0"]
    product = _product(menu_sandbox, 138)
    assert menu_ops.is_visible_at(product, 1) and not menu_ops.is_visible_at(product, 2)
    assert menu_sink.summary() == [("product", 138, "changed")]


def test_set_visible_without_modification_hides_every_variant(menu_sandbox: PosterSandbox) -> None:
    _run(menu_sandbox, "set_visible", 139, 1, False)
    product = _product(menu_sandbox, 139)
    assert not menu_ops.is_visible_at(product, 1)
    assert menu_ops.is_visible_at(product, 2, 147)


def test_set_hidden(menu_sandbox: PosterSandbox, menu_sink: MenuSink) -> None:
    _run(menu_sandbox, "set_hidden", 113, True)
    assert menu_sandbox.call("menu.getProduct", MENU_TOKEN, {"product_id": 113})["hidden"] == "1"
    assert not menu_ops.is_visible_at(_product(menu_sandbox, 113), 1)
    assert menu_sink.summary() == [("dish", 113, "changed")]


def test_set_stock_sends_the_stock_webhook(
    menu_sandbox: PosterSandbox, menu_sink: MenuSink
) -> None:
    _run(menu_sandbox, "set_stock", 138, 2, 20)
    (event,) = menu_sink.events
    assert (event.object, event.object_id, event.action) == ("stock", 138, "changed")
    assert event.data is not None
    assert json.loads(event.data) == {
        "type": 2,
        "element_id": 138,
        "storage_id": 2,
        "value_relative": -4,
        "value_absolute": 20,
    }


def test_set_stock_unknown_storage(menu_sandbox: PosterSandbox, menu_sink: MenuSink) -> None:
    with pytest.raises(PosterError):
        _run(menu_sandbox, "set_stock", 138, 7, 1)
    assert menu_sink.events == []


def test_set_out_and_back(menu_sandbox: PosterSandbox, menu_sink: MenuSink) -> None:
    _run(menu_sandbox, "set_out", 175, True)
    dish = _product(menu_sandbox, 175)
    assert not menu_ops.in_stock_at(dish, 1) and not menu_ops.in_stock_at(dish, 2)
    assert [json.loads(e.data or "")["type"] for e in menu_sink.events] == [4, 4]
    assert [json.loads(e.data or "")["value_absolute"] for e in menu_sink.events] == [0, 0]
    menu_sink.events.clear()
    _run(menu_sandbox, "set_out", 175, False)
    assert menu_ops.in_stock_at(dish, 1)
    assert [e.object for e in menu_sink.events] == ["stock", "stock"]


def test_set_out_twice_sends_nothing_new(menu_sandbox: PosterSandbox, menu_sink: MenuSink) -> None:
    _run(menu_sandbox, "set_out", 203, True)  # the seed has it sold out already
    assert menu_sink.events == []


def test_price_at_rules(menu_sandbox: PosterSandbox) -> None:
    borjomi, evian = _product(menu_sandbox, 139), _product(menu_sandbox, 138)
    assert menu_ops.price_at(borjomi, 1) is None  # a variant must be chosen
    assert menu_ops.price_at(borjomi, 2, 147) == 68100
    assert menu_ops.price_at(borjomi, 2, 148) == 4800
    assert menu_ops.price_at(borjomi, 2, 999) is None
    assert menu_ops.price_at(evian, 1) == 19000
    assert menu_ops.price_at(evian, 1, 0) == 19000  # 0 means "no modification"
    assert menu_ops.price_at(evian, 1, 147) is None
    assert menu_ops.price_at(evian, 3) is None


def test_visibility_rules(menu_sandbox: PosterSandbox) -> None:
    p = {pid: _product(menu_sandbox, pid) for pid in (141, 118, 169)}
    assert menu_ops.is_visible_at(p[141], 1) and not menu_ops.is_visible_at(p[141], 2)
    assert not menu_ops.is_visible_at(p[118], 1)  # hidden
    menu_sandbox.call("menu.removeDish", MENU_TOKEN, {"dish_id": 169})
    assert not menu_ops.is_visible_at(p[169], 1)
    assert menu_ops.price_at(p[169], 1) is None


def test_find_dish_modification(menu_sandbox: PosterSandbox) -> None:
    syrnyky = _product(menu_sandbox, 112)
    found = menu_ops.find_dish_modification(syrnyky, 19)
    assert found is not None and found.name == "Сметана"
    assert menu_ops.find_dish_modification(syrnyky, 99999) is None
