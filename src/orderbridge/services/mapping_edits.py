"""A person's word on a channel menu's mappings: confirm, correct, ignore, in bulk.

What a person decides (``confirmed``, ``ignored``) outlives every rematch; see
:mod:`orderbridge.matching.decisions`. Targets are checked against the POS menu here,
so a mapping can never point at an item, variant or modifier the POS does not have.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from orderbridge.domain.menu import Item, Menu
from orderbridge.matching import (
    ChannelItem,
    ChannelMenu,
    ChannelMode,
    ItemMapping,
    MappingStatus,
    Match,
    Target,
    confirm,
    fresh,
    ignore,
)
from orderbridge.ports import UnitOfWork
from orderbridge.services import mapping_extras
from orderbridge.services.errors import NotFound, ServiceError
from orderbridge.services.mapping import Invalid, check_channel, linked_options


def set_mapping(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    location_id: str,
    channel: str,
    channel_item_id: str,
    target: Target | None,
    options: Mapping[str, str | None] | None = None,
    who: str,
    now: datetime,
) -> ItemMapping:
    """Confirm ``target`` for the channel item (or, with ``target`` None, ignore the item).

    ``options`` pins links of the item's variants and modifiers (None: unlinked); the
    ones not given are linked by the matcher inside the target item.
    """
    menu, mapping, pos_menu = _editable(uow, tenant_id, location_id, channel, channel_item_id)
    item = menu.item(channel_item_id)
    assert item is not None
    if target is None:
        decided = ignore(mapping)
    else:
        pos_item = _check_target(target, item, pos_menu)
        decided = confirm(mapping, target, mapping.candidates)
        if options:
            _check_options(options, item, pos_item)
            decided = replace(
                decided,
                options={**decided.options, **options},
                pinned_options=decided.pinned_options | frozenset(options),
            )
        decided = linked_options(decided, item, pos_menu)
    uow.mappings.save_mappings(
        location_id, channel, [decided], tenant_id=tenant_id, now=now, decided_by=who
    )
    mapping_extras.queue_extras(uow, location_id)
    uow.commit()
    return decided


def confirm_all(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    location_id: str,
    channel: str,
    min_confidence: float,
    statuses: Sequence[MappingStatus] = (MappingStatus.AUTO, MappingStatus.SUGGESTED),
    who: str,
    now: datetime,
) -> list[ItemMapping]:
    """Confirm every mapping in ``statuses`` whose confidence is at least ``min_confidence``."""
    check_channel(uow, tenant_id=tenant_id, location_id=location_id, channel=channel)
    menu = uow.mappings.channel_menu(location_id, channel)
    present = {item.id for item in menu.items} if menu else set()
    chosen = [
        confirm(mapping, mapping.target, mapping.candidates)
        for item_id, mapping in uow.mappings.mappings(location_id, channel).items()
        if item_id in present
        and mapping.status in statuses
        and mapping.target is not None
        and (mapping.confidence or 0.0) >= min_confidence
    ]
    uow.mappings.save_mappings(
        location_id, channel, chosen, tenant_id=tenant_id, now=now, decided_by=who
    )
    mapping_extras.queue_extras(uow, location_id)
    uow.commit()
    return chosen


def set_auto_threshold(uow: UnitOfWork, *, tenant_id: str, value: float, now: datetime) -> None:
    """The tenant's confidence for ``auto``; existing mappings change at the next match."""
    if not 0.5 <= value <= 1.0:
        raise Invalid("value_out_of_range", "the threshold is 0.5..1.0", field="auto_threshold")
    uow.mappings.set_auto_threshold(tenant_id, value, now=now)
    uow.commit()


def _editable(
    uow: UnitOfWork, tenant_id: str, location_id: str, channel: str, channel_item_id: str
) -> tuple[ChannelMenu, ItemMapping, Menu]:
    check_channel(uow, tenant_id=tenant_id, location_id=location_id, channel=channel)
    menu = uow.mappings.channel_menu(location_id, channel)
    if menu is None or menu.mode is not ChannelMode.OWN or menu.item(channel_item_id) is None:
        raise NotFound(
            "unknown_channel_item",
            "no such item on the channel's own menu",
            field="channel_item_id",
        )
    pos_menu = uow.get_menu(location_id)
    if pos_menu is None:
        raise ServiceError(
            "menu_not_published", "the location has no POS menu yet", field="location_id"
        )
    mapping = uow.mappings.mapping(location_id, channel, channel_item_id)
    return menu, mapping or fresh(Match(channel_item_id, ())), pos_menu


def _check_target(target: Target, item: ChannelItem, pos_menu: Menu) -> Item:
    pos_item = pos_menu.item(target.item_id)
    if pos_item is None:
        raise Invalid("unknown_pos_item", "no such item on the POS menu", field="pos_item_id")
    if target.variant_id is not None and pos_item.variant(target.variant_id) is None:
        raise Invalid(
            "unknown_pos_variant", "the POS item has no such variant", field="pos_variant_id"
        )
    if target.modifier_id is not None and pos_item.modifier(target.modifier_id) is None:
        raise Invalid(
            "unknown_pos_modifier", "the POS item has no such modifier", field="pos_modifier_id"
        )
    if pos_item.variants and target.variant_id is None and not item.variants:
        raise Invalid(
            "variant_required",
            f"{pos_item.name!r} is sold in variants: choose one (pos_variant_id)",
            field="pos_variant_id",
        )
    return pos_item


def _check_options(options: Mapping[str, str | None], item: ChannelItem, pos_item: Item) -> None:
    """Channel variants link to POS variants, channel modifiers to POS modifiers."""
    variants = {option.id for option in item.variants}
    modifiers = {option.id for option in item.modifiers}
    for channel_id, pos_id in options.items():
        if channel_id not in variants | modifiers:
            raise Invalid(
                "unknown_option", f"the item has no option {channel_id!r}", field="options"
            )
        if pos_id is None:
            continue
        found = pos_item.variant(pos_id) if channel_id in variants else pos_item.modifier(pos_id)
        if found is None:
            message = f"{pos_item.name!r} has no such option {pos_id!r}"
            raise Invalid("unknown_pos_option", message, field="options")
