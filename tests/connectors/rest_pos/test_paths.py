"""The JSONPath subset manifests use: what it selects, and what it refuses to compile."""

from __future__ import annotations

import pytest

from orderbridge.connectors.rest_pos.paths import PathError, compile_path, read

DOC = {
    "tickets": [{"id": "tk_1", "tags": ["a"]}, {"id": "tk_2", "x-state": 3}],
    "store": {"name": "Podil", "open": None},
}


@pytest.mark.parametrize(
    ("path", "found"),
    [
        ("$.tickets[*].id", ["tk_1", "tk_2"]),
        ("$.tickets[0].id", ["tk_1"]),
        ("$.tickets[-1]['x-state']", [3]),
        ("$.store.*", ["Podil", None]),
        ("$.store.open", [None]),
        ("$.missing.deeper", []),
        ("$.tickets[5]", []),
        ("$", [DOC]),
    ],
)
def test_absolute_paths_select_what_they_name(path: str, found: list[object]) -> None:
    assert compile_path(path).find(DOC) == found


def test_relative_paths_read_from_the_record_at_hand() -> None:
    record = DOC["tickets"][0]  # type: ignore[index]
    assert compile_path("id").first(record) == "tk_1"
    assert compile_path("tags[0]").first(record) == "a"
    assert not compile_path("id").absolute and compile_path("$.id").absolute


def test_a_wildcard_marks_a_path_as_selecting_many() -> None:
    assert compile_path("$.tickets[*]").multiple and not compile_path("$.store").multiple


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("$..id", "recursive descent"),
        ("$.tickets[?(@.id)]", "filters and slices"),
        ("$.tickets[0:2]", "filters and slices"),
        ("$.a b", "expected '.', '[' or the end"),
        ("$.", "expected a key name"),
        ("  ", "non-empty"),
    ],
)
def test_what_is_not_in_the_subset_is_refused_with_the_reason(path: str, reason: str) -> None:
    with pytest.raises(PathError, match=reason.replace("[", r"\[").replace("(", r"\(")):
        compile_path(path)


def test_read_names_the_missing_path() -> None:
    assert read(DOC, "$.store.name") == "Podil" and read(DOC, "$.nope", "x") == "x"
    with pytest.raises(KeyError, match="nope"):
        read(DOC, "$.nope")
