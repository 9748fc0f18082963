"""Availability the hub lays over a POS menu: stock the POS reported, and snoozes.

A POS menu import says what is sold and at what price; it does not say what ran out
(Poster's ``menu.getProducts`` carries no stock: ``stock`` webhooks do, per storage) or
what an operator switched off for an hour. So the hub keeps those facts apart and lays
them over every menu it stores, whatever brought the menu — a full import, one item's
refresh, the scheduled reconcile — with :func:`apply_availability`. An item sold out at
the POS stays sold out until the POS reports stock again; a snooze holds until its
``until`` passes.

- :class:`StockMark`: the POS reported the item (or a variant) out of stock at this
  location's storage; it is cleared when the POS reports stock again.
- :class:`Snooze`: an operator made an item, a variant or a modifier unavailable until
  a time; it comes back by itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import StrEnum

from orderbridge.domain.errors import InvalidValueError, require_aware
from orderbridge.domain.menu import Availability, Item, Menu, ModifierGroup


class SnoozeTarget(StrEnum):
    """What a snooze switches off."""

    ITEM = "item"
    VARIANT = "variant"
    MODIFIER = "modifier"


@dataclass(frozen=True, slots=True)
class Snooze:
    """``target_id`` (an item, variant or modifier id of the menu) off until ``until``."""

    id: str
    location_id: str
    target: SnoozeTarget
    target_id: str
    until: datetime
    reason: str = ""

    def __post_init__(self) -> None:
        require_aware(self.until, "until")
        if not self.target_id:
            raise InvalidValueError("a snooze needs the id of what it switches off")

    def active_at(self, moment: datetime) -> bool:
        """True until ``until``."""
        return moment < self.until


@dataclass(frozen=True, slots=True)
class StockMark:
    """An item (or one of its variants) the POS reported out of stock at the location."""

    item_id: str
    variant_id: str | None = None


def apply_availability(
    menu: Menu,
    *,
    out_of_stock: Iterable[StockMark] = (),
    snoozes: Iterable[Snooze] = (),
    now: datetime,
) -> Menu:
    """``menu`` with the POS's stock and the active snoozes laid over it.

    ``menu`` is the menu as the POS gave it (never one this function made: marks that
    were cleared would stay). Its own availability is kept — hidden, not sold at this
    spot, out of stock if the POS's menu says so — and the overlay only takes away: an
    item is out of stock if a mark says so too, and snoozed until the latest active
    snooze on it. Snoozes naming nothing on the menu are ignored.
    """
    stock = {(mark.item_id, mark.variant_id) for mark in out_of_stock}
    until: dict[tuple[SnoozeTarget, str], datetime] = {}
    for snooze in snoozes:
        if snooze.active_at(now):
            key = (snooze.target, snooze.target_id)
            until[key] = max(until.get(key, snooze.until), snooze.until)
    if not stock and not until:
        return menu
    categories = tuple(
        replace(c, items=tuple(_item(i, stock, until) for i in c.items)) for c in menu.categories
    )
    return replace(menu, categories=categories)


def _item(
    item: Item,
    stock: set[tuple[str, str | None]],
    until: Mapping[tuple[SnoozeTarget, str], datetime],
) -> Item:
    variants = tuple(
        replace(
            v,
            availability=_mark(
                v.availability, (item.id, v.id) in stock, until.get((SnoozeTarget.VARIANT, v.id))
            ),
        )
        for v in item.variants
    )
    groups = tuple(_group(g, until) for g in item.modifier_groups)
    availability = _mark(
        item.availability, (item.id, None) in stock, until.get((SnoozeTarget.ITEM, item.id))
    )
    return replace(item, variants=variants, modifier_groups=groups, availability=availability)


def _group(
    group: ModifierGroup, until: Mapping[tuple[SnoozeTarget, str], datetime]
) -> ModifierGroup:
    modifiers = tuple(
        replace(
            m, availability=_mark(m.availability, False, until.get((SnoozeTarget.MODIFIER, m.id)))
        )
        for m in group.modifiers
    )
    return replace(group, modifiers=modifiers)


def _mark(availability: Availability, sold_out: bool, snoozed: datetime | None) -> Availability:
    if not sold_out and snoozed is None:
        return availability
    own = availability.snoozed_until
    return replace(
        availability,
        in_stock=availability.in_stock and not sold_out,
        snoozed_until=snoozed if own is None or (snoozed is not None and snoozed > own) else own,
    )


def find_target(menu: Menu, target: SnoozeTarget, target_id: str) -> str | None:
    """The name of what ``target_id`` names on ``menu``, or None if it is not there."""
    for item in menu.items():
        if target is SnoozeTarget.ITEM and item.id == target_id:
            return item.name
        if target is SnoozeTarget.VARIANT:
            variant = item.variant(target_id)
            if variant is not None:
                return f"{item.name}, {variant.name}"
        if target is SnoozeTarget.MODIFIER:
            found = item.modifier(target_id)
            if found is not None:
                return found[1].name
    return None
