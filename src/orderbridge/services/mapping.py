"""Channel menus in ``own`` mode and their mapping to the POS menu: the use cases.

A channel (``storefront``, or a channel connection such as a Wix site) either shows the
menu generated from the POS (``pos`` mode, as the hub always did) or keeps its own
(``own`` mode). An own menu is uploaded (or read from Wix), matched against the
location's POS menu by :mod:`orderbridge.matching`, and its mappings stored; a person
confirms, corrects or ignores them (:func:`set_mapping`, :func:`confirm_all`).

Matching is the expensive part (up to a second for a thousand items against a large
menu), so it runs between two transactions: what it needs is read first, then the
decisions are merged into the mappings *as they are at write time* — a person who
confirmed an item meanwhile keeps their word. When the POS menu changes,
:func:`rematch_location` (the ``mapping.rematch`` job that ``services.menus`` queues)
does the same for every own menu of the location; a mapping whose POS item vanished
goes back to ``suggested`` and is reported as broken (a ``mapping.broken`` incident).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from orderbridge.domain.menu import Menu
from orderbridge.log import get_logger
from orderbridge.matching import (
    ChannelItem,
    ChannelMenu,
    ChannelMode,
    ItemMapping,
    MappingStatus,
    Match,
    PosIndex,
    Target,
    channel_items,
    decide,
    match_options,
    with_options,
)
from orderbridge.ports import LocationRecord, UnitOfWork
from orderbridge.services.errors import NotFound, ServiceError

STOREFRONT = "storefront"
"""The channel of orders placed through the storefront API."""
REMATCH = "mapping.rematch"
"""The job that rematches a location's own channel menus after its POS menu changed."""
MAX_CHANNEL_ITEMS = 5000

UowFactory = Callable[[], UnitOfWork]
Clock = Callable[[], datetime]

_log = get_logger("orderbridge.mapping")


class Invalid(ServiceError):
    """A mapping request that cannot be right (an id the POS menu does not have …)."""

    status = 422


@dataclass(frozen=True)
class MatchSummary:
    """What an upload or a rematch did: how many items stand in each status."""

    channel: str
    mode: ChannelMode
    version: str
    items: int
    counts: dict[str, int] = field(default_factory=dict)
    broken: tuple[str, ...] = ()


def check_channel(
    uow: UnitOfWork, *, tenant_id: str, location_id: str, channel: str
) -> LocationRecord:
    """The tenant's location, if ``channel`` is one of its channels; else ``NotFound``."""
    record = uow.get_location(location_id, tenant_id=tenant_id)
    if record is None:
        raise NotFound("unknown_location", "no such location", field="location_id")
    if channel != STOREFRONT:
        connection = uow.get_connection(channel)
        linked = connection is not None and any(
            b.location_id == location_id for b in uow.locations_of_connection(channel)
        )
        if connection is None or connection.tenant_id != tenant_id or not linked:
            raise NotFound(
                "unknown_channel",
                "the channel is 'storefront' or a channel connection of this location",
                field="channel",
            )
        if connection.role != "channel":
            raise NotFound("unknown_channel", "that connection is not a channel", field="channel")
    return record


def document_version(document: Mapping[str, Any]) -> str:
    """A fingerprint of a channel menu document: equal content, equal version."""
    blob = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def put_channel_menu(
    *,
    uow: UowFactory,
    tenant_id: str,
    location_id: str,
    channel: str,
    mode: ChannelMode,
    document: Mapping[str, Any],
    clock: Clock,
) -> MatchSummary:
    """Set the channel's mode and, in ``own`` mode, its menu; match it; store the mappings.

    ``pos`` mode keeps the mappings (a switch back to ``own`` finds them again).
    """
    items = channel_items(document) if mode is ChannelMode.OWN else ()
    _check_items(items)
    stored_document = dict(document) if mode is ChannelMode.OWN else {"items": []}
    menu = ChannelMenu(location_id, channel, mode, items, document_version(stored_document))
    with uow() as tx:
        record = check_channel(tx, tenant_id=tenant_id, location_id=location_id, channel=channel)
        pos_menu = tx.get_menu(location_id)
        threshold = tx.mappings.auto_threshold(tenant_id)
    matches = _match(items, pos_menu, threshold)
    with uow() as tx:
        tx.mappings.save_channel_menu(
            menu, tenant_id=record.tenant_id, document=stored_document, now=clock()
        )
        summary = _store(tx, menu, pos_menu, matches, tenant_id=record.tenant_id, now=clock())
        tx.commit()
    return summary


def rematch_location(location_id: str, *, uow: UowFactory, clock: Clock) -> dict[str, Any]:
    """Match every own channel menu of the location against its current POS menu."""
    with uow() as tx:
        record = tx.get_location(location_id)
        if record is None:
            return {"skipped": "unknown_location"}
        pos_menu = tx.get_menu(location_id)
        menus = [m for m in tx.mappings.channel_menus(location_id) if m.mode is ChannelMode.OWN]
        threshold = tx.mappings.auto_threshold(record.tenant_id)
    result: dict[str, Any] = {}
    for menu in menus:
        matches = _match(menu.items, pos_menu, threshold)
        with uow() as tx:
            current = tx.mappings.channel_menu(location_id, menu.channel)
            if current is None or current.version != menu.version:
                result[menu.channel] = {"skipped": "channel_menu_changed"}
                continue  # the newer upload matched itself
            summary = _store(tx, menu, pos_menu, matches, tenant_id=record.tenant_id, now=clock())
            tx.commit()
        result[menu.channel] = {"counts": summary.counts, "broken": list(summary.broken)}
    return result


def queue_rematch(uow: UnitOfWork, location_id: str) -> None:
    """Queue :func:`rematch_location` if the location has an own channel menu."""
    menus = uow.mappings.channel_menus(location_id)
    key = f"{REMATCH}:{location_id}"
    # One waiting rematch is enough: it reads the POS menu when it runs.
    if any(m.mode is ChannelMode.OWN for m in menus) and not uow.is_queued(REMATCH, key):
        uow.enqueue(REMATCH, {"location_id": location_id}, key=key)


def keeps_own_menu(uow: UnitOfWork, location_id: str, channel: str) -> bool:
    """True if the channel shows its own menu here (the POS menu is not published to it)."""
    menu = uow.mappings.channel_menu(location_id, channel)
    return menu is not None and menu.mode is ChannelMode.OWN


def _check_items(items: Sequence[ChannelItem]) -> None:
    if len(items) > MAX_CHANNEL_ITEMS:
        raise Invalid("too_many_items", f"at most {MAX_CHANNEL_ITEMS} items", field="items")
    seen: set[str] = set()
    for index, item in enumerate(items):
        if item.id in seen:
            raise Invalid("duplicate_id", f"item id {item.id!r} twice", field=f"items[{index}].id")
        seen.add(item.id)
        options: set[str] = set()
        for option in (*item.variants, *item.modifiers):
            if option.id in options:
                message = f"option id {option.id!r} twice in item {item.id!r}"
                raise Invalid("duplicate_id", message, field=f"items[{index}]")
            options.add(option.id)


def _match(items: Sequence[ChannelItem], pos_menu: Menu | None, threshold: float) -> list[Match]:
    if pos_menu is None:
        return [Match(item.id, ()) for item in items]
    index = pos_index(pos_menu)
    return [index.match(item, threshold=threshold) for item in items]


def _store(
    tx: UnitOfWork,
    menu: ChannelMenu,
    pos_menu: Menu | None,
    matches: Sequence[Match],
    *,
    tenant_id: str,
    now: datetime,
) -> MatchSummary:
    """Merge ``matches`` into the mappings stored now; report what broke."""
    current = tx.mappings.mappings(menu.location_id, menu.channel)
    by_id = {item.id: item for item in menu.items}
    decided: list[ItemMapping] = []
    broken: list[str] = []
    for match in matches:
        decision = decide(current.get(match.channel_item_id), match, _exists_in(pos_menu))
        if decision.broken:
            broken.append(match.channel_item_id)
        decided.append(linked_options(decision.mapping, by_id[match.channel_item_id], pos_menu))
    tx.mappings.save_mappings(menu.location_id, menu.channel, decided, tenant_id=tenant_id, now=now)
    if broken:
        _report_broken(tenant_id=tenant_id, menu=menu, items=broken, now=now)
    counts = {status.value: 0 for status in MappingStatus}
    for mapping in decided:
        counts[mapping.status.value] += 1
    return MatchSummary(
        menu.channel, menu.mode, menu.version, len(menu.items), counts, tuple(broken)
    )


def _report_broken(
    *, tenant_id: str, menu: ChannelMenu, items: Sequence[str], now: datetime
) -> None:
    """A POS item that mappings pointed at is gone: a person must look again."""
    _log.warning(
        "mapping.broken",
        tenant_id=tenant_id,
        location_id=menu.location_id,
        channel=menu.channel,
        channel_item_ids=list(items),
        at=now.isoformat(),
    )


def _exists_in(pos_menu: Menu | None) -> Callable[[Target], bool]:
    def exists(target: Target) -> bool:
        item = pos_menu.item(target.item_id) if pos_menu is not None else None
        if item is None:
            return False
        if target.variant_id is not None and item.variant(target.variant_id) is None:
            return False
        return target.modifier_id is None or item.modifier(target.modifier_id) is not None

    return exists


def linked_options(mapping: ItemMapping, item: ChannelItem, pos_menu: Menu | None) -> ItemMapping:
    """``mapping`` with its item's variants and modifiers linked inside the target item."""
    target = mapping.target
    pos_item = pos_menu.item(target.item_id) if pos_menu and target else None
    if pos_item is None or not (item.variants or item.modifiers):
        return with_options(mapping, {}, lambda _: False)
    found = match_options(item, pos_item)
    linked = {link.channel_id: link.pos_id for link in (*found.variants, *found.modifiers)}

    def still_there(pos_id: str) -> bool:
        return pos_item.variant(pos_id) is not None or pos_item.modifier(pos_id) is not None

    return with_options(mapping, linked, still_there)


_INDEXES: dict[tuple[str, str], PosIndex] = {}
_INDEXES_KEPT = 8


def pos_index(menu: Menu) -> PosIndex:
    """The matcher's index of ``menu``, kept for the last few menus (searches repeat)."""
    key = (menu.location_id, menu.version)
    index = _INDEXES.get(key)
    if index is None:
        if len(_INDEXES) >= _INDEXES_KEPT:
            _INDEXES.pop(next(iter(_INDEXES)))
        index = _INDEXES[key] = PosIndex(menu)
    return index
