"""Ukrainian and Russian Cyrillic ↔ Latin, and the one spelling both scripts reduce to.

A café's register says "Капучино", its website "Cappuccino", its app "Kapuchyno" and a
delivery partner "Kapuchino". Three tables turn all of them into one comparable form:

* :func:`to_latin` writes Cyrillic in Latin letters, by the Ukrainian national scheme
  (``uk``: и → y, г → h, х → kh, the 2010 Cabinet of Ministers table) or the common
  Russian one (``ru``: и → i, г → g, ы → y, э → e);
* :func:`to_cyrillic` reads Latin as Ukrainian Cyrillic, digraphs first (``shch`` → щ,
  ``kh`` → х, ``ya`` → я …), the way people type Ukrainian words on a Latin keyboard;
* :func:`skeleton` reduces either script to a "phonetic skeleton": letters that
  transliteration schemes and informal spellings disagree on fall together (и/і/ы/y/i
  → i, г/ґ/х/g/h/kh → h, ц/ts/tz → c, щ/shch/sch → sh, ж/zh → j, w → v, ph → f, a soft
  sign vanishes, doubled letters are written once, Italian ``cci`` is ``chi``). Two
  spellings of one word usually have equal skeletons; when they do not, they differ in
  a letter or two, which the fuzzy comparison forgives.

The skeleton is a key for comparison, never shown to anyone.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_COMMON = {
    "а": "a",
    "б": "b",
    "в": "v",
    "д": "d",
    "е": "e",
    "ж": "zh",
    "з": "z",
    "й": "y",
    "к": "k",
    "л": "l",
    "м": "m",
    "н": "n",
    "о": "o",
    "п": "p",
    "р": "r",
    "с": "s",
    "т": "t",
    "у": "u",
    "ф": "f",
    "ц": "ts",
    "ч": "ch",
    "ш": "sh",
    "щ": "shch",
    "ь": "",
    "ъ": "",
    "ю": "yu",
    "я": "ya",
    "'": "",
    "’": "",
    "ʼ": "",
}
UK_TO_LATIN = {**_COMMON, "г": "h", "ґ": "g", "є": "ye", "и": "y", "і": "i", "ї": "yi", "х": "kh"}
"""Ukrainian → Latin (the national scheme, without its word-initial special cases)."""
RU_TO_LATIN = {
    **_COMMON,
    "г": "g",
    "ё": "yo",
    "и": "i",
    "ы": "y",
    "э": "e",
    "х": "kh",
    "й": "y",
}
"""Russian → Latin (the common scheme of passports and menus)."""

LATIN_TO_UK = {
    "shch": "щ",
    "sch": "щ",
    "zh": "ж",
    "kh": "х",
    "ts": "ц",
    "tz": "ц",
    "ch": "ч",
    "sh": "ш",
    "ya": "я",
    "ia": "я",
    "yu": "ю",
    "iu": "ю",
    "ye": "є",
    "ie": "є",
    "ph": "ф",
    "a": "а",
    "b": "б",
    "c": "к",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "h": "г",
    "i": "і",
    "j": "й",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "p": "п",
    "q": "к",
    "r": "р",
    "s": "с",
    "t": "т",
    "u": "у",
    "v": "в",
    "w": "в",
    "x": "кс",
    "y": "и",
    "z": "з",
}
"""Latin → Ukrainian Cyrillic, longest spelling first (``shch`` before ``sh`` before ``s``).

Latin loses what Cyrillic tells apart (і/ї, и/й), so the reading is a best guess for
searching and showing, never a key: matching compares skeletons."""

# One table for the skeleton: Cyrillic of both languages, every letter.
_CYRILLIC_TO_SKELETON = {
    **_COMMON,
    "г": "h",
    "ґ": "h",
    "х": "h",
    "и": "i",
    "і": "i",
    "ї": "i",
    "й": "i",
    "ы": "i",
    "є": "ie",
    "ё": "io",
    "э": "e",
    "ю": "iu",
    "я": "ia",
    "ж": "zh",
    "ц": "ts",
    "щ": "shch",
}

# Latin spellings that mean the same sound, applied left to right, longest first.
_LATIN_RULES = [
    ("shch", "sh"),
    ("tsch", "ch"),
    ("sch", "sh"),
    ("tch", "ch"),
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("ph", "f"),
    ("th", "t"),
    ("ts", "c"),
    ("tz", "c"),
    ("ck", "k"),
    ("cci", "chi"),
    ("cce", "che"),
    ("ae", "e"),
    ("wh", "v"),
    ("ce", "ce"),
    ("ci", "ci"),
    ("cy", "ci"),
    ("ch", "ch"),
    ("c", "k"),
    ("g", "h"),
    ("w", "v"),
    ("q", "k"),
    ("x", "ks"),
    ("y", "i"),
]
_LATIN_RE = re.compile("|".join(re.escape(src) for src, _ in _LATIN_RULES))
_LATIN_MAP = dict(_LATIN_RULES)
_DOUBLES = re.compile(r"([a-z])\1+")
_LATIN_TO_UK_RE = re.compile("|".join(sorted(LATIN_TO_UK, key=len, reverse=True)))
# The adjective ending -ий, however it was typed (ukrainskyi, ukrainskiy, ukrainsky).
_ADJECTIVE_END = re.compile(r"(?:yi|iy|yy)\b")


def is_cyrillic(text: str) -> bool:
    """True if ``text`` holds any Cyrillic letter."""
    return any("\u0400" <= ch <= "\u04ff" for ch in text)


def _accent_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0xC0, 0x250):
        base = unicodedata.normalize("NFD", chr(code))[0]
        if base.isascii() and base.isalpha() and base != chr(code):
            table[code] = base
    table[ord("ß")] = "ss"  # ø stays: menus write it for a diameter ("Ø25 см")
    return table


_ACCENTS = _accent_table()


def strip_accents(text: str) -> str:
    """``Niçoise`` → ``Nicoise``: Latin letters without their diacritics (Cyrillic kept)."""
    return text.translate(_ACCENTS)


def to_latin(text: str, lang: str = "uk") -> str:
    """Cyrillic written in Latin letters (``uk`` or ``ru`` scheme); other characters stay."""
    table = UK_TO_LATIN if lang == "uk" else RU_TO_LATIN
    out: list[str] = []
    for ch in text:
        low = ch.lower()
        latin = table.get(low)
        if latin is None:
            out.append(ch)
        elif ch != low and latin:
            out.append(latin[0].upper() + latin[1:])
        else:
            out.append(latin)
    return "".join(out)


def to_cyrillic(text: str) -> str:
    """Latin read as Ukrainian Cyrillic (``Kapuchyno`` → ``капучино``), lower case."""
    latin = _ADJECTIVE_END.sub("ий", strip_accents(text).lower())
    return _LATIN_TO_UK_RE.sub(lambda m: LATIN_TO_UK[m.group(0)], latin)


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """The comparison key of one lower-case word in either script (see the module doc)."""
    letters = []
    for ch in word:
        mapped = _CYRILLIC_TO_SKELETON.get(ch)
        letters.append(ch if mapped is None else mapped)
    latin = "".join(letters)
    reduced = _LATIN_RE.sub(lambda m: _LATIN_MAP[m.group(0)], latin)
    return _DOUBLES.sub(r"\1", reduced)
