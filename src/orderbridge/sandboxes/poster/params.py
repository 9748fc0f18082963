"""Request parameters as Poster's PHP backend sees them.

Clients send parameters in the query string and in the body as JSON,
``application/x-www-form-urlencoded`` with PHP bracket nesting
(``products[0][product_id]=169``, what ``http_build_query`` makes), or multipart form
data. All three become one nested structure of dicts, lists and strings (form values
are strings, JSON keeps its types), and ``Params`` reads typed values from it with
Poster's errors for what is missing or malformed.
"""

from __future__ import annotations

import builtins
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from orderbridge.sandboxes.poster.errors import PosterError, missing

_BRACKETS = re.compile(r"\[([^\]]*)\]")


def parse_php_pairs(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Nest ``a[b][0]=x`` pairs the way PHP fills ``$_POST``.

    ``a[]=x`` appends; a container whose keys are all consecutive integers from 0
    becomes a list, as PHP's arrays serialise to JSON lists then.
    """
    root: dict[str, Any] = {}
    for raw_key, value in pairs:
        head, sep, rest = raw_key.partition("[")
        if not head:
            continue
        keys = [head]
        if sep:
            keys += _BRACKETS.findall("[" + rest)
        node: dict[str, Any] = root
        for i, key in enumerate(keys):
            last = i == len(keys) - 1
            if key == "":
                key = str(sum(1 for k in node if k.isdigit()))
            if last:
                node[key] = value
            else:
                child = node.get(key)
                if not isinstance(child, dict):
                    child = {}
                    node[key] = child
                node = child
    return {k: _listify(v) for k, v in root.items()}


def _listify(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    items = {k: _listify(v) for k, v in value.items()}
    if items and all(k.isdigit() for k in items):
        keys = sorted(int(k) for k in items)
        if keys == list(range(len(keys))):
            return [items[str(k)] for k in keys]
    return items


def as_list(value: Any) -> list[Any]:
    """A PHP "array" parameter as a list: a list, an int-keyed dict, or a JSON string."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return [value]
    if isinstance(value, list):
        return value
    if isinstance(value, Mapping):
        return list(value.values())
    return [value]


class Params:
    """Typed, Poster-flavoured access to one request's merged parameters."""

    def __init__(self, data: Mapping[builtins.str, Any]):
        self.data: dict[str, Any] = dict(data)

    def __contains__(self, key: builtins.str) -> bool:
        return key in self.data and self.data[key] is not None

    def raw(self, key: builtins.str, default: Any = None) -> Any:
        return self.data.get(key, default)

    def str(
        self, key: builtins.str, default: builtins.str | None = None, *, required: bool = False
    ) -> builtins.str | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(key)
            return default
        if isinstance(value, dict | list):
            raise PosterError(400, f"{key} must be a scalar", field=key)
        return str(value)

    def int(
        self, key: builtins.str, default: builtins.int | None = None, *, required: bool = False
    ) -> builtins.int | None:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(key)
            return default
        return to_int(value, key)

    def req_int(self, key: builtins.str) -> builtins.int:
        value = self.int(key, required=True)
        assert value is not None
        return value

    def req_str(self, key: builtins.str) -> builtins.str:
        value = self.str(key, required=True)
        assert value is not None
        return value

    def list(self, key: builtins.str, *, required: bool = False) -> builtins.list[Any]:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise missing(key)
            return []
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise PosterError(36, f"{key} must be an array", field=key) from None
        if not isinstance(value, list | dict):
            raise PosterError(36, f"{key} must be an array", field=key)
        return as_list(value)

    def dict(self, key: builtins.str) -> builtins.dict[builtins.str, Any]:
        value = self.data.get(key)
        if value is None or value == "":
            return {}
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except ValueError:
                raise PosterError(36, f"{key} must be an array", field=key) from None
        if isinstance(value, list):
            return {str(i): v for i, v in enumerate(value)}
        if not isinstance(value, dict):
            raise PosterError(36, f"{key} must be an array", field=key)
        return value


def to_int(value: Any, field: str) -> int:
    """An integer parameter sent as a number or a numeric string; error 701 otherwise."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return int(text)
        if re.fullmatch(r"[+-]?\d+\.0*", text):
            return int(text.split(".")[0])
    raise PosterError(701, f"The field {field} must be an integer", field=field)


def to_float(value: Any, field: str) -> float:
    """A decimal parameter (counts may be fractional for weighed goods)."""
    if isinstance(value, bool):
        return float(value)
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise PosterError(400, f"The field {field} must be a number", field=field)


def php_string(value: Any) -> str:
    """A scalar as PHP converts it to a string (``369.0`` → ``"369"``, ``True`` → ``"1"``),
    which is what Poster's md5 signatures are made of."""
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)
