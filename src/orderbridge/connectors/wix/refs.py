"""The id map a Wix connector keeps: which Wix entity each hub object is.

The connector is handed a :class:`RefStore` bound to its connection (the composition
root builds one over the database); tests hand it the same store on SQLite. Local ids
are ``location/item`` for items, ``location/item/sub`` for an item's variants, modifier
groups and modifiers, ``location/category`` for sections and ``location`` for the menu,
so one Wix site can serve several hub locations with overlapping POS ids.
"""

from __future__ import annotations

from typing import Protocol

from orderbridge.domain.menu import Menu

MENU = "menu"
SECTION = "section"
ITEM = "item"
VARIANT = "variant"
MODIFIER_GROUP = "modifier_group"
MODIFIER = "modifier"
POS_ORDER = "pos_order"
"""A register check mirrored into Wix: ``{pos connection}/{check id}`` → Wix order id."""


class StoredRef(Protocol):
    @property
    def external_id(self) -> str: ...

    @property
    def revision(self) -> str | None: ...


class RefStore(Protocol):
    """Wix ids (and revisions) per hub object, and the menu last published."""

    def get(self, kind: str, local_id: str) -> StoredRef | None: ...

    def put(
        self, kind: str, local_id: str, external_id: str, revision: str | None = None
    ) -> None: ...

    def drop(self, kind: str, local_id: str) -> None: ...

    def local_id(self, kind: str, external_id: str) -> str | None: ...

    def published_menu(self, location_id: str) -> Menu | None: ...

    def save_published(self, menu: Menu) -> None: ...
