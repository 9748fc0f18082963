"""Orders from marketplace channels (Wix): kept even when they cannot go to the POS.

A storefront can be told "no" (``place_order`` refuses an invalid order whole and
stores nothing); a marketplace cannot — the customer already ordered and paid on the
marketplace's site. :func:`place_channel_order` therefore stores every order it is
given: a valid one is queued for the POS exactly as ``place_order`` does; one with
problems (an item the menu mapping does not know, a paused location) is stored as
``failed`` with every reason in its timeline and an ``order.failed`` incident (alerts,
the dashboard's Overview), so an operator hears of it, fixes the cause and replays it.
Repeats of the same channel order id change nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from orderbridge.domain.drafts import OrderDraft
from orderbridge.domain.menu import Menu
from orderbridge.domain.orders import Order
from orderbridge.domain.validation import ProblemCode, ValidationProblem, held_payment
from orderbridge.ports import UnitOfWork
from orderbridge.services import failures, intake, mapping_orders
from orderbridge.services.errors import NotFound
from orderbridge.services.ids import new_id
from orderbridge.services.orders import Placed


def describe(problems: list[ValidationProblem]) -> str:
    """The reasons an order failed, for the timeline and the dashboard."""
    return "; ".join(f"{p.code.value} at {p.field}: {p.message}" for p in problems)


def place_channel_order(
    uow: UnitOfWork,
    *,
    tenant_id: str,
    draft: OrderDraft,
    request_hash: str,
    now: datetime,
    channel_connection_id: str,
    external_refs: Mapping[str, str] = {},
    extra_problems: Sequence[str] = (),
) -> Placed:
    """Store the channel's order (queued for the POS, or failed with its reasons).

    ``extra_problems`` are reasons the channel's mapping found that the menu cannot see
    (``"phone_required at billingInfo.contactDetails.phone: …"``); any fails the order.
    """
    key = draft.key
    existing = uow.find_order(tenant_id, key.channel, key.channel_order_id)
    if existing is not None:
        return Placed(existing, created=False)
    record = uow.get_location(draft.location_id, tenant_id=tenant_id)
    if record is None:
        raise NotFound("unknown_location", "no such location", field="location_id")
    menu = uow.get_menu(record.location.id)
    own = mapping_orders.translate(  # a channel with its own menu: its ids become the POS's
        uow,
        draft=draft,
        channel=channel_connection_id,
        currency=record.location.currency,
        menu=menu,
    )
    held = own is not None and bool(own.unknown or own.unmapped)
    if own is not None and not held:
        draft = own.draft
    judged = menu or Menu(location_id=record.location.id, currency=record.location.currency)
    judgement = intake.judge(draft, record=record, menu=judged, now=now)
    # The customer paid the marketplace already: more than the hub's total (its shipping,
    # its tax, lines that are not the restaurant's) is a note, not a failure; the POS is
    # never told more than its check (``payment.sum`` is capped there).
    overpaid = [p for p in judgement.problems if p.code is ProblemCode.PAYMENT_MISMATCH]
    problems = [p for p in judgement.problems if p not in overpaid]
    if own is not None and held:  # kept as the channel sent it, failed until mapped
        problems, overpaid = [*own.unknown, *own.unmapped], []
        order = Order.receive(
            id=new_id("ord"),
            key=key,
            location_id=record.location.id,
            lines=own.held_lines,
            customer=draft.customer,
            fulfilment=draft.fulfilment,
            at=now,
            payment=held_payment(draft, own.held_lines),
            note=draft.note,
        )
    else:
        order = intake.build_order(
            draft, id=new_id("ord"), record=record, menu=judged, now=now, problems=problems
        )
    order.external_refs.update(external_refs)
    order.external_refs["channel_connection_id"] = channel_connection_id
    if own is not None:
        order.external_refs.update(own.refs)
        if held:
            order.external_refs[mapping_orders.HELD_REF] = "1"
    for note in overpaid:
        order.record(now, "order.paid_above_total", note.message)
    failure = _failure(menu is None, problems, extra_problems)
    if failure is not None:
        order.fail(now, failure[1], code=failure[0])
    intake.queue(
        uow, order, tenant_id=tenant_id, plan=judgement.plan, now=now, submit=failure is None
    )
    uow.add_order(order, tenant_id=tenant_id, request_hash=request_hash)
    if failure is not None:
        code, reason = failure
        failures.order_failed(
            uow, tenant_id=tenant_id, order=order, code=code, reason=reason, now=now
        )
    uow.commit()
    stored = uow.get_order(order.id)
    assert stored is not None
    return Placed(stored, created=True)


def _failure(
    no_menu: bool, problems: list[ValidationProblem], extra: Sequence[str]
) -> tuple[str, str] | None:
    """``(code, reason)`` of an order that cannot go to the POS, or None: the code is
    the first problem's (what the channel's ``order.failed`` and the alert carry), the
    reason lists every problem."""
    if no_menu:
        return "menu_not_published", "the location has no menu yet"
    if not problems and not extra:
        return None
    code = problems[0].code.value if problems else extra[0].split(" ", 1)[0].rstrip(":")
    return code, "; ".join(filter(None, [describe(problems), *extra]))
