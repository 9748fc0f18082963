"""The order aggregate: what was ordered, for whom, how it is handed over, and its lifecycle.

An order enters the hub ``received`` and moves forward only, as the table in DESIGN.md
says::

    received ──► (scheduled) ──► submitted ──► accepted ──► completed
       │                             ├──► declined └──► canceled
       └──► failed (an operator fixes the cause, then replays it to received)
    submitted / accepted ──► cancel_requested ──► canceled | declined | completed
    any non-final status ──► canceled

``scheduled``: the customer asked for a time later than the POS needs to prepare it;
the hub holds the order and sends it at that time minus the location's lead time.
``cancel_requested``: the channel called off an order the POS already has, and the
POS has not confirmed yet (Poster cannot cancel an incoming order by API: a cashier
must); the channel sees this status until the POS's answer arrives.

A move the table does not allow from the current status — a retried webhook, a late
one, a jump — changes nothing and is kept in the timeline as ignored. Applied moves
append a domain event to ``order.events`` for the service layer to publish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from orderbridge.domain import events as ev
from orderbridge.domain.customers import Customer
from orderbridge.domain.errors import CurrencyMismatchError, InvalidValueError, require_aware
from orderbridge.domain.lifecycle import Lifecycle, TimelineEntry, Tracked, TransitionOutcome
from orderbridge.domain.money import Money
from orderbridge.domain.order_details import (
    Address,
    Fulfilment,
    FulfilmentType,
    LineModifier,
    OrderLine,
    OrderTotals,
    Payment,
    PaymentStatus,
)
from orderbridge.domain.order_money import Charge, Discount, sum_charges, sum_discounts

__all__ = [
    "ORDER_LIFECYCLE",
    "Address",
    "Charge",
    "Discount",
    "Fulfilment",
    "FulfilmentType",
    "LineModifier",
    "Order",
    "OrderKey",
    "OrderLine",
    "OrderStatus",
    "OrderTotals",
    "Payment",
    "PaymentStatus",
]


class OrderStatus(StrEnum):
    """Where an order is in its lifecycle; the values are the storefront's status names."""

    RECEIVED = "received"
    SCHEDULED = "scheduled"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    CANCEL_REQUESTED = "cancel_requested"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELED = "canceled"
    FAILED = "failed"


_S = OrderStatus
ORDER_LIFECYCLE: Lifecycle[OrderStatus] = Lifecycle(
    forward={
        _S.RECEIVED: frozenset({_S.SCHEDULED, _S.SUBMITTED, _S.FAILED, _S.CANCELED}),
        _S.SCHEDULED: frozenset({_S.SUBMITTED, _S.FAILED, _S.CANCELED}),
        _S.SUBMITTED: frozenset({_S.ACCEPTED, _S.DECLINED, _S.CANCELED, _S.CANCEL_REQUESTED}),
        _S.ACCEPTED: frozenset({_S.COMPLETED, _S.CANCELED, _S.CANCEL_REQUESTED}),
        _S.CANCEL_REQUESTED: frozenset({_S.CANCELED, _S.DECLINED, _S.COMPLETED}),
        _S.FAILED: frozenset({_S.CANCELED}),
    },
    replays={_S.FAILED: frozenset({_S.RECEIVED})},
    final=frozenset({_S.DECLINED, _S.COMPLETED, _S.CANCELED}),
)
"""The order status table; ``failed`` is not final because an operator can replay it."""


@dataclass(frozen=True, slots=True)
class OrderKey:
    """The idempotency key of an order: the channel and the channel's own order id.

    The same key twice is the same order, however many times the channel retries; the
    POS connector also writes it into the POS order so that, after an ambiguous failure,
    it can find the order there instead of creating it again.
    """

    channel: str
    channel_order_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.channel_order_id}"


# What an order's totals are computed from (``Order.totals`` keeps them with these).
_MoneyInputs = tuple[
    tuple[OrderLine, ...], tuple[Discount, ...], tuple[Charge, ...], Payment | None
]


class Order(Tracked[OrderStatus, ev.OrderEvent]):
    """An order from a channel, on its way to the POS and back.

    Create a new one with :meth:`receive`; the constructor rebuilds a stored order
    (status and timeline as saved, no new events). Status moves are the verbs
    :meth:`schedule`, :meth:`submit`, :meth:`accept`, :meth:`decline`, :meth:`complete`,
    :meth:`request_cancel`, :meth:`cancel`, :meth:`fail` and :meth:`replay`; each returns
    a :class:`TransitionOutcome` and never raises for a move the lifecycle refuses.

    ``discounts`` (on the whole order) and ``charges`` come from the channel; the
    order checks that they are in its currency and that the discounts leave something
    to pay for (:attr:`totals` adds them up).
    """

    kind = "order"

    def __init__(
        self,
        *,
        id: str,
        key: OrderKey,
        location_id: str,
        lines: Sequence[OrderLine],
        customer: Customer,
        fulfilment: Fulfilment,
        created_at: datetime,
        payment: Payment | None = None,
        note: str = "",
        status: OrderStatus = OrderStatus.RECEIVED,
        timeline: Sequence[TimelineEntry] = (),
        external_refs: dict[str, str] | None = None,
        discounts: Sequence[Discount] = (),
        charges: Sequence[Charge] = (),
    ) -> None:
        super().__init__(ORDER_LIFECYCLE, status, list(timeline))
        if not lines:
            raise InvalidValueError("an order needs at least one line", field="items")
        self.currency = lines[0].unit_price.currency
        if any(line.unit_price.currency != self.currency for line in lines):
            raise CurrencyMismatchError("all lines of an order must share one currency")
        if payment is not None and payment.amount.currency != self.currency:
            raise CurrencyMismatchError(
                f"payment in {payment.amount.currency}, order in {self.currency}",
                field="payment.currency",
            )
        amounts = [d.amount for d in discounts] + [c.amount for c in charges]
        if any(amount.currency != self.currency for amount in amounts):
            raise CurrencyMismatchError("discounts and charges must be in the order's currency")
        self.discounts = tuple(discounts)
        self.charges = tuple(charges)
        lines_net = Money.total((line.net_total for line in lines), self.currency)
        if sum_discounts(self.discounts, self.currency) > lines_net:
            raise InvalidValueError(
                f"the order's discounts exceed what its lines cost ({lines_net})",
                field="discounts",
                code="invalid_discount",
            )
        self.id = id
        self.key = key
        self.location_id = location_id
        self.lines = tuple(lines)
        self.customer = customer
        self.fulfilment = fulfilment
        self.payment = payment
        self.note = note
        self.created_at = require_aware(created_at, "created_at")
        self.external_refs: dict[str, str] = dict(external_refs or {})
        self.events: list[ev.DomainEvent] = []
        self._totals: tuple[_MoneyInputs, OrderTotals] | None = None

    @classmethod
    def receive(
        cls,
        *,
        id: str,
        key: OrderKey,
        location_id: str,
        lines: Sequence[OrderLine],
        customer: Customer,
        fulfilment: Fulfilment,
        at: datetime,
        payment: Payment | None = None,
        note: str = "",
        discounts: Sequence[Discount] = (),
        charges: Sequence[Charge] = (),
    ) -> Order:
        """A new order, as it arrives from a channel: ``received``, with one timeline entry."""
        order = cls(
            id=id,
            key=key,
            location_id=location_id,
            lines=lines,
            customer=customer,
            fulfilment=fulfilment,
            created_at=at,
            payment=payment,
            note=note,
            discounts=discounts,
            charges=charges,
        )
        order.record(at, "order.received", f"from {key.channel}")
        order.events.append(
            ev.OrderReceived(
                at=at,
                order_id=id,
                location_id=location_id,
                channel=key.channel,
                channel_order_id=key.channel_order_id,
            )
        )
        return order

    @property
    def totals(self) -> OrderTotals:
        """Totals from the lines, discounts, charges and payment; never stored
        (``orderbridge.domain.order_money`` says what each one is).

        Placing an order asks for them three times (its notification, its row, the
        201's body), and adding up the lines' money is a fair share of placing's CPU:
        they are computed once and kept with the values they were computed from. Those
        are immutable (tuples of frozen values, a frozen payment), so the kept totals
        hold for as long as the order keeps the very same objects; an order given new
        lines, discounts, charges or payment computes them afresh.
        """
        inputs: _MoneyInputs = (self.lines, self.discounts, self.charges, self.payment)
        kept = self._totals
        if kept is not None and all(a is b for a, b in zip(kept[0], inputs, strict=True)):
            return kept[1]
        totals = self._add_up()
        self._totals = (inputs, totals)
        return totals

    def _add_up(self) -> OrderTotals:
        currency = self.currency
        subtotal = Money.total((line.total for line in self.lines), currency)
        discounts = Money.total((line.discount for line in self.lines), currency)
        discounts += sum_discounts(self.discounts, currency)
        charges = sum_charges(self.charges, currency)
        total = subtotal - discounts + charges
        paid = Money.zero(currency)
        if self.payment is not None and self.payment.status is PaymentStatus.PAID:
            paid = self.payment.amount
        return OrderTotals(
            subtotal=subtotal,
            discounts=discounts,
            charges=charges,
            total=total,
            paid=paid,
            due=max(total - paid, Money.zero(currency)),
            item_count=sum(line.quantity for line in self.lines),
        )

    def schedule(self, at: datetime, *, release_at: datetime) -> TransitionOutcome:
        """Hold the order until ``release_at`` (its time minus the lead time)."""
        require_aware(release_at, "release_at")
        detail = f"held until {release_at.isoformat()}"
        outcome = self._move(OrderStatus.SCHEDULED, at, detail)
        if outcome.applied:
            self.external_refs["release_at"] = release_at.isoformat()
            self.events.append(
                ev.OrderScheduled(
                    at=at, order_id=self.id, location_id=self.location_id, release_at=release_at
                )
            )
        return outcome

    def submit(self, at: datetime, *, pos: str, pos_order_id: str) -> TransitionOutcome:
        """The POS created the order; remember its id there for status polling."""
        outcome = self._move(OrderStatus.SUBMITTED, at, f"{pos} order {pos_order_id}")
        if outcome.applied:
            self.external_refs[pos] = pos_order_id
            self._emit(ev.OrderSubmitted, at, pos=pos, pos_order_id=pos_order_id)
        return outcome

    def accept(self, at: datetime, detail: str = "") -> TransitionOutcome:
        """The restaurant accepted the order."""
        return self._go(OrderStatus.ACCEPTED, at, detail, ev.OrderAccepted)

    def complete(self, at: datetime, detail: str = "") -> TransitionOutcome:
        """The order was handed over and paid for."""
        return self._go(OrderStatus.COMPLETED, at, detail, ev.OrderCompleted)

    def decline(self, at: datetime, reason: str = "") -> TransitionOutcome:
        """The restaurant refused the order before accepting it."""
        return self._go(OrderStatus.DECLINED, at, reason, ev.OrderDeclined, reason=reason)

    def request_cancel(self, at: datetime, reason: str = "") -> TransitionOutcome:
        """The channel called off an order the POS has; the POS has yet to confirm."""
        return self._go(
            OrderStatus.CANCEL_REQUESTED, at, reason, ev.OrderCancelRequested, reason=reason
        )

    def cancel(self, at: datetime, reason: str = "") -> TransitionOutcome:
        """The order is called off; allowed from any status that is not final."""
        return self._go(OrderStatus.CANCELED, at, reason, ev.OrderCanceled, reason=reason)

    def fail(self, at: datetime, reason: str, *, code: str = "") -> TransitionOutcome:
        """The order cannot reach the POS without an operator's fix (say, an unmapped
        item); the timeline reads ``code: reason``."""
        detail = ev.failure_detail(code, reason)
        return self._go(OrderStatus.FAILED, at, detail, ev.OrderFailed, reason=reason, code=code)

    def replay(self, at: datetime, detail: str = "") -> TransitionOutcome:
        """An operator fixed a failure: the order goes back to ``received`` to be sent again."""
        return self._go(OrderStatus.RECEIVED, at, detail, ev.OrderReplayed, replay=True)

    def _emit(self, event: type[ev.OrderEvent], at: datetime, **extra: str) -> None:
        self.events.append(event(at=at, order_id=self.id, location_id=self.location_id, **extra))
