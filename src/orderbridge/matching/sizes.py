"""Sizes written into names: "0,33 л", "330ml", "33 cl", "Ø25 см", "300 г", "6 шт".

Menus put the portion into the name, each in its own way. :func:`extract_sizes` finds
them in either script, converts each to one unit per dimension (millilitres, grams,
centimetres, pieces) and returns the text without them, so "Coca-Cola 0,33 л" and
"Coca Cola 330ml" become the same words and the same size. A bare decimal such as
"0.5" or "0,33" counts as litres: that is how drinks are written when the unit is left
out, and a decimal is never a count of anything on a menu.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_UNITS: dict[str, tuple[str, float]] = {}
for _names, _dim, _factor in (
    (("ml", "мл"), "ml", 1.0),
    (("cl", "сл"), "ml", 10.0),
    (("l", "л", "lt", "ltr", "liter", "liters", "litre", "litres", "літр", "литр"), "ml", 1000.0),
    (("g", "г", "gr", "гр", "gram", "grams", "грам", "грамм"), "g", 1.0),
    (("kg", "кг"), "g", 1000.0),
    (("cm", "см"), "cm", 1.0),
    (("mm", "мм"), "cm", 0.1),
    (("pcs", "pc", "шт", "piece", "pieces", "psc"), "pcs", 1.0),
):
    for _name in _names:
        _UNITS[_name] = (_dim, _factor)

_UNIT_ALT = "|".join(sorted((re.escape(u) for u in _UNITS), key=len, reverse=True))
_SIZE = re.compile(
    rf"(?P<dia>[ø⌀])?\s*(?P<num>\d+(?:[.,]\d+)?)\s*(?P<unit>{_UNIT_ALT})?\.?"
    r"(?![\w])",
    re.IGNORECASE,
)
_DIAMETER_ONLY = re.compile(r"[ø⌀]")
_TOLERANCE = 0.03


@dataclass(frozen=True, slots=True)
class Size:
    """A portion: ``dim`` is ``ml``, ``g``, ``cm`` or ``pcs``; ``value`` in that unit."""

    dim: str
    value: float

    def __str__(self) -> str:
        return f"{self.value:g} {self.dim}"


def extract_sizes(text: str) -> tuple[str, tuple[Size, ...]]:
    """``text`` (lower case) without its sizes, and the sizes found, in order."""
    sizes: list[Size] = []

    def take(match: re.Match[str]) -> str:
        number = float(match.group("num").replace(",", "."))
        unit = (match.group("unit") or "").lower()
        if unit:
            dim, factor = _UNITS[unit]
            sizes.append(Size(dim, round(number * factor, 3)))
            return " "
        if match.group("dia"):
            sizes.append(Size("cm", number))
            return " "
        if re.search(r"[.,]", match.group("num")) and number < 5:
            sizes.append(Size("ml", round(number * 1000, 3)))
            return " "
        return match.group(0)  # a plain number ("4 cheeses", "Pizza No 5") is a word

    rest = _SIZE.sub(take, text)
    return _DIAMETER_ONLY.sub(" ", rest), tuple(sizes)


def compare_sizes(left: tuple[Size, ...], right: tuple[Size, ...]) -> str:
    """``same``, ``conflict`` (one dimension, two values), ``one_sided`` or ``none``.

    Only dimensions both sides state are compared: "Pizza 35 cm" and "Pizza 35 cm,
    550 g" are the same size.
    """
    if not left and not right:
        return "none"
    shared = {s.dim for s in left} & {s.dim for s in right}
    if not shared:
        return "one_sided"
    for dim in shared:
        ours = [s.value for s in left if s.dim == dim]
        theirs = [s.value for s in right if s.dim == dim]
        if not any(_close(a, b) for a in ours for b in theirs):
            return "conflict"
    return "same"


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= _TOLERANCE * max(a, b, 1e-9)
