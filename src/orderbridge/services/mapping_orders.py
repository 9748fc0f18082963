"""Orders from a channel in ``own`` mode: the channel's ids become the POS's.

A channel that keeps its own menu orders by its own ids ("web-12", a Wix item id).
:func:`translate` turns such a draft into one the rest of the order path knows — POS
item, variant and modifier ids — through the channel's ``auto`` and ``confirmed``
mappings (an item mapped to "Лате + Вівсяне" gets the modifier added). The channel's
price (sent on the line, else its own menu's) rides along, so the strict price policy
compares it with the POS price.

An id the channel menu does not have is the channel's mistake (``unknown_item``). An
item it has but nobody mapped yet is the hub's to fix: the order is *held* — stored
``failed`` with ``unmapped_item`` naming each such item, its lines as the channel sent
them, never sent half-filled. A person maps the item and replays the order; at
submission :func:`for_pos` translates the held lines again (:func:`check_replay` says
at once, when asked to replay, if something is still unmapped).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from orderbridge.domain.drafts import DraftLine, DraftModifier, OrderDraft
from orderbridge.domain.menu import Menu
from orderbridge.domain.money import Money
from orderbridge.domain.order_details import LineModifier, OrderLine
from orderbridge.domain.orders import Order
from orderbridge.domain.validation import (
    PricePolicy,
    ProblemCode,
    ValidationProblem,
    held_payment,
    price_lines,
    validate_order,
)
from orderbridge.matching import ChannelItem, ChannelMode, ItemMapping
from orderbridge.ports import LocationRecord, PermanentError, StoredOrder, UnitOfWork
from orderbridge.services import failures, notify
from orderbridge.services.errors import Conflict, Rejected
from orderbridge.services.ids import new_id

CHANNEL_REF = "mapping_channel"
"""``external_refs`` key: the channel whose own ids the order was placed with."""
CHANNEL_LINES_REF = "channel_lines"
"""``external_refs`` key: the channel's ids of each line, as JSON."""
HELD_REF = "mapping_held"
UNMAPPED_ITEM = ProblemCode.UNMAPPED_ITEM.value
"""``external_refs`` key, ``"1"`` while the order's lines are the channel's, unmapped."""

UowFactory = Callable[[], UnitOfWork]


@dataclass(frozen=True)
class Translated:
    """A draft of an own-menu channel, translated.

    ``draft`` is the POS draft (lines in POS ids); ``unknown`` are the channel's own
    mistakes (ids its menu does not have); ``unmapped`` the items nobody mapped yet.
    ``held_lines`` are the lines as the channel sent them, priced by the channel.
    """

    channel: str
    draft: OrderDraft
    unknown: tuple[ValidationProblem, ...]
    unmapped: tuple[ValidationProblem, ...]
    held_lines: tuple[OrderLine, ...]
    refs: dict[str, str]


def channel_of(draft: OrderDraft, channel_connection_id: str | None) -> str:
    """The mapping channel of an order: its channel connection, else the storefront."""
    return channel_connection_id or draft.key.channel


def translate(
    uow: UnitOfWork, *, draft: OrderDraft, channel: str, currency: str, menu: Menu | None
) -> Translated | None:
    """``draft`` in POS ids, or None when the channel is not in ``own`` mode here.

    ``menu`` is the POS menu: a line mapped to an item with a modifier carries the
    channel's price less the modifier's, so a price comparison compares like with like.
    """
    own_menu = uow.mappings.channel_menu(draft.location_id, channel)
    if own_menu is None or own_menu.mode is not ChannelMode.OWN:
        return None
    by_id = {item.id: item for item in own_menu.items}
    unknown: list[ValidationProblem] = []
    unmapped: list[ValidationProblem] = []
    lines: list[DraftLine] = []
    held: list[OrderLine] = []
    for index, line in enumerate(draft.items):
        path = f"items[{index}]"
        item_id = _own_id(line.item_id, channel)
        item = by_id.get(item_id)
        held.append(_held_line(line, item, channel, currency))
        if item is None:
            message = f"no item {item_id!r} on the channel's menu"
            unknown.append(ValidationProblem(ProblemCode.UNKNOWN_ITEM, message, f"{path}.item_id"))
            continue
        mapping = uow.mappings.mapping(draft.location_id, channel, item.id)
        found = _Found(unknown, unmapped)
        translated = _line(line, item, mapping, path, channel, currency, found)
        if translated is not None:
            lines.append(_net_of_modifier(translated, mapping, menu))
    refs = {
        CHANNEL_REF: channel,
        CHANNEL_LINES_REF: json.dumps(
            [_own_ids(line, channel) for line in draft.items], separators=(",", ":")
        ),
    }
    return Translated(
        channel,
        replace(draft, items=tuple(lines)),
        tuple(unknown),
        tuple(unmapped),
        tuple(held),
        refs,
    )


def describe(problems: Sequence[ValidationProblem]) -> str:
    """The reasons, for the timeline and the dashboard."""
    return "; ".join(f"{p.code.value} at {p.field}: {p.message}" for p in problems)


@dataclass(frozen=True)
class Prepared:
    """An own-menu order made ready: the POS ``draft`` and its ``refs``, or ``held``."""

    draft: OrderDraft
    refs: dict[str, str]
    held: StoredOrder | None = None


def prepare(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    draft: OrderDraft,
    location: LocationRecord,
    menu: Menu,
    request_hash: str,
    now: datetime,
    idempotency_key: str | None = None,
    channel_connection_id: str | None = None,
    placed_by: str | None = None,
) -> Prepared | None:
    """The storefront's order in POS terms (None: the channel is in ``pos`` mode).

    Ids the channel's own menu lacks refuse the order (``Rejected``). Items nobody has
    mapped yet hold it: it is stored ``failed`` with ``unmapped_item``, its lines as the
    channel sent them, and committed (``held``). Whatever else is wrong with it (the
    location is paused, a quantity is out of range, a mapped line breaks the POS menu's
    rules) refuses it as usual: only an order a mapping would make whole is kept.
    """
    channel = channel_of(draft, channel_connection_id)
    translated = translate(
        uow, draft=draft, channel=channel, currency=location.location.currency, menu=menu
    )
    if translated is None:
        return None
    if translated.unknown:
        raise Rejected(translated.unknown)
    if not translated.unmapped:
        return Prepared(translated.draft, translated.refs)
    problems = validate_order(
        translated.draft,
        menu=menu,
        status=location.location.status_at(now),
        now=now,
        policy=PricePolicy(location.price_policy),
    )
    # What only the whole order can be checked for waits for the replay: its number of
    # lines (every line may be unmapped) and what was paid for all of them.
    problems = [p for p in problems if p.field not in ("items", "payment.amount")]
    if problems:
        raise Rejected(problems)
    order = held_order(translated, draft=draft, location_id=location.location.id, now=now)
    if channel_connection_id:
        order.external_refs["channel_connection_id"] = channel_connection_id
    stored = uow.add_order(
        order,
        tenant_id=tenant_id,
        request_hash=request_hash,
        idempotency_key=idempotency_key,
        placed_by=placed_by,  # the key that placed it reads it (and replays see it) too
    )
    notify.order_event(uow, tenant_id=tenant_id, order=order, at=now)
    failures.order_failed(  # a person must map its items: tell them (alerts, Overview)
        uow,
        tenant_id=tenant_id,
        order=order,
        code=UNMAPPED_ITEM,
        reason=describe(translated.unmapped),
        now=now,
    )
    uow.commit()
    return Prepared(translated.draft, translated.refs, held=stored)


def held_order(
    translated: Translated, *, draft: OrderDraft, location_id: str, now: datetime
) -> Order:
    """A new order of the channel's own lines, failed with ``unmapped_item``."""
    order = Order.receive(
        id=new_id("ord"),
        key=draft.key,
        location_id=location_id,
        lines=translated.held_lines,
        customer=draft.customer,
        fulfilment=draft.fulfilment,
        at=now,
        payment=held_payment(draft, translated.held_lines),
        note=draft.note,
    )
    order.external_refs.update(translated.refs)
    order.external_refs[HELD_REF] = "1"
    order.fail(now, describe(translated.unmapped), code=UNMAPPED_ITEM)
    return order


def check_replay(uow: UnitOfWork, order: Order) -> None:
    """Refuse (``Conflict``) to replay a held order whose items are still unmapped."""
    if order.external_refs.get(HELD_REF) != "1":
        return
    translated = _translate_held(uow, order)
    problems = translated.unknown + translated.unmapped if translated else ()
    if translated is None:
        raise Conflict("unmapped_item", "the channel no longer keeps its own menu here")
    if problems:
        raise Conflict(problems[0].code.value, describe(problems), field=problems[0].field)


def is_held(order: Order) -> bool:
    """Whether the order waits for its lines to be translated (:func:`for_pos` reads)."""
    return order.external_refs.get(HELD_REF) == "1"


def for_pos(uow: UowFactory, order: Order) -> Order:
    """The order as the POS must get it: a held order's lines translated now.

    Raises ``PermanentError`` (``unmapped_item`` …) when that cannot be done, so the
    submission fails the order again with the reason.
    """
    if not is_held(order):
        return order
    with uow() as tx:
        translated = _translate_held(tx, order)
        menu = tx.get_menu(order.location_id)
        location = tx.get_location(order.location_id)
    if translated is None or menu is None or location is None:
        raise PermanentError("unmapped_item", "the channel no longer keeps its own menu here")
    problems = list(translated.unknown + translated.unmapped)
    if not problems:
        problems = [
            p
            for p in validate_order(
                translated.draft,
                menu=menu,
                status=location.location.status_at(order.created_at),
                now=order.created_at,
                policy=PricePolicy(location.price_policy),
            )
            if p.code not in (ProblemCode.LOCATION_PAUSED, ProblemCode.LOCATION_CLOSED)
        ]
    if problems:
        raise PermanentError(problems[0].code.value, describe(problems))
    return Order(
        id=order.id,
        key=order.key,
        location_id=order.location_id,
        lines=price_lines(translated.draft, menu),
        customer=order.customer,
        fulfilment=order.fulfilment,
        created_at=order.created_at,
        payment=order.payment,
        note=order.note,
        status=order.status,
        timeline=order.timeline,
        external_refs=order.external_refs,
    )


def _translate_held(uow: UnitOfWork, order: Order) -> Translated | None:
    channel = order.external_refs.get(CHANNEL_REF, order.key.channel)
    draft = OrderDraft(
        key=order.key,
        location_id=order.location_id,
        items=tuple(_draft_of(line) for line in order.lines),
        customer=order.customer,
        fulfilment=order.fulfilment,
        payment=order.payment,
        note=order.note,
    )
    return translate(
        uow,
        draft=draft,
        channel=channel,
        currency=order.currency,
        menu=uow.get_menu(order.location_id),
    )


def _draft_of(line: OrderLine) -> DraftLine:
    return DraftLine(
        item_id=line.item_id,
        quantity=line.quantity,
        variant_id=line.variant_id,
        modifiers=tuple(
            DraftModifier(m.modifier_id, m.quantity, m.unit_price, m.name) for m in line.modifiers
        ),
        note=line.note,
        unit_price=line.unit_price,
        name=line.name,
    )


def _own_id(value: str, channel: str) -> str:
    """A channel's id as its menu has it (a marketplace connector marks ids it could
    not resolve as ``<kind>:<id>``, e.g. ``wix:…``)."""
    kind, sep, rest = value.partition(":")
    return rest if sep and kind.isalpha() and channel != "storefront" else value


def _own_ids(line: DraftLine, channel: str) -> dict[str, object]:
    return {
        "item_id": _own_id(line.item_id, channel),
        "variant_id": _own_id(line.variant_id, channel) if line.variant_id else None,
        "modifiers": [_own_id(m.modifier_id, channel) for m in line.modifiers],
    }


@dataclass(frozen=True)
class _Found:
    """Where :func:`_line` reports the problems it finds."""

    unknown: list[ValidationProblem]
    unmapped: list[ValidationProblem]


def _line(
    line: DraftLine,
    item: ChannelItem,
    mapping: ItemMapping | None,
    path: str,
    channel: str,
    currency: str,
    found: _Found,
) -> DraftLine | None:
    """The POS line for ``line``, or None (its problems reported to ``found``)."""
    unknown, unmapped = found.unknown, found.unmapped
    if mapping is None or not mapping.status.usable or mapping.target is None:
        status = mapping.status.value if mapping else "unmapped"
        message = f"{item.name!r} (channel item {item.id!r}) is not mapped to a POS item ({status})"
        unmapped.append(ValidationProblem(ProblemCode.UNMAPPED_ITEM, message, f"{path}.item_id"))
        return None
    target = mapping.target
    options = {o.id: o for o in (*item.variants, *item.modifiers)}
    variant_id = target.variant_id
    price = line.unit_price
    ok = True
    if line.variant_id is not None:
        own = _own_id(line.variant_id, channel)
        variant = next((v for v in item.variants if v.id == own), None)
        if variant is None:
            message = f"{item.name!r} has no variant {own!r} on the channel's menu"
            unknown.append(
                ValidationProblem(ProblemCode.UNKNOWN_VARIANT, message, f"{path}.variant_id")
            )
            ok = False
        elif mapping.options.get(own) is None and item.variants:
            message = f"{item.name!r}, {variant.name!r} is not mapped to a POS variant"
            unmapped.append(
                ValidationProblem(ProblemCode.UNMAPPED_ITEM, message, f"{path}.variant_id")
            )
            ok = False
        else:
            variant_id = mapping.options.get(own)
            if price is None and variant.price is not None:
                price = Money(variant.price, currency)
    modifiers: list[DraftModifier] = []
    for position, chosen in enumerate(line.modifiers):
        here = f"{path}.modifiers[{position}].modifier_id"
        own = _own_id(chosen.modifier_id, channel)
        option = options.get(own)
        if option is None or option in item.variants:
            message = f"{item.name!r} has no modifier {own!r} on the channel's menu"
            unknown.append(ValidationProblem(ProblemCode.UNKNOWN_MODIFIER, message, here))
            ok = False
            continue
        pos_id = mapping.options.get(own)
        if pos_id is None:
            message = f"{item.name!r}, {option.name!r} is not mapped to a POS modifier"
            unmapped.append(ValidationProblem(ProblemCode.UNMAPPED_ITEM, message, here))
            ok = False
            continue
        modifiers.append(replace(chosen, modifier_id=pos_id))
    if target.modifier_id is not None:
        modifiers.append(DraftModifier(target.modifier_id, 1))
    if price is None and item.price is not None and line.variant_id is None:
        price = Money(item.price, currency)
    if not ok:
        return None
    return DraftLine(
        item_id=target.item_id,
        quantity=line.quantity,
        variant_id=variant_id,
        modifiers=tuple(modifiers),
        note=line.note,
        unit_price=price,
        name=line.name or item.name,
    )


def _net_of_modifier(line: DraftLine, mapping: ItemMapping | None, menu: Menu | None) -> DraftLine:
    """A line mapped to item + modifier: the channel's price less the POS modifier's."""
    target = mapping.target if mapping else None
    if target is None or target.modifier_id is None or line.unit_price is None or menu is None:
        return line
    item = menu.item(target.item_id)
    found = item.modifier(target.modifier_id) if item else None
    if found is None or found[1].price.currency != line.unit_price.currency:
        return line
    net = line.unit_price.amount - found[1].price.amount
    return replace(line, unit_price=Money(max(net, 0), line.unit_price.currency))


def _held_line(line: DraftLine, item: ChannelItem | None, channel: str, currency: str) -> OrderLine:
    """The line as the channel sent it, priced by the channel (its line, else its menu).

    An item the channel menu lacks keeps what the channel said of it (a marketplace's
    order is kept whole, to be fixed and replayed).
    """
    variant = None
    if line.variant_id is not None and item is not None:
        own = _own_id(line.variant_id, channel)
        variant = next((v for v in item.variants if v.id == own), None)
    listed = variant.price if variant and variant.price is not None else None
    if listed is None and item is not None:
        listed = item.price
    price = line.unit_price or Money(listed or 0, currency)
    by_id = {m.id: m for m in item.modifiers} if item else {}
    modifiers = []
    for chosen in line.modifiers:
        own = _own_id(chosen.modifier_id, channel)
        option = by_id.get(own)
        listed_modifier = option.price if option and option.price else 0
        modifiers.append(
            LineModifier(
                modifier_id=own,
                quantity=chosen.quantity,
                unit_price=chosen.unit_price or Money(listed_modifier, currency),
                name=chosen.name or (option.name if option else ""),
            )
        )
    name = item.name if item else line.name
    if item is not None and variant is not None:
        name = f"{item.name}, {variant.name}"
    return OrderLine(
        item_id=_own_id(line.item_id, channel),
        quantity=line.quantity,
        unit_price=price,
        name=line.name or name,
        variant_id=_own_id(line.variant_id, channel) if line.variant_id else None,
        modifiers=tuple(modifiers),
        note=line.note,
    )
