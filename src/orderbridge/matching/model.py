"""The matcher's vocabulary: a channel's own menu items, POS targets, candidates.

A channel item is what a website, an app or a Wix menu calls a dish, with its own id,
price, category, variants and modifiers. A :class:`Target` is what it can stand for on
the POS: an item, one variant of an item ("Маргарита Ø35 см"), or an item with one
modifier ("Лате" + "Вівсяне" for "Oat milk latte"). Ids are the hub's menu ids, the
ones the storefront menu shows (``pos_item_id``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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


class ChannelMode(StrEnum):
    """How a channel's menu relates to the POS menu.

    ``pos``: the channel shows the menu generated from the POS (ids are the POS's, no
    mapping needed). ``own``: the channel keeps its own menu and ids; the hub maps them.
    """

    POS = "pos"
    OWN = "own"


@dataclass(frozen=True, slots=True)
class ChannelMenu:
    """A channel's menu at one location: its mode and, in ``own`` mode, its items.

    ``channel`` is ``storefront`` (the storefront API) or the id of a channel
    connection (a Wix site). ``version`` fingerprints the items, so an unchanged upload
    is recognised.
    """

    location_id: str
    channel: str
    mode: ChannelMode
    items: tuple[ChannelItem, ...] = ()
    version: str = ""

    def item(self, item_id: str) -> ChannelItem | None:
        """The channel item of this id, or None."""
        return next((i for i in self.items if i.id == item_id), None)


def channel_items(document: Mapping[str, Any]) -> tuple[ChannelItem, ...]:
    """The items of a channel menu document (``{"items": [...]}``, the upload's shape).

    Modifier groups are flattened: each modifier keeps its group's name, which the
    matcher reads as context ("Oat" in "Milk").
    """
    items = []
    for raw in document.get("items") or []:
        items.append(
            ChannelItem(
                id=str(raw["id"]),
                name=str(raw["name"]),
                price=raw.get("price"),
                category=str(raw.get("category") or ""),
                variants=tuple(
                    ChannelOption(str(v["id"]), str(v["name"]), v.get("price"))
                    for v in raw.get("variants") or []
                ),
                modifiers=tuple(
                    ChannelOption(str(m["id"]), str(m["name"]), m.get("price"), str(g["name"]))
                    for g in raw.get("modifier_groups") or []
                    for m in g.get("modifiers") or []
                ),
            )
        )
    return tuple(items)
