"""JSON from strangers: parsed with a bound on nesting, failing only with ``ValueError``.

``json.loads`` of ``[`` × 100,000 raises ``RecursionError`` (not a ``ValueError``), and
a document nested a few hundred levels deep parses but then overflows the stack of
whatever walks it next (redaction, storing it, validating it). A ``\\u0000`` in a
string parses too, but PostgreSQL refuses to store it (text and ``jsonb`` alike). Every
body the hub parses by hand (webhooks, tokens' payloads) goes through :func:`loads`:
anything nested deeper than :data:`MAX_DEPTH` or holding a NUL character is refused as
malformed, which the callers already answer with a 4xx. Real payloads are a handful of
levels deep and have no NUL.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 32
"""Deepest nesting of arrays and objects accepted (Poster's and Wix's bodies: < 10)."""


_WALKED = (dict, list, str)


class Unacceptable(ValueError):
    """Valid JSON the hub will not take (see the module docstring)."""


class TooDeep(Unacceptable):
    """The document nests arrays or objects deeper than :data:`MAX_DEPTH`."""


class HoldsNul(Unacceptable):
    """A string of the document (a key or a value) holds a NUL character."""


def loads(data: str | bytes | bytearray, *, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads(data)``, refusing documents nested deeper than ``max_depth``.

    Raises ``ValueError`` for anything that is not acceptable JSON (an
    :class:`Unacceptable` for the nesting or a NUL, ``json.JSONDecodeError`` or
    ``UnicodeDecodeError`` otherwise).
    """
    try:
        value = json.loads(data)
    except RecursionError:
        raise TooDeep("the JSON is nested too deeply") from None
    # A NUL in a JSON string can only be written ``\\u0000`` (raw control characters
    # are refused by the parser), and no document nests deeper than its brackets'
    # count: text free of both needs no walk (a webhook's body, every time).
    if not (
        isinstance(data, str)
        and "\\u0000" not in data
        and data.count("{") + data.count("[") <= max_depth
    ):
        check(value, max_depth=max_depth)
    return value


def check(value: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Raise :class:`Unacceptable` if ``value`` (decoded JSON) nests deeper than
    ``max_depth`` or holds a NUL in a string; walks without recursion, so any depth
    is safe to check."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                raise HoldsNul("the JSON holds a NUL character")
            continue
        if isinstance(node, dict):
            if any("\x00" in key for key in node):
                raise HoldsNul("the JSON holds a NUL character")
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth >= max_depth:
            raise TooDeep(f"the JSON nests deeper than {max_depth} levels")
        stack.extend((child, depth + 1) for child in children if isinstance(child, _WALKED))
