"""Compare an answer with a documented answer: the same keys, the same JSON types.

JSON's types are string, number, boolean, null, array and object: ``5`` and ``5.5``
are both numbers (Poster writes a quantity as ``3`` or ``0.04`` as it comes). A
documented ``null`` says the field may be null, not what it holds otherwise, so any
scalar matches it.

Poster's examples mix types within one answer (``"category_id":"33"`` beside
``"category_id":0`` for the Home screen, ``"sum":70.35`` beside ``"sum":"32.44"``), so
an array's element must look like one of the documented elements, not like the first;
objects keyed by ids (``{"1": "19000"}``, getReport's categories) compare each value
with the documented values the same way. An object must carry every documented key,
and keys the reference does not show are reported unless ``extra`` allows them. A
documented non-empty array must not come back empty: an answer with nothing in it
would prove nothing about the shape.
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
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _id_keyed(obj: dict[str, Any]) -> bool:
    return bool(obj) and all(key.isdigit() for key in obj)


class _Walk:
    def __init__(
        self, extra: Collection[str], nullable: Collection[str], may_be_empty: Collection[str]
    ):
        self.extra = frozenset(extra)
        self.nullable = frozenset(nullable)
        self.may_be_empty = frozenset(may_be_empty)

    def one(self, actual: Any, documented: Any, path: str) -> list[str]:
        key = path.rsplit(".", 1)[-1]
        want, got = json_type(documented), json_type(actual)
        if got == "null" and key in self.nullable:
            return []
        if want == "null" and got not in ("array", "object"):
            return []
        if want != got:
            return [f"{path}: documented {want} {documented!r}, got {got} {actual!r}"]
        if isinstance(documented, dict):
            if _id_keyed(documented):
                samples = list(documented.values())
                errors: list[str] = []
                for name, value in actual.items():
                    errors += self.any_of(value, samples, f"{path}[{name}]")
                return errors
            return self.obj(actual, documented, path)
        if isinstance(documented, list) and documented:
            if not actual and key not in self.may_be_empty:
                return [f"{path}: documented {len(documented)} elements, got none"]
            errors = []
            for i, item in enumerate(actual):
                errors += self.any_of(item, documented, f"{path}[{i}]")
            return errors
        return []

    def obj(self, actual: dict[str, Any], documented: dict[str, Any], path: str) -> list[str]:
        errors = []
        for name, value in documented.items():
            if name not in actual:
                errors.append(f"{path}.{name}: missing")
            else:
                errors += self.one(actual[name], value, f"{path}.{name}")
        for name in actual:
            if name not in documented and name not in self.extra:
                errors.append(f"{path}.{name}: not in the reference ({actual[name]!r})")
        return errors

    def any_of(self, actual: Any, samples: list[Any], path: str) -> list[str]:
        best: list[str] | None = None
        for sample in samples:
            errors = self.one(actual, sample, path)
            if not errors:
                return []
            if best is None or len(errors) < len(best):
                best = errors
        return best or []


def shape_errors(
    actual: Any,
    documented: Any,
    *,
    extra: Collection[str] = (),
    nullable: Collection[str] = (),
    may_be_empty: Collection[str] = (),
) -> list[str]:
    """Every place where ``actual`` departs from ``documented``'s keys and types.

    ``extra``: keys allowed beyond the documented ones; ``nullable``: keys that may be
    ``null`` whatever the example shows; ``may_be_empty``: arrays that may be empty
    although the example's are not.
    """
    actual = json.loads(json.dumps(actual))  # what a client decodes off the wire
    return _Walk(extra, nullable, may_be_empty).one(actual, documented, "$")
