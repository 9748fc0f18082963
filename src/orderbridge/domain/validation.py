"""Checking an order draft against the published menu and the location's status.

:func:`validate_order` never raises for bad input: it returns every problem it finds,
each with a machine code and the path of the offending field in the storefront API's
body (``items[0].modifiers[1].modifier_id``), so a website can point at the exact
mistake and the dashboard can explain why an order failed. An empty list means the
order may go on; :func:`price_lines` then prices it from the menu.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from orderbridge.domain.drafts import DraftLine, DraftPayment, OrderDraft
from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.locations import LocationState, LocationStatus
from orderbridge.domain.menu import Availability, Item, Menu
from orderbridge.domain.money import Money
from orderbridge.domain.order_details import LineModifier, OrderLine, Payment, PaymentStatus
from orderbridge.domain.order_money import sum_charges, sum_discounts

MIN_LINE_QUANTITY = 1
MAX_LINE_QUANTITY = 99
MAX_MODIFIER_QUANTITY = 99
MAX_LINES = 200
"""More lines than this is a script or a mistake, not a meal; refusing bounds the work."""


class PricePolicy(StrEnum):
    """Whose prices count when the channel sends its own.

    ``menu``: the menu's prices are charged and the channel's are ignored (a website
    with a stale cache cannot under-charge). ``strict``: the channel's prices, when
    sent, must equal the menu's, or the order is refused with ``price_mismatch``.
    """

    MENU = "menu"
    STRICT = "strict"


class ProblemCode(StrEnum):
    """Machine-readable reasons an order is refused; stable across versions."""

    UNKNOWN_LOCATION = "unknown_location"
    UNKNOWN_ITEM = "unknown_item"
    UNMAPPED_ITEM = "unmapped_item"  # on the channel's own menu, not mapped to the POS yet
    UNKNOWN_VARIANT = "unknown_variant"
    VARIANT_REQUIRED = "variant_required"
    UNKNOWN_MODIFIER = "unknown_modifier"
    MODIFIER_MIN = "modifier_min"
    MODIFIER_MAX = "modifier_max"
    ITEM_UNAVAILABLE = "item_unavailable"
    LOCATION_PAUSED = "location_paused"
    LOCATION_CLOSED = "location_closed"
    QUANTITY_OUT_OF_RANGE = "quantity_out_of_range"
    PRICE_MISMATCH = "price_mismatch"
    CURRENCY_MISMATCH = "currency_mismatch"
    PAYMENT_MISMATCH = "payment_mismatch"
    INVALID_DISCOUNT = "invalid_discount"
    INVALID_TIME = "invalid_time"
    PHONE_REQUIRED = "phone_required"
    UNKNOWN_TABLE = "unknown_table"
    TABLE_REQUIRED = "table_required"
    TABLE_TOO_SMALL = "table_too_small"


@dataclass(frozen=True, slots=True)
class ValidationProblem:
    """One reason to refuse an order: ``code`` for machines, ``message`` for people."""

    code: ProblemCode
    message: str
    field: str


def validate_order(
    draft: OrderDraft,
    *,
    menu: Menu,
    status: LocationStatus,
    now: datetime,
    policy: PricePolicy = PricePolicy.MENU,
) -> list[ValidationProblem]:
    """Every problem with ``draft`` against ``menu`` and ``status`` at ``now``, in input order.

    Availability (snoozes) is judged at ``now``; ``status`` is the location's status
    the caller computed for the moment that matters to it.
    """
    return validate_and_price(draft, menu=menu, status=status, now=now, policy=policy)[0]


def validate_and_price(
    draft: OrderDraft,
    *,
    menu: Menu,
    status: LocationStatus,
    now: datetime,
    policy: PricePolicy = PricePolicy.MENU,
) -> tuple[list[ValidationProblem], tuple[OrderLine, ...] | None]:
    """:func:`validate_order`'s problems, and the lines it priced on the way: what
    ``price_lines(draft, menu)`` answers, or None where it stopped before pricing them.

    Checking the money needs the priced lines; placing an order builds the order from
    the same lines, so it takes them from here instead of pricing the draft again.
    """
    problems: list[ValidationProblem] = []
    add = problems.append
    if draft.location_id != menu.location_id:
        add(_p(ProblemCode.UNKNOWN_LOCATION, "the menu is for another location", "location_id"))
    if status.state is LocationState.PAUSED:
        add(_p(ProblemCode.LOCATION_PAUSED, _paused_message(status), "location_id"))
    elif status.state is LocationState.CLOSED:
        add(_p(ProblemCode.LOCATION_CLOSED, "the location is closed now", "location_id"))
    if not 1 <= len(draft.items) <= MAX_LINES:
        add(_p(ProblemCode.QUANTITY_OUT_OF_RANGE, f"an order has 1..{MAX_LINES} lines", "items"))
        return problems, None
    for index, line in enumerate(draft.items):
        problems.extend(_check_line(line, f"items[{index}]", menu, now, policy))
    currency = draft.payment_currency
    extras = [d.amount for d in draft.discounts] + [c.amount for c in draft.charges]
    extras += [d.amount for line in draft.items for d in line.discounts]
    if currency is not None and currency != menu.currency:
        message = f"payment in {currency}, menu in {menu.currency}"
        add(_p(ProblemCode.CURRENCY_MISMATCH, message, "payment.currency"))
    elif any(amount.currency != menu.currency for amount in extras):
        message = f"discounts and charges must be in the menu's currency, {menu.currency}"
        add(_p(ProblemCode.CURRENCY_MISMATCH, message, "discounts"))
    elif not problems:
        money_problems, priced = _check_money(draft, menu, policy)
        return money_problems, priced
    return problems, None


def order_total(draft: OrderDraft, lines: tuple[OrderLine, ...], currency: str) -> Money:
    """What the draft costs once its ``lines`` are priced: lines − discounts + charges."""
    net = Money.total((line.net_total for line in lines), currency)
    return net - sum_discounts(draft.discounts, currency) + sum_charges(draft.charges, currency)


def settle_payment(draft: OrderDraft, total: Money) -> Payment | None:
    """The order's payment: as sent, or, when the channel left the amount to the hub
    (an unpaid order), the hub's ``total`` still to pay."""
    if isinstance(draft.payment, DraftPayment):
        return draft.payment.settle(total)
    return draft.payment


def held_payment(draft: OrderDraft, lines: tuple[OrderLine, ...]) -> Payment | None:
    """The payment of an order kept as the channel sent it (not priced by the hub's
    menu): an amount left to the hub is the lines' own total."""
    if not isinstance(draft.payment, DraftPayment):
        return draft.payment
    if not lines:
        return None
    currency = lines[0].unit_price.currency
    return settle_payment(draft, Money.total((line.total for line in lines), currency))


def _check_money(
    draft: OrderDraft, menu: Menu, policy: PricePolicy
) -> tuple[list[ValidationProblem], tuple[OrderLine, ...] | None]:
    """Discounts that leave something to pay, and a payment that is not above the total;
    with the lines priced with their discounts, once they were (else None)."""
    problems: list[ValidationProblem] = []
    lines = price_lines(draft, menu, with_discounts=False)
    for index, (line, sent) in enumerate(zip(lines, draft.items, strict=True)):
        off = sum_discounts(sent.discounts, menu.currency)
        if off > line.total:
            message = f"the line's discounts ({off}) exceed its price ({line.total})"
            problems.append(_p(ProblemCode.INVALID_DISCOUNT, message, f"items[{index}].discounts"))
    if problems:
        return problems, None
    # Without line discounts the lines priced with them are the same lines: price once.
    priced = price_lines(draft, menu) if any(s.discounts for s in draft.items) else lines
    net = Money.total((line.net_total for line in priced), menu.currency)
    if sum_discounts(draft.discounts, menu.currency) > net:
        message = f"the order's discounts exceed what its lines cost ({net})"
        return [_p(ProblemCode.INVALID_DISCOUNT, message, "discounts")], priced
    payment = draft.payment
    if not isinstance(payment, Payment) or payment.status is not PaymentStatus.PAID:
        return [], priced
    total = order_total(draft, priced, menu.currency)
    if payment.amount > total:
        message = f"paid {payment.amount}, more than the order costs ({total})"
        return [_p(ProblemCode.PAYMENT_MISMATCH, message, "payment.amount")], priced
    if policy is PricePolicy.STRICT and payment.amount != total:
        message = f"paid {payment.amount}, the order costs {total}"
        return [_p(ProblemCode.PRICE_MISMATCH, message, "payment.amount")], priced
    return [], priced


def price_lines(
    draft: OrderDraft, menu: Menu, *, with_discounts: bool = True
) -> tuple[OrderLine, ...]:
    """Order lines priced from the menu; the channel's prices fill in only what it lacks.

    Each line keeps the channel's discounts on it (``with_discounts=False`` leaves them
    out, to check them against the line's price first).

    Call it after :func:`validate_order` found no problems, when every price comes
    from the menu; on an order the hub keeps despite problems (to fail it visibly and
    replay it later) the channel's prices stand in for unknown items. Raises
    :class:`InvalidValueError` when neither the menu nor the channel gives a price.
    """
    lines = []
    for index, draft_line in enumerate(draft.items):
        path = f"items[{index}]"
        item = menu.item(draft_line.item_id)
        variant = item.variant(draft_line.variant_id) if item and draft_line.variant_id else None
        price = variant.price if variant else item.price if item else draft_line.unit_price
        if price is None:
            raise InvalidValueError("no price for an unknown item", field=f"{path}.item_id")
        modifiers = []
        for position, chosen in enumerate(draft_line.modifiers):
            found = item.modifier(chosen.modifier_id) if item else None
            mod_price = found[1].price if found else chosen.unit_price
            if mod_price is None:
                field = f"{path}.modifiers[{position}].modifier_id"
                raise InvalidValueError("no price for an unknown modifier", field=field)
            modifiers.append(
                LineModifier(
                    modifier_id=chosen.modifier_id,
                    quantity=chosen.quantity,
                    unit_price=mod_price,
                    name=found[1].name if found else chosen.name,
                    group_id=found[0].id if found else None,
                )
            )
        name = item.name if item else draft_line.name
        lines.append(
            OrderLine(
                item_id=draft_line.item_id,
                quantity=draft_line.quantity,
                unit_price=price,
                name=f"{name}, {variant.name}" if variant else name,
                variant_id=draft_line.variant_id,
                modifiers=tuple(modifiers),
                note=draft_line.note,
                discounts=draft_line.discounts if with_discounts else (),
            )
        )
    return tuple(lines)


def _check_line(
    line: DraftLine, path: str, menu: Menu, now: datetime, policy: PricePolicy
) -> list[ValidationProblem]:
    problems: list[ValidationProblem] = []
    add = problems.append
    if not MIN_LINE_QUANTITY <= line.quantity <= MAX_LINE_QUANTITY:
        message = f"quantity must be {MIN_LINE_QUANTITY}..{MAX_LINE_QUANTITY}"
        add(_p(ProblemCode.QUANTITY_OUT_OF_RANGE, message, f"{path}.quantity"))
    item = menu.item(line.item_id)
    if item is None:
        add(
            _p(ProblemCode.UNKNOWN_ITEM, f"no item {line.item_id!r} on the menu", f"{path}.item_id")
        )
        return problems
    category = menu.category_of(item.id)
    hidden = Availability(visible=False) if category and not category.visible else None
    _add_unavailable(problems, hidden or item.availability, now, f"{path}.item_id", item.name)
    price: Money | None = item.price
    if line.variant_id is not None:
        variant = item.variant(line.variant_id)
        if variant is None:
            message = f"{item.name!r} has no variant {line.variant_id!r}"
            add(_p(ProblemCode.UNKNOWN_VARIANT, message, f"{path}.variant_id"))
            price = None
        else:
            _add_unavailable(
                problems, variant.availability, now, f"{path}.variant_id", variant.name
            )
            price = variant.price
    elif item.variants:
        message = f"{item.name!r} must be ordered as one of its variants"
        add(_p(ProblemCode.VARIANT_REQUIRED, message, f"{path}.variant_id"))
    if policy is PricePolicy.STRICT and price is not None:
        _compare_price(problems, line.unit_price, price, f"{path}.price")
    problems.extend(_check_modifiers(line, item, path, now, policy))
    return problems


def _check_modifiers(
    line: DraftLine, item: Item, path: str, now: datetime, policy: PricePolicy
) -> list[ValidationProblem]:
    problems: list[ValidationProblem] = []
    chosen: Counter[str] = Counter()
    for position, selected in enumerate(line.modifiers):
        here = f"{path}.modifiers[{position}]"
        if not MIN_LINE_QUANTITY <= selected.quantity <= MAX_MODIFIER_QUANTITY:
            message = f"modifier quantity must be {MIN_LINE_QUANTITY}..{MAX_MODIFIER_QUANTITY}"
            problems.append(_p(ProblemCode.QUANTITY_OUT_OF_RANGE, message, f"{here}.quantity"))
        found = item.modifier(selected.modifier_id)
        if found is None:
            message = f"{item.name!r} has no modifier {selected.modifier_id!r}"
            problems.append(_p(ProblemCode.UNKNOWN_MODIFIER, message, f"{here}.modifier_id"))
            continue
        group, modifier = found
        chosen[group.id] += selected.quantity
        _add_unavailable(problems, modifier.availability, now, f"{here}.modifier_id", modifier.name)
        if policy is PricePolicy.STRICT:
            _compare_price(problems, selected.unit_price, modifier.price, f"{here}.price")
    for group in item.modifier_groups:
        count = chosen[group.id]
        if count < group.min:
            message = f"choose at least {group.min} in {group.name!r}, got {count}"
            problems.append(_p(ProblemCode.MODIFIER_MIN, message, f"{path}.modifiers"))
        elif count > group.max:
            message = f"choose at most {group.max} in {group.name!r}, got {count}"
            problems.append(_p(ProblemCode.MODIFIER_MAX, message, f"{path}.modifiers"))
    return problems


def _add_unavailable(
    problems: list[ValidationProblem],
    availability: Availability,
    now: datetime,
    field: str,
    name: str,
) -> None:
    """Append an ``item_unavailable`` problem if ``availability`` says no at ``now``."""
    reason = availability.unavailable_reason(now)
    if reason is not None:
        message = f"{name!r} is not available ({reason.replace('_', ' ')})"
        problems.append(_p(ProblemCode.ITEM_UNAVAILABLE, message, field))


def _compare_price(
    problems: list[ValidationProblem], sent: Money | None, expected: Money, field: str
) -> None:
    if sent is None:
        return
    if sent.currency != expected.currency:
        message = f"price in {sent.currency}, menu in {expected.currency}"
        problems.append(_p(ProblemCode.CURRENCY_MISMATCH, message, field))
    elif sent != expected:
        message = f"price {sent} does not match the menu's {expected}"
        problems.append(_p(ProblemCode.PRICE_MISMATCH, message, field))


def _paused_message(status: LocationStatus) -> str:
    until = f" until {status.paused_until.isoformat()}" if status.paused_until else ""
    reason = f": {status.reason}" if status.reason else ""
    return f"the location is paused{until}{reason}"


def _p(code: ProblemCode, message: str, field: str) -> ValidationProblem:
    return ValidationProblem(code, message, field)
