"""The matcher's vocabulary: a channel's own menu items, POS targets, candidates.

A channel item is what a website, an app or a Wix menu calls a dish, with its own id,
price, category, variants and modifiers. A :class:`Target` is what it can stand for on
the POS: an item, one variant of an item ("Маргарита Ø35 см"), or an item with one
modifier ("Лате" + "Вівсяне" for "Oat milk latte"). Ids are the hub's menu ids, the
ones the storefront menu shows (``pos_item_id``).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ChannelOption:
    """A variant or a modifier of a channel item; ``group`` names its modifier group."""

    id: str
    name: str
    price: int | None = None
    group: str = ""


@dataclass(frozen=True, slots=True)
class ChannelItem:
    """One item of a channel's own menu; prices are minor units in the menu's currency."""

    id: str
    name: str
    price: int | None = None
    category: str = ""
    variants: tuple[ChannelOption, ...] = ()
    modifiers: tuple[ChannelOption, ...] = ()


@dataclass(frozen=True, slots=True)
class Target:
    """A POS item, or one of its variants, or the item with one modifier."""

    item_id: str
    variant_id: str | None = None
    modifier_id: str | None = None

    @property
    def kind(self) -> str:
        """``item``, ``variant`` or ``item_modifier``."""
        if self.variant_id is not None:
            return "variant"
        if self.modifier_id is not None:
            return "item_modifier"
        return "item"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A POS target for a channel item, named as a person reads it, with a confidence."""

    target: Target
    name: str
    confidence: float
    complete: bool = False
    blocked: bool = False
    """``complete``: every word on both sides explained; ``blocked``: evidence against
    (a size or price that disagrees) rules out using it without a person."""


@dataclass(frozen=True, slots=True)
class Match:
    """The ranked candidates of one channel item, best first, and whether it is auto."""

    channel_item_id: str
    candidates: tuple[Candidate, ...]
    auto: bool = False

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None


@dataclass(frozen=True, slots=True)
class OptionLink:
    """A channel variant or modifier and the POS variant/modifier it is (None: unknown)."""

    channel_id: str
    pos_id: str | None
    confidence: float = 0.0


@dataclass(frozen=True, slots=True)
class OptionMatch:
    """The channel item's variants and modifiers, matched inside one POS item."""

    variants: tuple[OptionLink, ...] = ()
    modifiers: tuple[OptionLink, ...] = ()
    notes: tuple[str, ...] = field(default=())
