"""Which line of a TOML file defines a key: so a manifest error points at the line.

Python's ``tomllib`` gives values, not positions. This reads the text the simple way a
person does: table headers (``[a.b]``, ``[[a.rules]]``, counted per array) set where
the following ``key = value`` lines live, and dotted keys extend it. A key path that
no line defines exactly is reported at the line of its nearest defined parent (a key
inside an inline table is on its parent's line). Multi-line strings are skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

_BARE = r"[A-Za-z0-9_\-]+"
_BASIC = r'"(?:[^"\\]|\\.)*"'
_LITERAL = r"'[^']*'"
_KEY = rf"(?:{_BARE}|{_BASIC}|{_LITERAL})"
_DOTTED = rf"{_KEY}(?:\s*\.\s*{_KEY})*"
_HEADER = re.compile(rf"^\s*(\[\[?)\s*({_DOTTED})\s*\]\]?")
_ASSIGN = re.compile(rf"^\s*({_DOTTED})\s*=\s*(.*)$")
_PART = re.compile(_KEY)

Key = tuple[str | int, ...]


def _parts(dotted: str) -> list[str]:
    out = []
    for part in _PART.findall(dotted):
        if part.startswith('"'):
            part = json.loads(part)  # TOML's basic-string escapes are JSON's
        elif part.startswith("'"):
            part = part[1:-1]
        out.append(part)
    return out


def key_lines(text: str) -> dict[Key, int]:
    """Every key path the text defines (tables, array-of-table entries, keys) → its line."""
    found: dict[Key, int] = {}
    arrays: dict[Key, int] = {}
    table: Key = ()
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if in_string is not None:
            if in_string in line:
                in_string = None
            continue
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        header = _HEADER.match(line)
        if header:
            path: Key = tuple(_parts(header.group(2)))
            if header.group(1) == "[[":
                index = arrays.get(path, -1) + 1
                arrays[path] = index
                found.setdefault(path, number)
                table = (*path, index)
            else:
                table = path
            found.setdefault(table, number)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            path = (*table, *_parts(assign.group(1)))
            for depth in range(len(table) + 1, len(path) + 1):
                found.setdefault(path[:depth], number)
            rest = assign.group(2)
            for quote in ('"""', "'''"):
                if rest.startswith(quote) and rest.count(quote) == 1:
                    in_string = quote
    return found


def line_of(lines: dict[Key, int], path: Sequence[str | int]) -> int | None:
    """The line defining ``path``, or its nearest defined parent; None if none is."""
    key = tuple(path)
    while key:
        if key in lines:
            return lines[key]
        key = key[:-1]
    return None
