"""A menu name taken apart for comparison: its words (as keys) and its sizes.

"Сирники зі сметаною 2 шт" becomes the words ``syrnyky`` and ``sourcream`` (glossary
concepts) and the size 2 pcs; "Syrnyky w/ sour cream" becomes the same words and no
size. Each :class:`Token` keeps:

* ``key`` — what it is compared by: the glossary concept, else the skeleton;
* ``skel`` — the skeleton itself, for fuzzy comparison when the keys differ (a typo
  of a glossary word is still close to it);
* ``weight`` — how much it counts: longer words carry more identity than short ones;
* ``abbrev`` — written with a full stop ("Ох.", "marg."), so any word it begins matches.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from orderbridge.matching.glossary import PHRASE_MARK, STOPWORDS, concept_of, replace_phrases
from orderbridge.matching.sizes import Size, extract_sizes
from orderbridge.matching.translit import skeleton, strip_accents

_ABBREVIATIONS = {
    "w/": " with ",
    "w/o": " without ",
    "&": " and ",
    "+": " ",
    "sm": "small",
    "sml": "small",
    "md": "medium",
    "med": "medium",
    "lg": "large",
    "lrg": "large",
    "xl": "large",
    "bbq": "bbq",
}
_TOKEN = re.compile(rf"{PHRASE_MARK}?[\w']+\.?")
_CONCEPT_WEIGHT = 5.0
_MAX_WEIGHT = 8.0


class Token(NamedTuple):
    """One word of a name; see the module doc for the fields.

    A named tuple rather than a dataclass: tokens are hashed for every comparison the
    matcher caches, and a tuple hashes in C.
    """

    key: str
    skel: str
    weight: float
    concept: bool = False
    abbrev: bool = False
    number: bool = False


@dataclass(frozen=True, slots=True)
class Features:
    """A name as tokens and sizes.

    ``key`` is the sorted token keys (word order does not matter); ``joined`` the
    skeletons run together in order, so "Cheese burger" and "Cheeseburger" agree.
    """

    tokens: tuple[Token, ...]
    sizes: tuple[Size, ...]
    key: str
    joined: str


def _expand(text: str) -> str:
    text = strip_accents(text.lower()).replace("ё", "е")
    text = text.replace("w/o ", " without ").replace("w/", " with ")
    text = text.replace("&", " and ").replace("+", " ")
    return text


@lru_cache(maxsize=65536)
def features(name: str) -> Features:
    """The :class:`Features` of ``name`` (any script, any case)."""
    text, sizes = extract_sizes(_expand(name))
    text = replace_phrases(text)
    tokens: list[Token] = []
    for raw in _TOKEN.findall(text.replace("-", " ").replace("_", " ")):
        abbrev = raw.endswith(".")
        word = raw.rstrip(".").replace("'", "")
        if not word or word in STOPWORDS:
            continue
        word = _ABBREVIATIONS.get(word, word).strip()
        tokens.append(_token(word, abbrev=abbrev and len(word) >= 2))
    return Features(
        tuple(tokens),
        sizes,
        key=" ".join(sorted(t.key for t in tokens)),
        joined="".join(t.skel for t in tokens if not t.number),
    )


@lru_cache(maxsize=65536)
def _token(word: str, *, abbrev: bool) -> Token:
    if word.startswith(PHRASE_MARK):
        phrase = word[len(PHRASE_MARK) :]
        return Token(phrase, phrase, _CONCEPT_WEIGHT, concept=True)
    if word.isdigit():
        return Token(word, word, 2.0, number=True)
    skel = skeleton(word)
    concept = None if abbrev else concept_of(skel)
    if concept is None and _is_english_plural(word):
        # "rolls", "cookies", "vegetables": the singular is the word.
        skel = skel[:-1]
        concept = None if abbrev else concept_of(skel)
    if concept is not None:
        return Token(concept, skel, _CONCEPT_WEIGHT, concept=True)
    return Token(skel, skel, min(float(len(skel)), _MAX_WEIGHT), abbrev=abbrev)


def _is_english_plural(word: str) -> bool:
    return len(word) >= 5 and word.endswith("s") and not word.endswith("ss") and word.isascii()
