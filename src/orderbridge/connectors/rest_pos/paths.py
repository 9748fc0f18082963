"""The JSONPath subset manifests use to say where a value is in a POS's JSON.

Enough to select records and read fields, small enough to check offline and to
explain in one paragraph (docs/rest-pos.md):

* ``$`` is the document; a path without ``$`` is relative to the record at hand
  (``title``, ``price.amount``).
* ``.name`` or ``['name']`` (any characters, for keys like ``'x-id'``) is a key;
  ``[0]``, ``[-1]`` an index; ``[*]`` or ``.*`` every element of a list (or value of
  an object).

No filters, no recursion (``..``), no scripts: a path is data, never code.

>>> compile_path("$.tickets[*].id").find({"tickets": [{"id": 1}, {"id": 2}]})
[1, 2]
>>> compile_path("data.attributes['x-state']").first({"data": {"attributes": {"x-state": 3}}})
3
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_INDEX = re.compile(r"\[(-?\d+)\]")
_QUOTED = re.compile(r"\[(['\"])((?:(?!\1).)*)\1\]")
_MISSING = object()


class PathError(ValueError):
    """A path that is not in the subset; the message says where it goes wrong."""


@dataclass(frozen=True)
class Step:
    """One step of a path: a key, an index, or every element (``wildcard``)."""

    key: str | None = None
    index: int | None = None
    wildcard: bool = False


@dataclass(frozen=True)
class JsonPath:
    """A compiled path; :meth:`find` gives every match, :meth:`first` the first."""

    text: str
    absolute: bool
    steps: tuple[Step, ...]

    @property
    def multiple(self) -> bool:
        """True if the path can match more than one value (it has a wildcard)."""
        return any(step.wildcard for step in self.steps)

    def find(self, document: Any) -> list[Any]:
        """Every value the path matches in ``document`` (in document order)."""
        values = [document]
        for step in self.steps:
            values = [found for value in values for found in _step(value, step)]
        return values

    def first(self, document: Any, default: Any = None) -> Any:
        """The first value the path matches, or ``default``."""
        found = self.find(document)
        return found[0] if found else default

    def has(self, document: Any) -> bool:
        """True if the path matches at least one value (``null`` counts)."""
        return bool(self.find(document))

    def __str__(self) -> str:
        return self.text


def _step(value: Any, step: Step) -> Sequence[Any]:
    if step.wildcard:
        if isinstance(value, list):
            return value
        return list(value.values()) if isinstance(value, dict) else []
    if step.key is not None:
        if isinstance(value, dict) and step.key in value:
            return [value[step.key]]
        return []
    assert step.index is not None
    if isinstance(value, list) and -len(value) <= step.index < len(value):
        return [value[step.index]]
    return []


@lru_cache(maxsize=4096)
def compile_path(text: str) -> JsonPath:
    """Compile ``text`` or raise :class:`PathError` saying what is wrong and where."""
    if not isinstance(text, str) or not text.strip():
        raise PathError("a path must be a non-empty string")
    source = text.strip()
    absolute = source.startswith("$")
    rest = source[1:] if absolute else source
    steps: list[Step] = []
    position = 0
    first = True
    while position < len(rest):
        if rest.startswith("..", position):
            raise PathError(f"{text!r}: '..' (recursive descent) is not supported")
        if rest.startswith("[*]", position):
            steps.append(Step(wildcard=True))
            position += 3
        elif match := _QUOTED.match(rest, position):
            steps.append(Step(key=match.group(2)))
            position = match.end()
        elif match := _INDEX.match(rest, position):
            steps.append(Step(index=int(match.group(1))))
            position = match.end()
        elif rest.startswith("[", position):
            raise PathError(
                f"{text!r}: at {position + absolute}: use [n], [*] or ['key'] "
                "(filters and slices are not supported)"
            )
        else:
            if rest.startswith(".", position):
                position += 1
            elif not (first and not absolute):
                raise PathError(f"{text!r}: at {position + absolute}: expected '.', '[' or the end")
            if rest.startswith("*", position):
                steps.append(Step(wildcard=True))
                position += 1
            elif match := _NAME.match(rest, position):
                steps.append(Step(key=match.group(0)))
                position = match.end()
            else:
                raise PathError(f"{text!r}: at {position + absolute}: expected a key name")
        first = False
    if not steps and not absolute:
        raise PathError(f"{text!r}: the path selects nothing")
    return JsonPath(text=source, absolute=absolute, steps=tuple(steps))


def read(document: Any, path: str, default: Any = _MISSING) -> Any:
    """The first value at ``path`` in ``document``; ``KeyError`` naming the path if none
    and no ``default`` was given."""
    found = compile_path(path).find(document)
    if found:
        return found[0]
    if default is _MISSING:
        raise KeyError(path)
    return default
