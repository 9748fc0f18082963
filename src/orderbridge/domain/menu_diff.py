"""What changed between two versions of a location's menu, for diff-based publishing.

Channels are slow, rate-limited and sometimes charge per call, so the hub never
re-uploads a whole menu: it publishes the :class:`MenuDiff` between what the channel
last received and what the POS has now. An unchanged menu yields an empty diff and no
outbound calls.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.events import MenuChanged
from orderbridge.domain.menu import Category, Item, Menu


@dataclass(frozen=True, slots=True)
class ItemChange:
    """An item present in both menus whose content or category differs."""

    old: Item
    new: Item
    old_category_id: str
    new_category_id: str

    @property
    def moved(self) -> bool:
        """True if the item changed category."""
        return self.old_category_id != self.new_category_id


@dataclass(frozen=True, slots=True)
class MenuDiff:
    """What publishing ``new`` over ``old`` must do, object by object.

    A category counts as changed when its own fields or its list of item ids changed;
    an item's content changes are reported on the item, not again on its category.
    """

    location_id: str
    previous_version: str | None
    version: str
    added_items: tuple[Item, ...] = ()
    changed_items: tuple[ItemChange, ...] = ()
    removed_items: tuple[Item, ...] = ()
    added_categories: tuple[Category, ...] = ()
    changed_categories: tuple[Category, ...] = ()
    removed_categories: tuple[Category, ...] = ()

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to publish."""
        return not (
            self.added_items
            or self.changed_items
            or self.removed_items
            or self.added_categories
            or self.changed_categories
            or self.removed_categories
        )

    def as_event(self, at: datetime) -> MenuChanged:
        """The :class:`MenuChanged` event announcing this diff, by ids."""
        return MenuChanged(
            at=at,
            location_id=self.location_id,
            version=self.version,
            previous_version=self.previous_version,
            added_items=tuple(i.id for i in self.added_items),
            changed_items=tuple(c.new.id for c in self.changed_items),
            removed_items=tuple(i.id for i in self.removed_items),
            added_categories=tuple(c.id for c in self.added_categories),
            changed_categories=tuple(c.id for c in self.changed_categories),
            removed_categories=tuple(c.id for c in self.removed_categories),
        )


def diff(old: Menu | None, new: Menu) -> MenuDiff:
    """Compare two versions of a location's menu; ``old`` None means nothing was published.

    Results keep the display order of the menu they come from (``new`` for added and
    changed objects, ``old`` for removed ones), so publishing is deterministic.
    """
    if old is None:
        old = Menu(location_id=new.location_id, currency=new.currency)
    if old.location_id != new.location_id:
        raise InvalidValueError(f"cannot diff menus of {old.location_id!r} and {new.location_id!r}")
    if old.version == new.version:
        return MenuDiff(new.location_id, old.version if old.categories else None, new.version)
    old_cats = {c.id: c for c in old.categories}
    new_cats = {c.id: c for c in new.categories}
    changed_items = []
    added_items = []
    for item in new.items():
        before = old.item(item.id)
        if before is None:
            added_items.append(item)
            continue
        was_in, now_in = old.category_of(item.id), new.category_of(item.id)
        assert was_in is not None and now_in is not None  # both found by the same id
        if before != item or was_in.id != now_in.id:
            changed_items.append(ItemChange(before, item, was_in.id, now_in.id))
    return MenuDiff(
        location_id=new.location_id,
        previous_version=old.version if old.categories else None,
        version=new.version,
        added_items=tuple(added_items),
        changed_items=tuple(changed_items),
        removed_items=tuple(i for i in old.items() if new.item(i.id) is None),
        added_categories=tuple(c for c in new.categories if c.id not in old_cats),
        changed_categories=tuple(
            c for c in new.categories if c.id in old_cats and _shell(old_cats[c.id]) != _shell(c)
        ),
        removed_categories=tuple(c for c in old.categories if c.id not in new_cats),
    )


def _shell(category: Category) -> tuple[object, ...]:
    """A category without its items' content: what makes the category itself change."""
    return (category.name, category.visible, dict(category.refs), [i.id for i in category.items])
