"""PHP-style parameter parsing: what ``http_build_query`` sends must read as PHP reads it."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.params import Params, as_list, parse_php_pairs, to_int


def test_bracket_nesting_builds_lists_of_objects() -> None:
    query = (
        "spot_id=1&phone=%2B380680000000&products%5B0%5D%5Bproduct_id%5D=169"
        "&products%5B0%5D%5Bcount%5D=2&products%5B1%5D%5Bproduct_id%5D=138"
    )
    parsed = parse_php_pairs(parse_qsl(query))
    assert parsed == {
        "spot_id": "1",
        "phone": "+380680000000",
        "products": [{"product_id": "169", "count": "2"}, {"product_id": "138"}],
    }


def test_spot_keyed_arrays_stay_dicts_when_not_zero_based() -> None:
    parsed = parse_php_pairs([("price[1]", "55"), ("price[2]", "57")])
    assert parsed == {"price": {"1": "55", "2": "57"}}


def test_empty_brackets_append() -> None:
    parsed = parse_php_pairs([("ids[]", "1"), ("ids[]", "2"), ("ids[]", "3")])
    assert parsed == {"ids": ["1", "2", "3"]}


def test_deep_nesting() -> None:
    parsed = parse_php_pairs([("promotion[0][involved_products][0][id]", "139")])
    assert parsed == {"promotion": [{"involved_products": [{"id": "139"}]}]}


def test_as_list_accepts_json_strings_arrays_and_dicts() -> None:
    assert as_list('[{"m":19,"a":1}]') == [{"m": 19, "a": 1}]
    assert as_list([{"m": 19}]) == [{"m": 19}]
    assert as_list({"0": "a", "1": "b"}) == ["a", "b"]


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (12, 12), ("12.00", 12), (3.0, 3)])
def test_to_int_accepts_poster_numbers(value: object, expected: int) -> None:
    assert to_int(value, "x") == expected


@pytest.mark.parametrize("value", ["12a", "", "1.5", [1], None])
def test_to_int_rejects_with_701(value: object) -> None:
    with pytest.raises(PosterError) as err:
        to_int(value, "spot_id")
    assert err.value.code == 701
    assert err.value.field == "spot_id"


def test_required_parameter_missing_is_34() -> None:
    with pytest.raises(PosterError) as err:
        Params({}).req_int("spot_id")
    assert err.value.code == 34


def test_list_parameter_that_is_not_an_array_is_36() -> None:
    with pytest.raises(PosterError) as err:
        Params({"products": 5}).list("products")
    assert err.value.code == 36
