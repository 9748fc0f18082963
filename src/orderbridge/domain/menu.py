"""A location's menu: categories of items, with variants, modifier groups and availability.

The POS owns the menu; the hub keeps a canonical copy per location and publishes it to
channels. Every object keeps its ids in the external systems (``refs``, such as
``{"poster": "139", "wix": "f3c…"}``) so orders can be mapped back without guessing.

Two properties make publishing cheap and safe: :attr:`Menu.version` is a fingerprint
of the content, so an unchanged menu has the same version (and the same HTTP ETag),
and ``menu_diff.diff`` says exactly which items and categories were added, changed
or removed, so an unchanged menu causes no outbound calls at all.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from types import MappingProxyType
from typing import Any

from orderbridge.domain.errors import (
    CurrencyMismatchError,
    DuplicateIdError,
    InvalidValueError,
    require_aware,
)
from orderbridge.domain.money import Money

Refs = Mapping[str, str]


def _frozen_refs(obj: object) -> None:
    # A dict inside a frozen value could still be mutated and silently change the version.
    object.__setattr__(obj, "refs", MappingProxyType(dict(obj.refs)))  # type: ignore[attr-defined]


def _unique(ids: Iterator[str], what: str) -> None:
    seen: set[str] = set()
    for id_ in ids:
        if id_ in seen:
            raise DuplicateIdError(f"duplicate {what} id {id_!r}")
        seen.add(id_)


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether something can be ordered: shown at all, in stock, and not snoozed.

    A snooze is a temporary "out of stock until 18:00": once ``snoozed_until`` passes,
    the thing is available again without anyone touching it.
    """

    visible: bool = True
    in_stock: bool = True
    snoozed_until: datetime | None = None

    def __post_init__(self) -> None:
        if self.snoozed_until is not None:
            require_aware(self.snoozed_until, "snoozed_until")

    def unavailable_reason(self, moment: datetime) -> str | None:
        """Why it cannot be ordered at ``moment`` (``hidden``, ``out_of_stock``, ``snoozed``)."""
        if not self.visible:
            return "hidden"
        if not self.in_stock:
            return "out_of_stock"
        if self.snoozed_until is not None and require_aware(moment, "moment") < self.snoozed_until:
            return "snoozed"
        return None

    def is_available_at(self, moment: datetime) -> bool:
        """True if it can be ordered at ``moment``."""
        return self.unavailable_reason(moment) is None


AVAILABLE = Availability()


@dataclass(frozen=True, slots=True)
class Modifier:
    """An option inside a modifier group (extra cheese); ``price`` is added per unit."""

    id: str
    name: str
    price: Money
    availability: Availability = AVAILABLE
    refs: Refs = field(default_factory=dict)

    def __post_init__(self) -> None:
        _frozen_refs(self)


@dataclass(frozen=True, slots=True)
class ModifierGroup:
    """A choice on an item ("Sauce: pick 1 to 2"); ``min`` 0 makes the group optional.

    ``min`` and ``max`` count modifier quantities, so two portions of one sauce count
    as two choices.
    """

    id: str
    name: str
    min: int
    max: int
    modifiers: tuple[Modifier, ...]
    refs: Refs = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0 <= self.min <= self.max or self.max < 1:
            raise InvalidValueError(f"group {self.id!r}: need 0 <= min <= max and max >= 1")
        _unique((m.id for m in self.modifiers), "modifier")
        _frozen_refs(self)


@dataclass(frozen=True, slots=True)
class Variant:
    """One version of an item with its own price (a Poster product modification: 0.3 l / 0.5 l)."""

    id: str
    name: str
    price: Money
    availability: Availability = AVAILABLE
    refs: Refs = field(default_factory=dict)

    def __post_init__(self) -> None:
        _frozen_refs(self)


@dataclass(frozen=True, slots=True)
class Item:
    """Something a customer can order.

    An item with variants must be ordered as one of them, at the variant's price; its
    own ``price`` is then the "from" price shown on the menu. Modifier ids are unique
    across the item's groups, so an order naming a modifier names its group too.
    """

    id: str
    name: str
    price: Money
    description: str = ""
    photo_url: str | None = None
    variants: tuple[Variant, ...] = ()
    modifier_groups: tuple[ModifierGroup, ...] = ()
    availability: Availability = AVAILABLE
    refs: Refs = field(default_factory=dict)

    def __post_init__(self) -> None:
        _unique((v.id for v in self.variants), "variant")
        _unique((g.id for g in self.modifier_groups), "modifier group")
        _unique((m.id for g in self.modifier_groups for m in g.modifiers), "modifier")
        _frozen_refs(self)

    def variant(self, variant_id: str) -> Variant | None:
        """The variant with this id, or None."""
        return next((v for v in self.variants if v.id == variant_id), None)

    def modifier(self, modifier_id: str) -> tuple[ModifierGroup, Modifier] | None:
        """The modifier with this id and the group it belongs to, or None."""
        for group in self.modifier_groups:
            for modifier in group.modifiers:
                if modifier.id == modifier_id:
                    return group, modifier
        return None

    def prices(self) -> Iterator[Money]:
        """Every price on the item: its own, its variants', its modifiers'."""
        yield self.price
        yield from (v.price for v in self.variants)
        yield from (m.price for g in self.modifier_groups for m in g.modifiers)


@dataclass(frozen=True, slots=True)
class Category:
    """A section of the menu; item order is display order."""

    id: str
    name: str
    items: tuple[Item, ...] = ()
    visible: bool = True
    refs: Refs = field(default_factory=dict)

    def __post_init__(self) -> None:
        _frozen_refs(self)


@dataclass(frozen=True)
class Menu:
    """The published menu of one location, in one currency.

    Item ids are unique across the whole menu (each item sits in one category, as in
    Poster), so an order line's ``item_id`` is enough to find it.
    """

    location_id: str
    currency: str
    categories: tuple[Category, ...] = ()

    def __post_init__(self) -> None:
        _unique((c.id for c in self.categories), "category")
        _unique((i.id for c in self.categories for i in c.items), "item")
        for category in self.categories:
            for item in category.items:
                if any(p.currency != self.currency for p in item.prices()):
                    raise CurrencyMismatchError(
                        f"item {item.id!r} has prices outside the menu currency {self.currency}"
                    )

    @cached_property
    def _index(self) -> dict[str, tuple[Category, Item]]:
        return {i.id: (c, i) for c in self.categories for i in c.items}

    @cached_property
    def version(self) -> str:
        """A fingerprint of the content: equal menus have equal versions, whenever built."""
        blob = json.dumps(_canonical(self), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode()).hexdigest()[:20]

    def items(self) -> Iterator[Item]:
        """Every item, category by category, in display order."""
        for category in self.categories:
            yield from category.items

    def item(self, item_id: str) -> Item | None:
        """The item with this id, or None."""
        found = self._index.get(item_id)
        return found[1] if found else None

    def category_of(self, item_id: str) -> Category | None:
        """The category holding the item, or None."""
        found = self._index.get(item_id)
        return found[0] if found else None

    def with_item(self, item: Item, category_id: str) -> Menu:
        """A copy with ``item`` placed in ``category_id``, replacing any item of the same id.

        This is how one POS product webhook refreshes one item without a full import.
        """
        if all(c.id != category_id for c in self.categories):
            raise InvalidValueError(f"no category {category_id!r} in the menu")
        categories = []
        for category in self.categories:
            items = [i for i in category.items if i.id != item.id]
            if category.id == category_id:
                # Keep a refreshed item where it was; a new or moved one goes last.
                at = next((n for n, i in enumerate(category.items) if i.id == item.id), len(items))
                items.insert(at, item)
            categories.append(replace(category, items=tuple(items)))
        return replace(self, categories=tuple(categories))

    def without_item(self, item_id: str) -> Menu:
        """A copy without the item; unchanged if there is no such item."""
        return replace(
            self,
            categories=tuple(
                replace(c, items=tuple(i for i in c.items if i.id != item_id))
                for c in self.categories
            ),
        )


def _canonical(value: Any) -> Any:
    """The menu as plain JSON data, independent of how it was built."""
    if isinstance(value, Menu):
        value = {
            "location_id": value.location_id,
            "currency": value.currency,
            "c": value.categories,
        }
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, Money):
        return [value.amount, value.currency]
    if hasattr(value, "__dataclass_fields__"):
        return {name: _canonical(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_canonical(v) for v in value]
    return value
