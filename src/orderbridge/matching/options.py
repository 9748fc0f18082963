"""Variants and modifiers matched inside one matched item.

Once "Margherita" is known to be "Маргарита", its variants "Small 25 cm" and "Large 35
cm" only need to find their partners among Маргарита's own "Ø25 см" and "Ø35 см", and
its modifier "Oat milk" among Капучино's modifiers. The field is small, so each pair
is scored (name, size and price, as for items) and the pairs are taken best first, each
POS option at most once. A pair is kept only when it is clearly right: complete names,
or the same size, or the same price with a name that does not contradict it; anything
less stays unlinked for a person (and an order naming it fails as unmapped).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from orderbridge.domain.menu import Item
from orderbridge.matching.features import Token, features
from orderbridge.matching.model import ChannelItem, ChannelOption, OptionLink, OptionMatch
from orderbridge.matching.scoring import compare_names
from orderbridge.matching.sizes import Size, compare_sizes

OPTION_THRESHOLD = 0.75
"""The least confidence at which a variant or modifier pair is linked."""


@dataclass(frozen=True, slots=True)
class _Side:
    id: str
    tokens: tuple[Token, ...]
    context: tuple[Token, ...]
    sizes: tuple[Size, ...]
    price: int | None


def match_options(channel: ChannelItem, item: Item) -> OptionMatch:
    """Link ``channel``'s variants and modifiers to ``item``'s."""
    variants: tuple[OptionLink, ...] = ()
    if channel.variants:
        pos = [_side(v.id, v.name, v.price.amount) for v in item.variants]
        variants = _assign([_channel_side(v) for v in channel.variants], pos)
        if not item.variants and len(channel.variants) == 1:
            # One channel variant of an item the POS sells in one way: the item itself.
            variants = (OptionLink(channel.variants[0].id, None, 1.0),)
    modifiers: tuple[OptionLink, ...] = ()
    if channel.modifiers:
        pos = [
            _side(m.id, m.name, m.price.amount, group.name)
            for group in item.modifier_groups
            for m in group.modifiers
        ]
        modifiers = _assign([_channel_side(m) for m in channel.modifiers], pos)
    return OptionMatch(variants=variants, modifiers=modifiers)


def _side(id_: str, name: str, price: int | None, group: str = "") -> _Side:
    own = features(name)
    context = features(group).tokens if group else ()
    return _Side(id_, own.tokens, context, own.sizes, price)


def _channel_side(option: ChannelOption) -> _Side:
    return _side(option.id, option.name, option.price, option.group)


def _pair_score(channel: _Side, pos: _Side) -> float:
    size = compare_sizes(channel.sizes, pos.sizes)
    if size == "conflict":
        return 0.0
    same_price = channel.price is not None and channel.price == pos.price
    if channel.tokens and pos.tokens:
        name = compare_names(channel.tokens, pos.tokens, pos.context)
        score = name.value if name.complete else name.value * 0.8
    else:
        score = 0.0
    if size == "same":
        score = max(score, 0.85) + 0.1
    if same_price:
        score += 0.1
    return min(score, 1.0)


def _assign(channel: Sequence[_Side], pos: Sequence[_Side]) -> tuple[OptionLink, ...]:
    pairs = sorted(
        ((_pair_score(c, p), n, c.id, p.id) for n, c in enumerate(channel) for p in pos),
        key=lambda pair: (-pair[0], pair[1], pair[3]),
    )
    chosen: dict[str, OptionLink] = {}
    used: set[str] = set()
    for score, _, channel_id, pos_id in pairs:
        if score < OPTION_THRESHOLD:
            break
        if channel_id in chosen or pos_id in used:
            continue
        chosen[channel_id] = OptionLink(channel_id, pos_id, round(score, 3))
        used.add(pos_id)
    return tuple(chosen.get(c.id, OptionLink(c.id, None, 0.0)) for c in channel)
