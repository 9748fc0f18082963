"""Compare an answer's shape with a reference example: same keys, same JSON types.

``assert_shape(actual, example)`` walks both trees. Objects must carry every key the
example has (extra keys are allowed: Poster adds fields over time and clients ignore
them); each value must have the example's JSON type (string, integer, number, bool,
null, array, object); arrays are checked element-wise against the example's first
element; keys named in ``nullable`` may also be ``null`` (the reference documents
``category_tag`` as possibly null, and Poster sends ``null`` for a missing photo, as
menu.getCategory's example shows). Objects keyed by ids (``{"1": "19000"}``) compare
by value type only, since the ids differ from example to example.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any


def json_type(value: Any) -> str:
    """The JSON type name of a decoded value (bool before int: bool is an int in Python)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    raise TypeError(f"not a JSON value: {value!r}")


def _id_keyed(obj: dict[str, Any]) -> bool:
    return bool(obj) and all(key.isdigit() for key in obj)


def shape_errors(
    actual: Any, example: Any, path: str = "$", *, nullable: Collection[str] = ()
) -> list[str]:
    """Every place where ``actual`` departs from ``example``'s keys and types."""
    actual = json.loads(json.dumps(actual))  # what a client decodes off the wire
    return _walk(actual, example, path, frozenset(nullable))


def _walk(actual: Any, example: Any, path: str, nullable: frozenset[str]) -> list[str]:
    want, got = json_type(example), json_type(actual)
    key = path.rsplit(".", 1)[-1]
    if got == "null" and key in nullable:
        return []
    if want != got:
        return [f"{path}: expected {want} like {example!r}, got {got} {actual!r}"]
    errors: list[str] = []
    if isinstance(example, dict):
        if _id_keyed(example):
            sample = next(iter(example.values()))
            for key, value in actual.items():
                errors += _walk(value, sample, f"{path}[{key}]", nullable)
            return errors
        for name, value in example.items():
            if name not in actual:
                errors.append(f"{path}.{name}: missing")
            else:
                errors += _walk(actual[name], value, f"{path}.{name}", nullable)
    elif isinstance(example, list) and example:
        for i, item in enumerate(actual):
            errors += _walk(item, example[0], f"{path}[{i}]", nullable)
    return errors


def assert_shape(actual: Any, example: Any, *, nullable: Collection[str] = ()) -> None:
    """Fail with every mismatch listed when ``actual`` does not have ``example``'s shape."""
    errors = shape_errors(actual, example, nullable=nullable)
    assert not errors, "\n".join(errors)
