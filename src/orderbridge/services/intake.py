"""Judging an incoming order and turning it into a stored one: shared by the storefront
(``orders.place_order``, which refuses a bad order whole) and marketplace channels
(``channel_orders.place_channel_order``, which keeps it as ``failed``).

Everything the POS would refuse later is found here, before the hub answers: the
menu (items, availability, modifiers), the money (discounts that leave something to
pay, a payment not above the total), the time (``domain.timing``: past, outside the
hours, too far ahead) and what the POS itself needs (``check_requirements``: a phone,
a table it has, its currency).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from orderbridge.domain.drafts import OrderDraft
from orderbridge.domain.location_options import check_requirements
from orderbridge.domain.menu import Menu
from orderbridge.domain.orders import Order, OrderLine
from orderbridge.domain.timing import TimePlan, TimeProblem, plan_order_time
from orderbridge.domain.validation import (
    PricePolicy,
    ProblemCode,
    ValidationProblem,
    order_total,
    price_lines,
    settle_payment,
    validate_and_price,
    validate_order,
)
from orderbridge.ports import Job, LocationRecord, UnitOfWork
from orderbridge.services import notify

SUBMIT_ORDER = "order.submit"


@dataclass(frozen=True)
class Judgement:
    """What the hub thinks of a draft: every problem, the plan for its time, and its
    lines priced from the menu when judging priced them (for :func:`build_order`)."""

    problems: list[ValidationProblem]
    plan: TimePlan | None
    lines: tuple[OrderLine, ...] | None = None


def judge(draft: OrderDraft, *, record: LocationRecord, menu: Menu, now: datetime) -> Judgement:
    """Every problem with ``draft`` at ``record``'s location, and when to send it.

    A scheduled order is judged by the location's status at its release (closed now is
    fine for tomorrow's breakfast) and its items' availability then (a snooze ending
    before it counts as over).
    """
    location = record.location
    plan = plan_order_time(location, draft.fulfilment.time, now=now, settings=record.options.timing)
    if isinstance(plan, TimeProblem):
        problem = ValidationProblem(ProblemCode.INVALID_TIME, plan.message, "fulfillment.time")
        status = location.status_at(now)
        problems = validate_order(
            draft, menu=menu, status=status, now=now, policy=PricePolicy(record.price_policy)
        )
        return Judgement([problem, *_not_status(problems)], None)
    problems, lines = validate_and_price(
        draft,
        menu=menu,
        status=plan.status,
        now=plan.release_at or now,
        policy=PricePolicy(record.price_policy),
    )
    for need in check_requirements(draft, record.facts, currency=location.currency):
        problems.append(ValidationProblem(ProblemCode(need.code), need.message, need.field))
    return Judgement(problems, plan, lines)


def _not_status(problems: list[ValidationProblem]) -> list[ValidationProblem]:
    # With a time that cannot be kept, "closed now" says nothing more.
    status = (ProblemCode.LOCATION_CLOSED, ProblemCode.LOCATION_PAUSED)
    return [p for p in problems if p.code not in status]


def build_order(
    draft: OrderDraft,
    *,
    id: str,
    record: LocationRecord,
    menu: Menu,
    now: datetime,
    problems: list[ValidationProblem],
    lines: tuple[OrderLine, ...] | None = None,
) -> Order:
    """The ``received`` order of ``draft``, priced from ``menu``.

    Kept whole even with problems (a marketplace order is stored as failed), except
    for discounts that do not fit: those are left out rather than fail to build.
    ``lines`` are the draft's lines as :func:`judge` priced them from this ``menu``
    (``Judgement.lines``), if it did: they are not priced again.
    """
    currency = record.location.currency
    bad_discount = any(p.code is ProblemCode.INVALID_DISCOUNT for p in problems)
    if lines is None or bad_discount:
        lines = price_lines(draft, menu, with_discounts=not bad_discount)
    discounts = () if bad_discount else draft.discounts
    total_draft = draft if not bad_discount else _without_discounts(draft)
    return Order.receive(
        id=id,
        key=draft.key,
        location_id=record.location.id,
        lines=lines,
        customer=draft.customer,
        fulfilment=draft.fulfilment,
        at=now,
        payment=settle_payment(
            draft, order_total(total_draft, lines, lines[0].unit_price.currency)
        ),
        note=draft.note,
        discounts=discounts,
        charges=draft.charges if all(c.amount.currency == currency for c in draft.charges) else (),
    )


def _without_discounts(draft: OrderDraft) -> OrderDraft:
    return replace(draft, discounts=())


def queue(
    uow: UnitOfWork,
    order: Order,
    *,
    tenant_id: str,
    plan: TimePlan | None,
    now: datetime,
    submit: bool = True,
) -> None:
    """Announce the new order and queue its submission: now, or held until the plan's
    release (``order.received`` then ``order.scheduled`` go out at once).

    Call it before storing the order: a held order moves to ``scheduled`` here (the
    jobs and the order commit in the caller's one transaction all the same).
    """
    jobs: list[Job] = notify.order_event_jobs(uow, tenant_id=tenant_id, order=order, at=now)
    if plan is not None:
        order.external_refs["promised_at"] = plan.promised_at.isoformat()
    release = plan.release_at if plan is not None and submit else None
    if release is not None and order.schedule(now, release_at=release).applied:
        jobs += notify.order_event_jobs(uow, tenant_id=tenant_id, order=order, at=now)
    connection_id = uow.pos_connection_id(order.location_id)
    if submit and release is None:
        jobs.insert(
            0, Job(SUBMIT_ORDER, {"order_id": order.id}, key=order.id, connection_id=connection_id)
        )
    uow.enqueue_many(jobs)
    if submit and release is not None:
        uow.enqueue(
            SUBMIT_ORDER,
            {"order_id": order.id},
            key=order.id,
            connection_id=connection_id,
            run_after=release,
        )
