"""The body of ``GET /api/v1/locations/{id}/menu``, exactly DESIGN.md's menu shape.

Prices are integers in minor units of the menu's ``currency``. ``available`` is
computed for the moment of the request: an item that is out of stock or snoozed is
listed with ``available: false`` (so a website can grey it out), while hidden
categories, items, variants and modifiers are left out entirely. ``version`` changes
whenever the content or the availability shown changes, so it serves as the ETag.
"""

from __future__ import annotations

from pydantic import Field

from orderbridge.web.schemas.common import OutModel


class MenuModifierOut(OutModel):
    """An option in a modifier group; ``price`` is added per unit of the item."""

    id: str
    name: str
    price: int
    available: bool


class MenuModifierGroupOut(OutModel):
    """A choice on an item: pick ``min`` to ``max`` modifiers (counting quantities)."""

    id: str
    name: str
    min: int
    max: int
    modifiers: list[MenuModifierOut]


class MenuVariantOut(OutModel):
    """A version of an item with its own price; an item with variants is ordered as one."""

    id: str
    name: str
    price: int
    available: bool


class MenuItemOut(OutModel):
    """Something to order; with variants, ``price`` is the "from" price."""

    id: str
    name: str
    description: str
    photo_url: str | None
    price: int
    available: bool
    variants: list[MenuVariantOut]
    modifier_groups: list[MenuModifierGroupOut]


class MenuCategoryOut(OutModel):
    """A menu section; items are in display order."""

    id: str
    name: str
    items: list[MenuItemOut]


class MenuOut(OutModel):
    """A location's published menu."""

    location_id: str
    currency: str = Field(examples=["UAH"])
    version: str
    categories: list[MenuCategoryOut]
