"""Publishing the hub's menu to Wix Restaurants as a diff, honouring revisions.

The publisher compares the location's canonical menu with the one it last published
to this connection (``menu_diff.diff``): an unchanged menu makes no call at all. What
changed is written bottom-up, because Wix entities reference each other by id —
variants and modifiers, then modifier groups, then items, then sections, then the
menu — and what disappeared is deleted after its parents stop naming it.

Every update carries the entity's current ``revision`` (Wix's optimistic lock). A
stale one (someone edited the entity in Wix's dashboard) is re-read and the update
retried, up to ``revision_retries`` times; each retry is counted in the result. An
entity deleted in Wix is created again. Ids are stored as soon as Wix answers, so a
publish that fails half-way continues where it stopped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from orderbridge.connectors.wix import mapping_menu as mm
from orderbridge.connectors.wix import refs as r
from orderbridge.connectors.wix.client import (
    ITEM,
    MENU,
    MODIFIER,
    MODIFIER_GROUP,
    SECTION,
    VARIANT,
    MenuKind,
    RevisionConflict,
    WixClient,
)
from orderbridge.connectors.wix.mapping import item_key, sub_key
from orderbridge.domain.menu import Item, Menu
from orderbridge.domain.menu_diff import diff
from orderbridge.ports import PermanentError, TransientError

KINDS: Mapping[str, MenuKind] = {
    r.MENU: MENU,
    r.SECTION: SECTION,
    r.ITEM: ITEM,
    r.VARIANT: VARIANT,
    r.MODIFIER_GROUP: MODIFIER_GROUP,
    r.MODIFIER: MODIFIER,
}


@dataclass
class PublishStats:
    """What one publish did at Wix."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    revision_retries: int = 0

    @property
    def calls(self) -> int:
        return self.created + self.updated + self.deleted

    def as_dict(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "deleted": self.deleted,
            "revision_retries": self.revision_retries,
        }


class MenuPublisher:
    """Writes one location's menu into one Wix site."""

    def __init__(
        self,
        client: WixClient,
        refs: r.RefStore,
        *,
        business_location_id: str = "",
        revision_retries: int = 3,
    ) -> None:
        self.client = client
        self.refs = refs
        self.business_location_id = business_location_id
        self.revision_retries = revision_retries
        self.stats = PublishStats()
        # Entities Wix had lost and the publisher made again: their parents name new ids.
        self.recreated: set[tuple[str, str]] = set()

    async def publish(self, menu: Menu, *, menu_name: str) -> PublishStats:
        """Bring Wix in step with ``menu``; returns what it took."""
        self.stats = PublishStats()
        self.recreated = set()
        loc = menu.location_id
        old = self.refs.published_menu(loc)
        change = diff(old, menu)
        if change.is_empty and self.refs.get(r.MENU, loc) is not None:
            return self.stats
        for item in change.added_items:
            await self._item(loc, None, item)
        for moved in change.changed_items:
            await self._item(loc, moved.old, moved.new)
        touched = {c.id for c in (*change.added_categories, *change.changed_categories)}
        touched |= {
            c.id
            for c in menu.categories
            if any((r.ITEM, item_key(loc, i.id)) in self.recreated for i in c.items)
        }
        for category in (c for c in menu.categories if c.id in touched):
            ids = self._ids(r.ITEM, {i.id: item_key(loc, i.id) for i in category.items})
            body = mm.section_body(category, ids)
            await self._upsert(r.SECTION, item_key(loc, category.id), body)
        for item in change.removed_items:
            await self._remove_item(loc, item)
        for category in change.removed_categories:
            await self._delete(r.SECTION, item_key(loc, category.id))
        old_sections = [c.id for c in old.categories] if old else None
        sections_recreated = any(kind == r.SECTION for kind, _ in self.recreated)
        if (
            old_sections != [c.id for c in menu.categories]
            or sections_recreated
            or self.refs.get(r.MENU, loc) is None
        ):
            keys = {c.id: item_key(loc, c.id) for c in menu.categories}
            section_ids = list(self._ids(r.SECTION, keys).values())
            await self._upsert(r.MENU, loc, mm.menu_body(menu_name, section_ids))
        self.refs.save_published(menu)
        return self.stats

    # One item with everything it points at -----------------------------------------

    async def _item(self, loc: str, old: Item | None, new: Item) -> None:
        before = _subs(old) if old else {}
        recreated = len(self.recreated)
        for variant in new.variants:
            old_variant = old.variant(variant.id) if old else None
            await self._upsert(
                r.VARIANT,
                sub_key(loc, new.id, variant.id),
                mm.variant_body(variant),
                mm.variant_body(old_variant) if old_variant else None,
            )
        for group in new.modifier_groups:
            for modifier in group.modifiers:
                found = old.modifier(modifier.id) if old else None
                await self._upsert(
                    r.MODIFIER,
                    sub_key(loc, new.id, modifier.id),
                    mm.modifier_body(modifier),
                    mm.modifier_body(found[1]) if found else None,
                )
        old_groups = {g.id: g for g in old.modifier_groups} if old else {}
        for group in new.modifier_groups:
            keys = {m.id: sub_key(loc, new.id, m.id) for m in group.modifiers}
            modifier_ids = self._ids(r.MODIFIER, keys)
            previous = old_groups.get(group.id)
            await self._upsert(
                r.MODIFIER_GROUP,
                sub_key(loc, new.id, group.id),
                mm.group_body(group, modifier_ids),
                mm.group_body(previous, modifier_ids) if previous else None,
            )
        variant_ids = self._ids(r.VARIANT, {v.id: sub_key(loc, new.id, v.id) for v in new.variants})
        group_keys = {g.id: sub_key(loc, new.id, g.id) for g in new.modifier_groups}
        group_ids = self._ids(r.MODIFIER_GROUP, group_keys)
        await self._upsert(
            r.ITEM,
            item_key(loc, new.id),
            mm.item_body(new, variant_ids, group_ids),
            mm.item_body(old, variant_ids, group_ids)
            if old and len(self.recreated) == recreated
            else None,
        )
        after = _subs(new)
        for kind, sub_id in before.keys() - after.keys():
            await self._delete(kind, sub_key(loc, new.id, sub_id))

    async def _remove_item(self, loc: str, item: Item) -> None:
        await self._delete(r.ITEM, item_key(loc, item.id))
        for kind, sub_id in _subs(item):
            await self._delete(kind, sub_key(loc, item.id, sub_id))

    def _ids(self, kind: str, keys: Mapping[str, str]) -> dict[str, str]:
        """Hub id → Wix id for those of ``keys`` (hub id → local key) already in Wix."""
        found: dict[str, str] = {}
        for hub_id, local in keys.items():
            ref = self.refs.get(kind, local)
            if ref is not None:
                found[hub_id] = ref.external_id
        return found

    # Calls -------------------------------------------------------------------------

    async def _upsert(
        self, kind: str, local: str, body: dict[str, Any], before: dict[str, Any] | None = None
    ) -> None:
        """Create the entity, or update it when its body changed (or is unknown)."""
        ref = self.refs.get(kind, local)
        if ref is None:
            await self._create(kind, local, body)
        elif before != body:
            await self._update(kind, local, ref.external_id, ref.revision, body)

    async def _create(self, kind: str, local: str, body: dict[str, Any]) -> None:
        if self.business_location_id:
            body = {**body, "businessLocationId": self.business_location_id}
        entity = await self.client.create_entity(KINDS[kind], body)
        self.refs.put(kind, local, entity.id, entity.revision)
        self.stats.created += 1

    async def _update(
        self, kind: str, local: str, wix_id: str, revision: str | None, body: dict[str, Any]
    ) -> None:
        api = KINDS[kind]
        current = revision
        for _ in range(self.revision_retries + 1):
            try:
                if current is None:
                    current = (await self.client.get_entity(api, wix_id)).revision
                entity = await self.client.update_entity(api, wix_id, current, body)
            except RevisionConflict:
                self.stats.revision_retries += 1
                current = None  # re-read: the entity changed at Wix since we saw it
                continue
            except PermanentError as error:
                if error.code != "not_found":
                    raise
                self.refs.drop(kind, local)  # deleted at Wix: make it again
                await self._create(kind, local, body)
                self.recreated.add((kind, local))
                return
            self.refs.put(kind, local, entity.id, entity.revision)
            self.stats.updated += 1
            return
        raise TransientError(f"Wix {api.singular} {wix_id} kept changing (stale revision)")

    async def _delete(self, kind: str, local: str) -> None:
        ref = self.refs.get(kind, local)
        if ref is None:
            return
        try:
            await self.client.delete_entity(KINDS[kind], ref.external_id)
        except PermanentError as error:
            if error.code != "not_found":
                raise
        self.refs.drop(kind, local)
        self.stats.deleted += 1


def _subs(item: Item) -> dict[tuple[str, str], None]:
    """The item's variants, modifier groups and modifiers as (kind, id) keys."""
    keys: dict[tuple[str, str], None] = {(r.VARIANT, v.id): None for v in item.variants}
    for group in item.modifier_groups:
        keys[(r.MODIFIER_GROUP, group.id)] = None
        keys.update({(r.MODIFIER, m.id): None for m in group.modifiers})
    return keys
