"""``safejson``: JSON from strangers fails only with ``ValueError``, never deeper."""

from __future__ import annotations

import json

import pytest

from orderbridge import safejson


def _nested(depth: int, inner: str = "1") -> str:
    return "[" * depth + inner + "]" * depth


def test_ordinary_documents_parse_as_json_loads_does() -> None:
    text = '{"account": "cafe-kyiv", "data": "{\\"a\\": [1, {\\"b\\": null}]}", "n": 1.5}'
    assert safejson.loads(text) == json.loads(text)
    assert safejson.loads(_nested(safejson.MAX_DEPTH)) == json.loads(_nested(safejson.MAX_DEPTH))


def test_bytes_in_any_utf_encoding_parse() -> None:
    assert safejson.loads('{"a": "ї"}'.encode("utf-16")) == {"a": "ї"}


@pytest.mark.parametrize("depth", [safejson.MAX_DEPTH + 1, 500, 100_000])
def test_nesting_past_the_bound_is_too_deep(depth: int) -> None:
    """Past the parser's recursion limit too: a RecursionError becomes ``TooDeep``."""
    with pytest.raises(safejson.TooDeep):
        safejson.loads(_nested(depth))
    with pytest.raises(ValueError):
        safejson.loads(_nested(depth))


def test_objects_count_as_levels_too() -> None:
    deep = '{"a": ' * (safejson.MAX_DEPTH + 1) + "1" + "}" * (safejson.MAX_DEPTH + 1)
    with pytest.raises(safejson.TooDeep):
        safejson.loads(deep)


@pytest.mark.parametrize(
    "text",
    ['{"note": "a\\u0000b"}', '{"a\\u0000": 1}', '[["x", ["\\u0000"]]]', '"\\u0000"'],
)
def test_a_nul_in_any_string_or_key_is_refused(text: str) -> None:
    with pytest.raises(safejson.HoldsNul):
        safejson.loads(text)


def test_an_escaped_nul_inside_a_json_string_is_only_text() -> None:
    """``data`` carried as a string holds six characters, not a NUL, until decoded."""
    outer = safejson.loads(json.dumps({"data": json.dumps({"name": "a\x00b"})}))
    assert "\x00" not in outer["data"]
    with pytest.raises(safejson.HoldsNul):
        safejson.loads(outer["data"])


@pytest.mark.parametrize("text", ["{", "[1,]", "nope", "", b"\xff\xfe\x00"])
def test_malformed_json_is_a_value_error(text: str | bytes) -> None:
    with pytest.raises(ValueError):
        safejson.loads(text)


def test_check_walks_decoded_values_of_any_depth_without_recursing() -> None:
    value: object = "leaf"
    for _ in range(100_000):
        value = [value]
    with pytest.raises(safejson.TooDeep):
        safejson.check(value)
    safejson.check({"a": [1, 2.5, None, True, {"b": "c"}]})
