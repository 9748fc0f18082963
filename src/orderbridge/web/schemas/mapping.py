"""Wire models of the admin API's channel menus and their mapping to the POS menu.

A channel menu is uploaded as ``{"mode": "own", "items": [...]}``; each item has the
channel's own ``id``, ``name``, ``price`` (minor units of the location's currency),
``category``, ``variants`` and ``modifier_groups``. A mapping names the POS target by
the ids the storefront menu shows (``pos_item_id``; ``pos_variant_id`` for one variant,
``pos_modifier_id`` for an item sold with one modifier).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from orderbridge.web.schemas.common import (
    MAX_NAME_LENGTH,
    Amount,
    Id,
    InModel,
    Name,
    OutModel,
)

MAX_CHANNEL_ITEMS = 5000
MAX_OPTIONS = 100

Title = Annotated[str, StringConstraints(min_length=1, max_length=MAX_NAME_LENGTH)]
Confidence = Annotated[float, Field(ge=0.0, le=1.0)]


class ChannelOptionIn(InModel):
    """A variant ("Large 35 cm") or a modifier ("Oat milk") of a channel item."""

    id: Id
    name: Title
    price: Amount | None = None


class ChannelModifierGroupIn(InModel):
    id: Id
    name: Name = ""
    modifiers: list[ChannelOptionIn] = Field(default_factory=list, max_length=MAX_OPTIONS)


class ChannelItemIn(InModel):
    """One item of the channel's own menu, with the channel's own ids."""

    id: Id
    name: Title
    price: Amount | None = None
    category: Name = ""
    variants: list[ChannelOptionIn] = Field(default_factory=list, max_length=MAX_OPTIONS)
    modifier_groups: list[ChannelModifierGroupIn] = Field(
        default_factory=list, max_length=MAX_OPTIONS
    )


class ChannelMenuIn(InModel):
    """``own``: the channel keeps these items and the hub maps them; ``pos``: the channel
    shows the menu generated from the POS (its mappings are kept for a switch back)."""

    mode: Literal["own", "pos"] = "own"
    items: list[ChannelItemIn] = Field(default_factory=list, max_length=MAX_CHANNEL_ITEMS)

    @model_validator(mode="after")
    def _items_only_in_own_mode(self) -> ChannelMenuIn:
        if self.mode == "pos" and self.items:
            raise ValueError("a channel in pos mode has no items of its own")
        return self


class ChannelMenuSummaryOut(OutModel):
    """What an upload did: the items in each mapping status."""

    location_id: str
    channel: str
    mode: str
    version: str
    items: int
    counts: dict[str, int]
    broken: list[str]


class ChannelMenuOut(OutModel):
    location_id: str
    channel: str
    mode: str
    version: str
    items: list[ChannelItemIn]


class ChannelMenusOut(OutModel):
    channel_menus: list[ChannelMenuSummaryOut]


class CandidateOut(OutModel):
    """A POS target for a channel item; ``name`` as the POS menu says it."""

    pos_item_id: str
    pos_variant_id: str | None
    pos_modifier_id: str | None
    name: str
    confidence: float


class OptionLinkOut(OutModel):
    """A channel variant or modifier and the POS one it is (null: not linked)."""

    channel_option_id: str
    kind: Literal["variant", "modifier"]
    name: str
    pos_option_id: str | None
    pinned: bool


class MappingItemOut(OutModel):
    """One channel item and its mapping.

    ``pos_item_id`` is the target in use (``auto``, ``confirmed``) or suggested; null
    when ``unmapped`` or ``ignored``. ``confidence`` is the matcher's for that target.
    """

    channel_item_id: str
    name: str
    category: str
    price: int | None
    status: str
    pos_item_id: str | None
    pos_variant_id: str | None
    pos_modifier_id: str | None
    pos_name: str | None
    confidence: float | None
    candidates: list[CandidateOut]
    options: list[OptionLinkOut]


class MappingOut(OutModel):
    location_id: str
    channel: str
    mode: str
    counts: dict[str, int]
    items: list[MappingItemOut]


class MappingIn(InModel):
    """Confirm a target (``pos_item_id`` …), confirm the current one (``status``
    ``confirmed`` alone), or ignore the item (``status`` ``ignored``).

    ``options`` pins links of the item's own variants and modifiers to the POS item's
    (channel option id → POS variant/modifier id, or null for "not this POS item's").
    """

    pos_item_id: Id | None = None
    pos_variant_id: Id | None = None
    pos_modifier_id: Id | None = None
    status: Literal["confirmed", "ignored"] | None = None
    options: dict[Id, Id | None] | None = Field(default=None, max_length=2 * MAX_OPTIONS)

    @model_validator(mode="after")
    def _one_decision(self) -> MappingIn:
        if self.status == "ignored" and self.pos_item_id is not None:
            raise ValueError("an ignored item has no pos_item_id")
        if self.status is None and self.pos_item_id is None:
            raise ValueError("send pos_item_id, or status 'confirmed' or 'ignored'")
        if self.pos_item_id is None and (self.pos_variant_id or self.pos_modifier_id):
            raise ValueError("pos_variant_id and pos_modifier_id need pos_item_id")
        return self


def _auto_and_suggested() -> list[Literal["auto", "suggested"]]:
    return ["auto", "suggested"]


class BulkConfirmIn(InModel):
    """Confirm every mapping in ``statuses`` whose confidence is at least ``min_confidence``."""

    min_confidence: Confidence
    statuses: list[Literal["auto", "suggested"]] = Field(
        default_factory=_auto_and_suggested, min_length=1, max_length=2
    )


class BulkConfirmOut(OutModel):
    confirmed: int
    channel_item_ids: list[str]


class MappingSettingsIn(InModel):
    """How confident the matcher must be to use a match unseen (``auto``): 0.5..1."""

    auto_threshold: Annotated[float, Field(ge=0.5, le=1.0)]


class MappingSettingsOut(OutModel):
    auto_threshold: float


class PosHitOut(OutModel):
    pos_item_id: str
    pos_variant_id: str | None
    name: str
    price: int
    confidence: float


class PosSearchOut(OutModel):
    items: list[PosHitOut]
