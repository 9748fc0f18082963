"""Every menu example of the reference, replayed verbatim in both body encodings."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from orderbridge.sandboxes.poster.context import Envelope
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.params import parse_php_pairs
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from tests.sandboxes.poster.menu_examples import EXAMPLES, Example
from tests.sandboxes.poster.menu_support import MENU_TOKEN, MenuSink
from tests.sandboxes.poster.shapes import assert_shape


def http_build_query(data: dict[str, Any]) -> str:
    """What PHP's ``http_build_query`` sends for an array (true → 1, null skipped)."""
    pairs: list[tuple[str, str]] = []

    def add(key: str, value: Any) -> None:
        if isinstance(value, dict):
            for sub, item in value.items():
                add(f"{key}[{sub}]", item)
        elif isinstance(value, list):
            for sub, item in enumerate(value):
                add(f"{key}[{sub}]", item)
        elif isinstance(value, bool):
            pairs.append((key, "1" if value else "0"))
        elif value is not None:
            pairs.append((key, str(value)))

    for key, value in data.items():
        add(key, value)
    return urlencode(pairs)


def as_form(request: dict[str, Any]) -> dict[str, Any]:
    """The request as a form-encoded body arrives: strings in PHP-bracket nesting."""
    return parse_php_pairs(parse_qsl(http_build_query(request), keep_blank_values=True))


def as_json(request: dict[str, Any]) -> dict[str, Any]:
    """The request as a JSON body arrives (PHP's json_encode of the same array)."""
    nested = parse_php_pairs(list(json.loads(json.dumps(request)).items()))
    return json.loads(json.dumps(nested))


# Documented as possibly null (category_tag) or null when there is no photo.
NULLABLE = {"category_tag", "category_photo", "photo", "photo_origin"}

ENCODINGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "form": as_form,
    "json": as_json,
}


def call(sandbox: PosterSandbox, method: str, params: dict[str, Any]) -> Any:
    """The answer's ``response``, or its whole body when it documents keys beside it."""
    result = sandbox.call(method, MENU_TOKEN, params)
    return json.loads(json.dumps(result.body if isinstance(result, Envelope) else result))


NETTO = {"cost_netto", "profit_netto", "modificator_selfprice_netto"}


def without_netto(value: Any) -> Any:
    """``value`` without the VAT-less figures Poster's newer docs add (and the
    reference's examples predate)."""
    if isinstance(value, dict):
        return {k: without_netto(v) for k, v in value.items() if k not in NETTO}
    if isinstance(value, list):
        return [without_netto(v) for v in value]
    return value


def product(sandbox: PosterSandbox, product_id: int) -> dict[str, Any]:
    answer: dict[str, Any] = call(sandbox, "menu.getProduct", {"product_id": product_id})
    return answer


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.name)
def test_example_answers_in_the_reference_shape(
    menu_sandbox: PosterSandbox, example: Example, encoding: str
) -> None:
    """Each example succeeds and its answer has the example's keys and JSON types."""
    answer = call(menu_sandbox, example.method, ENCODINGS[encoding](example.request))
    if example.method == "menu.getProducts":
        assert answer, "category 15 lists its products"
        for row in answer:
            assert_shape(row, example.answer[0 if "modifications" in row else 1], nullable=NULLABLE)
    else:
        assert_shape(answer, example.answer, nullable=NULLABLE)


def test_get_products_example_lists_the_examples_products_verbatim(
    menu_sandbox: PosterSandbox,
) -> None:
    """Evian comes back field for field as printed; Borjomi with modification 147."""
    example = next(e for e in EXAMPLES if e.method == "menu.getProducts")
    rows = {r["product_id"]: r for r in call(menu_sandbox, "menu.getProducts", example.request)}
    evian = example.answer[1]
    assert without_netto({k: rows["138"][k] for k in evian}) == evian
    borjomi = {k: v for k, v in example.answer[0].items() if k != "modifications"}
    assert without_netto({k: rows["139"][k] for k in borjomi}) == borjomi
    first = rows["139"]["modifications"][0]
    assert first["modificator_id"] == "147"
    assert first["spots"][0] == {
        "spot_id": "1",
        "price": "68100",
        "profit": "68100",
        "profit_netto": "56750",  # joinposter/docs' figure: without VAT
        "visible": "1",
    }
    assert all(r["type"] == "3" and r["menu_category_id"] == "15" for r in rows.values())


def test_get_product_dish_example_verbatim(menu_sandbox: PosterSandbox) -> None:
    """Manhattan Jack (175) answers exactly the reference's fields and values."""
    example = next(e for e in EXAMPLES if e.name == "getProduct dish")
    answer = product(menu_sandbox, 175)
    assert without_netto({k: answer[k] for k in example.answer}) == example.answer


def test_get_category_example_values(menu_sandbox: PosterSandbox) -> None:
    example = next(e for e in EXAMPLES if e.name == "getCategory")
    answer = call(menu_sandbox, "menu.getCategory", example.request)
    for key in (
        "category_id",
        "category_name",
        "category_photo",
        "category_color",
        "category_hidden",
        "sort_order",
        "tax_id",
        "level",
        "category_tag",
        "id_1c",
    ):
        assert answer[key] == example.answer[key], key


# What each write example must have changed, checked in both encodings ---------------------


def _created_category(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    cat = call(s, "menu.getCategory", {"category_id": answer})
    assert (cat["category_name"], cat["category_color"], cat["parent_category"]) == (
        "Пицца",
        "yellow",
        0,
    )
    assert sink.summary() == [("category", answer, "added")]


def _updated_category(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    cat = call(s, "menu.getCategory", {"category_id": 34})
    assert (cat["category_name"], cat["category_color"]) == ("Пицца", "red")
    assert sink.summary() == [("category", 34, "changed")]


def _removed_category(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    assert "52" not in {c["category_id"] for c in call(s, "menu.getCategories", {})}
    with pytest.raises(PosterError) as err:
        call(s, "menu.getCategory", {"category_id": 52})
    assert err.value.code == 32
    assert product(s, 230)["menu_category_id"] == "0"  # moved to the Home screen
    assert sink.summary()[-1] == ("category", 52, "removed")
    assert ("dish", 230, "changed") in sink.summary()


def _created_product(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    p = product(s, answer)
    assert p["product_name"] == "Пончик" and p["type"] == "3" and p["color"] == "red"
    assert (p["price"], p["profit"], p["cost"]) == (
        {"1": "3000", "2": "3000"},
        {"1": "1000", "2": "1000"},
        "2000",
    )
    assert p["barcode"] == "4820098749621" and p["category_name"] == "Головний екран"
    assert sink.summary() == [("product", answer, "added")]


def _created_variants(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    # The reference's body: the id as ``response``, the modifications' ids beside it.
    answer = {"product_id": answer["response"], "modifications_id": answer["modifications_id"]}
    p = product(s, answer["product_id"])
    assert "price" not in p
    mods = p["modifications"]
    assert [m["modificator_id"] for m in mods] == [str(i) for i in answer["modifications_id"]]
    assert [
        (
            m["modificator_name"],
            m["modificator_barcode"],
            m["modificator_product_code"],
            m["modificator_selfprice"],
        )
        for m in mods
    ] == [("1 л.", "4820098749621", "3412356", "700"), ("2 л.", "4820098749622", "3412357", "1000")]
    assert [[sp["price"] for sp in m["spots"]] for m in mods] == [["1500"] * 2, ["2000"] * 2]
    assert sink.summary() == [("product", answer["product_id"], "added")]


def _updated_product(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    p = product(s, 142)
    assert (p["product_name"], p["color"], p["menu_category_id"]) == ("Батон", "blue", "0")
    assert p["price"] == {"1": "3100", "2": "3200"}
    assert [sp["visible"] for sp in p["spots"]] == ["1", "1"]
    assert sink.summary() == [("product", 142, "changed")]


def _updated_variants(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    assert answer["product_id"] == 57
    first, new, last = answer["modifications_id"]
    assert (first, last) == (1, 2) and new not in (0, 1, 2)
    mods = product(s, 57)["modifications"]
    assert [m["modificator_name"] for m in mods] == ["1л", "1.5л", "2л"]
    assert [[(sp["price"], sp["visible"]) for sp in m["spots"]] for m in mods] == [
        [("1500", "1"), ("1600", "1")],
        [("1700", "1"), ("1800", "1")],
        [("2000", "0"), ("2100", "0")],
    ]
    assert sink.summary() == [("product", 57, "changed")]


def _removed_product(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    with pytest.raises(PosterError) as err:
        product(s, 48)
    assert err.value.code == 32
    assert "48" not in {p["product_id"] for p in call(s, "menu.getProducts", {})}
    assert sink.summary() == [("product", 48, "removed")]


def _created_dish(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    d = product(s, answer)
    assert (d["type"], d["menu_category_id"], d["workshop"], d["color"], d["nodiscount"]) == (
        "2",
        "151",
        "4",
        "red",
        "1",
    )
    assert d["price"] == {"1": "55", "2": "57"}
    assert [sp["visible"] for sp in d["spots"]] == ["1", "0"]
    (group,) = d["group_modifications"]
    assert (group["name"], group["type"], group["num_min"], group["num_max"]) == ("Чаша", 1, 1, 1)
    assert [(m["name"], m["price"], m["ingredient_id"]) for m in group["modifications"]] == [
        ("Классическая чаша", 500, 820),
        ("Апельсиновая чаша", 400, 816),
    ]
    (line,) = d["ingredients"]
    assert (line["ingredient_id"], line["structure_brutto"], line["structure_unit"]) == (
        "813",
        10,
        "kg",
    )
    assert sink.summary() == [("dish", answer, "added")]


def _updated_dish(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    assert answer == 171
    d = product(s, 171)
    assert (d["product_name"], d["barcode"], d["menu_category_id"], d["workshop"]) == (
        "Гамбургер с телятиной",
        "159687",
        "10",
        "2",
    )
    assert d["price"] == {"1": "55", "2": "57"}
    assert [g["name"] for g in d["group_modifications"]] == ["Картофель"]
    mods = d["group_modifications"][0]["modifications"]
    assert [(m["name"], m["price"], m["brutto"]) for m in mods] == [
        ("Вареный картофель", 230, 200),
        ("Фри", 280, 150),
    ]
    (line,) = d["ingredients"]
    assert (
        line["ingredient_id"],
        line["structure_brutto"],
        line["structure_netto"],
        line["pr_in_clear"],
    ) == ("815", 3, 6, "1")
    assert sink.summary() == [("dish", 171, "changed")]


def _removed_dish(s: PosterSandbox, answer: Any, sink: MenuSink) -> None:
    with pytest.raises(PosterError):
        product(s, 925)
    assert sink.summary() == [("dish", 925, "removed")]


EFFECTS = {
    "createCategory": _created_category,
    "updateCategory": _updated_category,
    "removeCategory": _removed_category,
    "createProduct": _created_product,
    "createProduct with modifications": _created_variants,
    "updateProduct": _updated_product,
    "updateProduct with modifications": _updated_variants,
    "removeProduct": _removed_product,
    "createDish": _created_dish,
    "updateDish": _updated_dish,
    "removeDish": _removed_dish,
}


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("name", EFFECTS)
def test_write_examples_change_the_menu_and_announce_it(
    menu_sandbox: PosterSandbox, menu_sink: MenuSink, name: str, encoding: str
) -> None:
    """Each write example does what it says and fires the webhook real Poster fires."""
    example = next(e for e in EXAMPLES if e.name == name)
    answer = call(menu_sandbox, example.method, ENCODINGS[encoding](example.request))
    EFFECTS[name](menu_sandbox, answer, menu_sink)


def test_read_examples_fire_nothing(menu_sandbox: PosterSandbox, menu_sink: MenuSink) -> None:
    for example in EXAMPLES:
        if example.method.startswith("menu.get"):
            call(menu_sandbox, example.method, as_form(example.request))
    assert menu_sink.events == []
