"""How alike two names are, and how price, size and category move the verdict.

:func:`compare_names` lines the words of a channel name up against the words of a POS
name. Every channel word looks for its best partner among the POS words (and the
POS's *context* words: the variant's, the modifier group's, the category's, which may
explain a channel word but are not required), and every required POS word looks for
its best partner among the channel words. Two recalls come out — how much of the
channel name the POS explains, and how much of the POS name the channel says — and
whether *every* word on each side found a partner. That last pair is what keeps
"Coca-Cola Zero" off "Coca-Cola" and "Raf classic" off "Раф лавандовий": a match
that leaves a word unexplained may be suggested, never used on its own.

:func:`evidence` then adds what the names do not say: the same size (+), a different
size (a cap: "0,5 л" is not "0,33 л"), the same price (+), a far-off price (−), the
same category (+).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from math import log

from orderbridge.matching.features import Token
from orderbridge.matching.sizes import Size, compare_sizes

MATCHED = 0.8
"""A word pair at least this alike counts as the same word (a typo, an inflection)."""
UNRELATED = 0.6
"""Below this two words are unrelated and earn no credit at all."""
_PREFIX = 0.9
_SIZE_CONFLICT_CAP = 0.45

_INDEL: list[Callable[[str, str], float]] = []


def _indel_similarity(a: str, b: str) -> float:
    """rapidfuzz's normalised Indel similarity of two strings, 0..1.

    rapidfuzz is imported on the first comparison, not with the module: every hub
    process imports this package (the ports name its types), and only the processes
    that match menus need rapidfuzz's ~7 MiB (docs/benchmarks.md, "Idle RSS").
    """
    if not _INDEL:
        from rapidfuzz.distance import Indel

        _INDEL.append(Indel.normalized_similarity)
    return _INDEL[0](a, b)


@lru_cache(maxsize=1 << 18)
def token_sim(a: Token, b: Token) -> float:
    """How alike two words are, 0..1 (1: the same word or glossary concept)."""
    if a.key == b.key:
        return 1.0
    if a.number or b.number or (a.concept and b.concept):
        return 0.0
    for short, long_ in ((a, b), (b, a)):
        if short.abbrev and len(short.skel) >= 2 and long_.skel.startswith(short.skel):
            return _PREFIX
    short_skel, long_skel = sorted((a.skel, b.skel), key=len)
    # An inflected form ("kyivskyi" / "kyiv"), as long as most of the word is shared.
    prefix = len(short_skel) >= 4 and long_skel.startswith(short_skel)
    if prefix and len(short_skel) * 2 >= len(long_skel):
        return _PREFIX
    if len(short_skel) <= 3:
        return 0.0
    return _indel_similarity(a.skel, b.skel)


@dataclass(frozen=True, slots=True)
class NameScore:
    """``channel``/``pos``: the two weighted recalls; ``*_all``: every word explained."""

    channel: float
    pos: float
    channel_all: bool
    pos_all: bool

    @property
    def value(self) -> float:
        return (self.channel + self.pos) / 2

    @property
    def complete(self) -> bool:
        return self.channel_all and self.pos_all


NO_NAME = NameScore(0.0, 0.0, False, False)


def compare_names(
    channel: Sequence[Token],
    required: Sequence[Token],
    context: Sequence[Token] = (),
    *,
    joined: tuple[str, str] | None = None,
) -> NameScore:
    """Line ``channel`` words up with the POS's ``required`` and ``context`` words.

    ``joined`` (the two names' skeletons run together) rescues compounds written
    apart on one side ("Cheese burger" / "Cheeseburger").
    """
    if not channel or not required:
        return NO_NAME
    pos_best = [0.0] * len(required)
    channel_sum = channel_total = 0.0
    channel_all = True
    for token in channel:
        best = 0.0
        for index, other in enumerate(required):
            sim = token_sim(token, other)
            if sim > pos_best[index]:
                pos_best[index] = sim
            if sim > best:
                best = sim
        if best < 1.0:
            for other in context:
                best = max(best, token_sim(token, other))
        channel_sum += token.weight * _credit(best)
        channel_total += token.weight
        channel_all = channel_all and best >= MATCHED
    pos_sum = sum(t.weight * _credit(s) for t, s in zip(required, pos_best, strict=True))
    pos_total = sum(t.weight for t in required)
    score = NameScore(
        channel_sum / channel_total,
        pos_sum / pos_total,
        channel_all,
        all(s >= MATCHED for s in pos_best),
    )
    if joined is not None and len(channel) != len(required) and min(map(len, joined)) >= 6:
        together = _indel_similarity(*joined)
        if together >= 0.9 and together > score.value:
            complete = together >= 0.95
            return NameScore(together, together, complete, complete)
    return score


def _credit(sim: float) -> float:
    return sim if sim >= UNRELATED else 0.0


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the sizes, prices and categories say; ``blocks_auto``: never use unseen."""

    adjustment: float
    cap: float = 1.0
    blocks_auto: bool = False
    size: str = "none"


def evidence(
    *,
    channel_sizes: tuple[Size, ...],
    pos_sizes: tuple[Size, ...],
    channel_price: int | None,
    pos_price: int | None,
    category_sim: float,
) -> Evidence:
    """The adjustment to a name score from everything but the names."""
    adjustment = 0.0
    cap = 1.0
    blocks = False
    size = compare_sizes(channel_sizes, pos_sizes)
    if size == "same":
        adjustment += 0.04
    elif size == "conflict":
        cap, blocks = _SIZE_CONFLICT_CAP, True
    elif size == "one_sided":
        # A size only the channel states may be another portion than the POS's item.
        adjustment -= 0.08 if channel_sizes else 0.03
        blocks = blocks or bool(channel_sizes)
    if channel_price and pos_price:
        ratio = abs(log(channel_price / pos_price))
        if ratio <= 0.005:
            adjustment += 0.04
        elif ratio > log(1.6):
            adjustment -= 0.12
            blocks = True
        elif ratio > log(1.25):
            adjustment -= 0.05
    if category_sim >= MATCHED:
        adjustment += 0.03
    return Evidence(adjustment, cap, blocks, size)


def confidence(name: NameScore, proof: Evidence) -> float:
    """The candidate's confidence, 0..1."""
    value = min(name.value + proof.adjustment, proof.cap)
    return round(min(max(value, 0.0), 1.0), 3)
