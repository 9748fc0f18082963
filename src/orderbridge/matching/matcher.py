"""Matching a channel's own menu against the POS menu: ranked candidates per item.

:class:`PosIndex` is built once per POS menu: every item, every variant ("Маргарита
Ø35 см" is its own target) and, on demand, every item with one modifier. For each
channel item :meth:`PosIndex.match` finds a few dozen plausible targets cheaply —
rapidfuzz over the sorted word keys of all names, plus the targets sharing a rare
word — then scores those few carefully (:mod:`orderbridge.matching.scoring`) and
returns the best, ranked.

A match is ``auto`` only when everything agrees: confidence at or above the tenant's
threshold, every word on both sides explained, no size or price against it, and a
clear lead over the next different target. Anything less is for a person to confirm.

Which targets are fair game depends on the channel item: one that has variants of
its own is matched to a POS *item* (its variants are then matched inside it, see
:mod:`orderbridge.matching.options`); one without is matched to a POS item that has no
variants, or to one variant of an item that has them, since the POS cannot take the
item without its variant.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from orderbridge.domain.menu import Item, Menu
from orderbridge.matching.features import Features, Token, features
from orderbridge.matching.model import Candidate, ChannelItem, Match, Target
from orderbridge.matching.scoring import compare_names, confidence, evidence
from orderbridge.matching.sizes import Size

DEFAULT_AUTO_THRESHOLD = 0.9
"""Conservative: a wrong automatic match sends the wrong dish to the kitchen."""
MARGIN = 0.06
"""How far the best target must lead the next different one to be used unseen."""
SEARCH_LIMIT = 12
"""Quick-search hits per channel item that are scored carefully."""
MODIFIER_ITEMS = 3
"""How many of the best items are tried with each of their modifiers."""
MIN_CANDIDATE = 0.3
"""Weaker candidates are noise, not help: they are not offered."""


@dataclass(frozen=True, slots=True)
class _Entry:
    target: Target
    name: str
    required: tuple[Token, ...]
    context: tuple[Token, ...]
    sizes: tuple[Size, ...]
    price: int | None
    category: tuple[Token, ...]
    joined: str
    item_level: bool
    """An item that has variants, as a whole: only channel items with variants match it."""


class PosIndex:
    """The POS menu of one location, prepared for matching many channel items."""

    def __init__(self, menu: Menu) -> None:
        self.menu = menu
        self._entries: list[_Entry] = []
        self._items: dict[str, Item] = {}
        self._category: dict[str, tuple[Token, ...]] = {}
        keys: dict[str, list[int]] = {}
        for category in menu.categories:
            category_tokens = features(category.name).tokens
            for item in category.items:
                self._items[item.id] = item
                self._category[item.id] = category_tokens
                for entry in self._item_entries(item, category_tokens):
                    keys.setdefault(_key(entry), []).append(len(self._entries))
                    self._entries.append(entry)
        self._keys = list(keys)
        self._key_entries = [keys[k] for k in self._keys]
        postings: dict[str, set[int]] = {}
        for number, key in enumerate(self._keys):
            for word in key.split():
                postings.setdefault(word, set()).add(number)
        self._postings = postings
        self._vocabulary = list(postings)
        self._similar: dict[str, tuple[str, ...]] = {}

    @staticmethod
    def _item_entries(item: Item, category: tuple[Token, ...]) -> Iterable[_Entry]:
        own = features(item.name)
        yield _Entry(
            target=Target(item.id),
            name=item.name,
            required=own.tokens,
            context=category,
            sizes=own.sizes,
            price=None if item.variants else item.price.amount,
            category=category,
            joined=own.joined,
            item_level=bool(item.variants),
        )
        for variant in item.variants:
            extra = features(variant.name)
            yield _Entry(
                target=Target(item.id, variant_id=variant.id),
                name=f"{item.name} · {variant.name}",
                required=own.tokens,
                context=extra.tokens + category,
                sizes=own.sizes + extra.sizes,
                price=variant.price.amount,
                category=category,
                joined=own.joined,
                item_level=False,
            )

    def item(self, item_id: str) -> Item | None:
        """The POS item of this id, or None."""
        return self._items.get(item_id)

    def match(
        self,
        channel: ChannelItem,
        *,
        threshold: float = DEFAULT_AUTO_THRESHOLD,
        limit: int = 5,
    ) -> Match:
        """The best ``limit`` candidates for ``channel``, and whether the first is auto."""
        own = features(channel.name)
        category = features(channel.category).tokens if channel.category else ()
        wants_item = bool(channel.variants)
        scored: dict[Target, Candidate] = {}
        for number in self._search(own):
            for index in self._key_entries[number]:
                entry = self._entries[index]
                if entry.item_level != wants_item and self._items[entry.target.item_id].variants:
                    continue
                scored[entry.target] = _score(own, channel, category, entry)
        ranked = sorted(scored.values(), key=_rank)
        if not wants_item:
            for candidate in self._with_modifiers(own, channel, category, ranked):
                if candidate.target not in scored:
                    scored[candidate.target] = candidate
            ranked = sorted(scored.values(), key=_rank)
        ranked = [c for c in ranked if c.confidence >= MIN_CANDIDATE][:limit]
        return Match(channel.id, tuple(ranked), _is_auto(ranked, threshold))

    def _search(self, own: Features) -> set[int]:
        """Numbers of the keys worth scoring carefully.

        Each word of the channel name brings the keys holding it or a near spelling of
        it: a rare word brings all of them. Starting from the rarest word, the sets are
        also intersected for as long as something is left, giving the keys that share
        the most (and the most telling) words; a pool too large is ranked by a quick
        fuzzy ratio of the whole key. When the words find nothing (a dish the POS does not
        have, a name mangled beyond its words), every key is ranked that way.
        """
        sets = []
        for word in sorted({t.key for t in own.tokens}):
            similar = self._similar_words(word)
            if len(similar) == 1:
                sets.append(self._postings[similar[0]])
            elif similar:
                sets.append(set().union(*(self._postings[w] for w in similar)))
        sets.sort(key=len)
        found: set[int] = set()
        for rare in sets:
            if len(rare) > SEARCH_LIMIT:
                break
            found |= rare
        pool: set[int] = set(sets[0]) if sets else set()
        for more in sets[1:]:
            narrower = pool & more
            if narrower:
                pool = narrower
        if len(pool) <= SEARCH_LIMIT:
            found |= pool
        else:
            found.update(self._ranked(own.key, sorted(pool)))
        if not found:
            found.update(self._ranked(own.key, None))
        return found

    def _ranked(self, query: str, numbers: list[int] | None) -> list[int]:
        """The keys (all, or those ``numbers``) most like ``query`` by a quick ratio."""
        from rapidfuzz import fuzz, process  # on first use: see scoring._indel_similarity

        choices = [self._keys[n] for n in numbers] if numbers is not None else self._keys
        hits = process.extract(
            query, choices, scorer=fuzz.ratio, limit=SEARCH_LIMIT, score_cutoff=30
        )
        return [numbers[at] if numbers is not None else at for _, _, at in hits]

    def _similar_words(self, word: str) -> tuple[str, ...]:
        """POS vocabulary words that are ``word`` or a near spelling of it."""
        found = self._similar.get(word)
        if found is None:
            near: list[str] = [word] if word in self._postings else []
            if len(word) >= 4:
                from rapidfuzz import fuzz, process

                hits = process.extract(
                    word, self._vocabulary, scorer=fuzz.ratio, limit=6, score_cutoff=75
                )
                near.extend(w for w, _, _ in hits if w != word)
            found = self._similar[word] = tuple(near)
        return found

    def _with_modifiers(
        self,
        own: Features,
        channel: ChannelItem,
        category: tuple[Token, ...],
        ranked: Sequence[Candidate],
    ) -> Iterable[Candidate]:
        """The best few items, each with one of its modifiers ("Oat milk latte").

        Only items that leave some channel word unexplained are tried (a modifier
        cannot improve on an item that already says everything), and a modifier is
        kept only when it explains more than the item alone. The modifier's group
        name is required too ("Coconut cappuccino" does not say the coconut is the
        syrup), so a modifier match is never used unseen on the modifier's word alone.
        """
        tried: set[str] = set()
        for candidate in ranked:
            if len(tried) >= MODIFIER_ITEMS:
                break
            item_id = candidate.target.item_id
            if item_id in tried or candidate.target.kind != "item" or candidate.complete:
                continue
            tried.add(item_id)
            item = self._items[item_id]
            base = features(item.name)
            for group in item.modifier_groups:
                group_tokens = features(group.name).tokens
                for modifier in group.modifiers:
                    extra = features(modifier.name)
                    entry = _Entry(
                        target=Target(item_id, modifier_id=modifier.id),
                        name=f"{item.name} + {modifier.name}",
                        required=base.tokens + extra.tokens + group_tokens,
                        context=self._category[item_id],
                        sizes=base.sizes + extra.sizes,
                        price=item.price.amount + modifier.price.amount,
                        category=self._category[item_id],
                        joined=base.joined + extra.joined,
                        item_level=False,
                    )
                    scored = _score(own, channel, category, entry)
                    if scored.confidence > candidate.confidence:  # the modifier says more
                        yield scored


def _key(entry: _Entry) -> str:
    return " ".join(sorted(t.key for t in entry.required))


def _score(
    own: Features, channel: ChannelItem, category: tuple[Token, ...], entry: _Entry
) -> Candidate:
    name = compare_names(
        own.tokens, entry.required, entry.context, joined=(own.joined, entry.joined)
    )
    category_sim = compare_names(category, entry.category).value if category else 0.0
    proof = evidence(
        channel_sizes=own.sizes,
        pos_sizes=entry.sizes,
        channel_price=channel.price,
        pos_price=entry.price,
        category_sim=category_sim,
    )
    return Candidate(
        target=entry.target,
        name=entry.name,
        confidence=confidence(name, proof),
        complete=name.complete,
        blocked=proof.blocks_auto,
    )


def _rank(candidate: Candidate) -> tuple[float, bool, str, str, str]:
    target = candidate.target
    return (
        -candidate.confidence,
        not candidate.complete,
        target.item_id,
        target.variant_id or "",
        target.modifier_id or "",
    )


def _is_auto(ranked: Sequence[Candidate], threshold: float) -> bool:
    if not ranked:
        return False
    best = ranked[0]
    if not best.complete or best.blocked or best.confidence < threshold:
        return False
    runner_up = next((c for c in ranked[1:] if c.target != best.target), None)
    return runner_up is None or best.confidence - runner_up.confidence >= MARGIN


def match_menu(
    items: Iterable[ChannelItem],
    menu: Menu,
    *,
    threshold: float = DEFAULT_AUTO_THRESHOLD,
    limit: int = 5,
) -> list[Match]:
    """Every channel item matched against ``menu``, in the channel menu's order."""
    index = PosIndex(menu)
    return [index.match(item, threshold=threshold, limit=limit) for item in items]
