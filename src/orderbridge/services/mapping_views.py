"""Reading a channel menu's mapping, and searching the POS menu as a person types.

:func:`mapping_view` is what the admin API's ``GET …/mapping`` and the dashboard's
mapping page show: the channel's items beside their targets, in menu order or worst
first. :func:`search_pos_menu` answers the page's "search the POS menu" box in either
script.
"""

from __future__ import annotations

from dataclasses import dataclass

from orderbridge.domain.menu import Item, Menu
from orderbridge.matching import (
    ChannelItem,
    ChannelMenu,
    ChannelMode,
    ItemMapping,
    MappingStatus,
    Match,
    Target,
    fresh,
)
from orderbridge.matching.translit import to_latin
from orderbridge.ports import UnitOfWork
from orderbridge.services.mapping import check_channel, pos_index

_WORST_FIRST = {
    MappingStatus.UNMAPPED: 0,
    MappingStatus.SUGGESTED: 1,
    MappingStatus.AUTO: 2,
    MappingStatus.CONFIRMED: 3,
    MappingStatus.IGNORED: 4,
}


@dataclass(frozen=True)
class MappingRow:
    """One channel item beside its mapping; ``pos_name`` names the target as a person reads it."""

    item: ChannelItem
    mapping: ItemMapping
    pos_name: str | None


@dataclass(frozen=True)
class MappingView:
    """A channel menu's mapping, item by item, with the count of items in each status."""

    menu: ChannelMenu
    rows: tuple[MappingRow, ...]
    counts: dict[str, int]


def mapping_view(
    uow: UnitOfWork, *, tenant_id: str, location_id: str, channel: str, worst_first: bool = False
) -> MappingView:
    """The channel's items with their mappings, in menu order or worst first.

    Worst first: unmapped, then suggested, auto, confirmed and ignored, each from the
    lowest confidence up — what most needs a person comes first.
    """
    check_channel(uow, tenant_id=tenant_id, location_id=location_id, channel=channel)
    menu = uow.mappings.channel_menu(location_id, channel)
    if menu is None:
        menu = ChannelMenu(location_id, channel, ChannelMode.POS)
    stored = uow.mappings.mappings(location_id, channel)
    pos_menu = uow.get_menu(location_id)
    rows = []
    for item in menu.items:
        mapping = stored.get(item.id) or fresh(Match(item.id, ()))
        rows.append(MappingRow(item, mapping, target_name(pos_menu, mapping.target)))
    if worst_first:
        rows.sort(key=lambda r: (_WORST_FIRST[r.mapping.status], r.mapping.confidence or 0.0))
    counts = {status.value: 0 for status in MappingStatus}
    for row in rows:
        counts[row.mapping.status.value] += 1
    return MappingView(menu, tuple(rows), counts)


def target_name(menu: Menu | None, target: Target | None) -> str | None:
    """ "Маргарита · Ø35 см", "Лате + Вівсяне": a target as the POS menu names it."""
    item = menu.item(target.item_id) if menu is not None and target is not None else None
    if item is None or target is None:
        return None
    name = item.name
    variant = item.variant(target.variant_id) if target.variant_id else None
    if variant is not None:
        name = f"{name} · {variant.name}"
    found = item.modifier(target.modifier_id) if target.modifier_id else None
    if found is not None:
        name = f"{name} + {found[1].name}"
    return name


@dataclass(frozen=True)
class PosHit:
    """A POS target found by a search, with its price (minor units)."""

    target: Target
    name: str
    price: int
    confidence: float


def search_pos_menu(menu: Menu, query: str, *, limit: int = 20) -> list[PosHit]:
    """POS targets for a person's search: names containing the text, then the matcher's.

    Either script finds either: "kapuch" finds "Капучино", "лате" finds "Latte".
    """
    text = query.strip().casefold()
    if not text:
        return []
    hits: dict[Target, PosHit] = {}
    for item in menu.items():
        names = (item.name.casefold(), to_latin(item.name).casefold())
        if any(text in name for name in names):
            for target, price in _orderable(item):
                name = target_name(menu, target) or item.name
                hits[target] = PosHit(target, name, price, 1.0)
    found = pos_index(menu).match(ChannelItem("search", query.strip()), limit=limit)
    for candidate in found.candidates:
        if candidate.target not in hits and candidate.target.kind != "item_modifier":
            found_item = menu.item(candidate.target.item_id)
            if found_item is None:
                continue
            variant = found_item.variant(candidate.target.variant_id or "")
            price = (variant or found_item).price.amount
            hits[candidate.target] = PosHit(
                candidate.target, candidate.name, price, candidate.confidence
            )
    ranked = sorted(hits.values(), key=lambda h: (-h.confidence, h.name))
    return ranked[:limit]


def _orderable(item: Item) -> list[tuple[Target, int]]:
    if item.variants:
        return [(Target(item.id, variant_id=v.id), v.price.amount) for v in item.variants]
    return [(Target(item.id), item.price.amount)]
