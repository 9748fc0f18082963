"""Reading createProduct/createDish's overloaded ``price``/``visible`` parameters.

One parameter name carries four shapes, chosen by the ``modifications`` and
``different_spots_prices`` flags: ``price=3000`` (every spot), ``price[1]=3100``
(per spot), ``price[0]=1500`` (per modification) and ``price[0][1]=1500`` (per
modification and spot). Form bodies bring PHP arrays as dicts (or lists when the keys
run 0, 1, 2 …), JSON bodies as objects or arrays; both read the same here.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.params import to_float, to_int

T = TypeVar("T")


def is_absent(value: Any) -> bool:
    """Not sent at all (or sent empty, which PHP treats the same)."""
    return value is None or value == ""


def keyed(value: Any) -> dict[str, Any] | None:
    """A PHP array as ``{key: value}`` (list index → key); ``None`` for a scalar."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    if isinstance(value, list):
        return {str(i): v for i, v in enumerate(value)}
    if isinstance(value, dict):
        return {str(k): v for k, v in value.items()}
    return None


def at(value: Any, index: int) -> Any:
    """Element ``index`` of an array parameter, or the scalar itself (shared by all)."""
    items = keyed(value)
    if items is None:
        return value
    return items.get(str(index))


def as_int(field: str) -> Callable[[Any], int]:
    """A converter to int with error 701 naming ``field``."""
    return lambda v: to_int(v, field)


def as_flag(field: str) -> Callable[[Any], bool]:
    """A converter of 0/1 to bool with error 701 naming ``field``."""
    return lambda v: to_int(v, field) != 0


def per_spot(
    value: Any,
    spot_ids: Iterable[int],
    field: str,
    conv: Callable[[str], Callable[[Any], T]],
    *,
    same: bool,
) -> dict[int, T]:
    """Values per spot: a scalar goes to every spot, an array is keyed by spot id.

    With ``same`` (``different_spots_prices`` = 0) an array's first value goes to every
    spot: the product costs the same everywhere whatever the client sent. Keys naming
    no spot are ignored, as a client's stale spot list should not fail the whole save.
    """
    spots = list(spot_ids)
    if is_absent(value):
        return {}
    items = keyed(value)
    if items is None:
        converted = conv(field)(value)
        return dict.fromkeys(spots, converted)
    parsed: dict[int, T] = {}
    for key, item in items.items():
        spot_id = to_int(key, f"{field}[{key}]")
        if isinstance(item, dict | list):
            raise PosterError(
                701, f"The field {field}[{key}] must be an integer", field=f"{field}[{key}]"
            )
        parsed[spot_id] = conv(f"{field}[{key}]")(item)
    if same:
        if not parsed:
            return {}
        first = parsed[min(parsed)]
        return dict.fromkeys(spots, first)
    return {s: v for s, v in parsed.items() if s in spots}


def number(value: Any, field: str, default: float = 0) -> float:
    """A decimal quantity (gross, net), ``default`` when absent."""
    return default if is_absent(value) else to_float(value, field)


def text(value: Any, field: str, default: str = "") -> str:
    """A scalar text parameter (names, barcodes); arrays are error 400."""
    if is_absent(value):
        return default
    if isinstance(value, dict | list):
        raise PosterError(400, f"{field} must be a scalar", field=field)
    return str(value)


def int_or(value: Any, field: str, default: int) -> int:
    """An integer parameter, ``default`` when absent, error 701 when malformed."""
    return default if is_absent(value) else to_int(value, field)
