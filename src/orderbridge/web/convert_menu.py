"""A domain menu as storefronts read it: what to show, and whether it can be ordered now.

Two rules decide what a website sees at a moment ``now``:

- **Hidden is absent.** A category, item, variant or modifier that is not visible is
  left out, as is a category left without items, because a website cannot do
  anything useful with it and listing it would leak what the restaurant withdrew.
- **Unavailable is shown, greyed out.** Out of stock or snoozed things stay listed
  with ``available: false``, so a customer sees the dish is normally there. An item
  with variants is available only while one of its variants is.

``version`` serves as the HTTP ETag. It is the domain's content fingerprint
(:attr:`Menu.version`), extended while a snooze is in force by a digest of what is
snoozed, since a snooze lifts itself without the content changing: when the greyed
out dish comes back, the version changes and caches revalidate.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from orderbridge.domain.menu import Availability, Item, Menu
from orderbridge.web.schemas import (
    MenuCategoryOut,
    MenuItemOut,
    MenuModifierGroupOut,
    MenuModifierOut,
    MenuOut,
    MenuVariantOut,
)

_SNOOZED = "snoozed"


def menu_to_out(menu: Menu, *, now: datetime) -> MenuOut:
    """The storefront view of ``menu`` with availability as of ``now`` (timezone-aware)."""
    snoozed: list[str] = []
    categories = []
    for category in menu.categories:
        if not category.visible:
            continue
        items = [
            _item_out(item, now, snoozed) for item in category.items if item.availability.visible
        ]
        if items:
            categories.append(MenuCategoryOut(id=category.id, name=category.name, items=items))
    version = menu.version
    if snoozed:
        digest = hashlib.sha256("\n".join(sorted(snoozed)).encode()).hexdigest()[:8]
        version = f"{version}-{digest}"
    return MenuOut(
        location_id=menu.location_id,
        currency=menu.currency,
        version=version,
        categories=categories,
    )


def _available(availability: Availability, now: datetime, key: str, snoozed: list[str]) -> bool:
    """Availability at ``now``; notes ``key`` in ``snoozed`` while a snooze holds it back."""
    reason = availability.unavailable_reason(now)
    if reason == _SNOOZED:
        snoozed.append(key)
    return reason is None


def _item_out(item: Item, now: datetime, snoozed: list[str]) -> MenuItemOut:
    variants = [
        MenuVariantOut(
            id=v.id,
            name=v.name,
            price=v.price.amount,
            available=_available(v.availability, now, f"v:{item.id}/{v.id}", snoozed),
        )
        for v in item.variants
        if v.availability.visible
    ]
    groups = [
        MenuModifierGroupOut(
            id=group.id,
            name=group.name,
            min=group.min,
            max=group.max,
            modifiers=[
                MenuModifierOut(
                    id=m.id,
                    name=m.name,
                    price=m.price.amount,
                    available=_available(m.availability, now, f"m:{item.id}/{m.id}", snoozed),
                )
                for m in group.modifiers
                if m.availability.visible
            ],
        )
        for group in item.modifier_groups
    ]
    available = _available(item.availability, now, f"i:{item.id}", snoozed)
    if item.variants:
        available = available and any(v.available for v in variants)
    return MenuItemOut(
        id=item.id,
        name=item.name,
        description=item.description,
        photo_url=item.photo_url,
        price=item.price.amount,
        available=available,
        variants=variants,
        modifier_groups=groups,
    )
