from collections.abc import Callable
from datetime import datetime, timedelta

import pytest

from orderbridge.domain import events as ev
from orderbridge.domain.errors import (
    CurrencyMismatchError,
    InvalidValueError,
    NaiveDatetimeError,
)
from orderbridge.domain.lifecycle import IgnoredReason, TransitionOutcome
from orderbridge.domain.money import Money
from orderbridge.domain.orders import (
    Address,
    Fulfilment,
    FulfilmentType,
    LineModifier,
    Order,
    OrderKey,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
)

from .cafe import LOCATION_ID, NOW, customer, order, paid, pickup, uah

S = OrderStatus
LATER = NOW + timedelta(minutes=5)

VERBS: dict[S, Callable[[Order], TransitionOutcome]] = {
    S.SUBMITTED: lambda o: o.submit(LATER, pos="poster", pos_order_id="77"),
    S.ACCEPTED: lambda o: o.accept(LATER),
    S.DECLINED: lambda o: o.decline(LATER, "kitchen closed"),
    S.COMPLETED: lambda o: o.complete(LATER),
    S.CANCELED: lambda o: o.cancel(LATER, "customer called"),
    S.FAILED: lambda o: o.fail(LATER, "unknown product"),
    S.RECEIVED: lambda o: o.replay(LATER, "mapping fixed"),
    S.SCHEDULED: lambda o: o.schedule(LATER, release_at=LATER + timedelta(hours=1)),
    S.CANCEL_REQUESTED: lambda o: o.request_cancel(LATER, "the customer changed their mind"),
}

# Hand-written from DESIGN.md's lifecycle; None means the move is applied.
EXPECTED: dict[S, dict[S, IgnoredReason | None]] = {
    S.RECEIVED: {
        S.SCHEDULED: None,
        S.SUBMITTED: None,
        S.ACCEPTED: IgnoredReason.NOT_ALLOWED,
        S.CANCEL_REQUESTED: IgnoredReason.NOT_ALLOWED,
        S.DECLINED: IgnoredReason.NOT_ALLOWED,
        S.COMPLETED: IgnoredReason.NOT_ALLOWED,
        S.CANCELED: None,
        S.FAILED: None,
        S.RECEIVED: IgnoredReason.DUPLICATE,
    },
    S.SCHEDULED: {
        S.SCHEDULED: IgnoredReason.DUPLICATE,
        S.SUBMITTED: None,
        S.ACCEPTED: IgnoredReason.NOT_ALLOWED,
        S.CANCEL_REQUESTED: IgnoredReason.NOT_ALLOWED,
        S.DECLINED: IgnoredReason.NOT_ALLOWED,
        S.COMPLETED: IgnoredReason.NOT_ALLOWED,
        S.CANCELED: None,
        S.FAILED: None,
        S.RECEIVED: IgnoredReason.OUT_OF_ORDER,
    },
    S.SUBMITTED: {
        S.SCHEDULED: IgnoredReason.OUT_OF_ORDER,
        S.SUBMITTED: IgnoredReason.DUPLICATE,
        S.ACCEPTED: None,
        S.CANCEL_REQUESTED: None,
        S.DECLINED: None,
        S.COMPLETED: IgnoredReason.NOT_ALLOWED,
        S.CANCELED: None,
        S.FAILED: IgnoredReason.NOT_ALLOWED,
        S.RECEIVED: IgnoredReason.OUT_OF_ORDER,
    },
    S.ACCEPTED: {
        S.SCHEDULED: IgnoredReason.OUT_OF_ORDER,
        S.SUBMITTED: IgnoredReason.OUT_OF_ORDER,
        S.ACCEPTED: IgnoredReason.DUPLICATE,
        S.CANCEL_REQUESTED: None,
        S.DECLINED: IgnoredReason.NOT_ALLOWED,
        S.COMPLETED: None,
        S.CANCELED: None,
        S.FAILED: IgnoredReason.NOT_ALLOWED,
        S.RECEIVED: IgnoredReason.OUT_OF_ORDER,
    },
    S.CANCEL_REQUESTED: {
        S.SCHEDULED: IgnoredReason.OUT_OF_ORDER,
        S.SUBMITTED: IgnoredReason.OUT_OF_ORDER,
        S.ACCEPTED: IgnoredReason.OUT_OF_ORDER,
        S.CANCEL_REQUESTED: IgnoredReason.DUPLICATE,
        S.DECLINED: None,
        S.COMPLETED: None,
        S.CANCELED: None,
        S.FAILED: IgnoredReason.NOT_ALLOWED,
        S.RECEIVED: IgnoredReason.OUT_OF_ORDER,
    },
    S.FAILED: {
        S.SCHEDULED: IgnoredReason.OUT_OF_ORDER,
        S.SUBMITTED: IgnoredReason.NOT_ALLOWED,
        S.ACCEPTED: IgnoredReason.NOT_ALLOWED,
        S.CANCEL_REQUESTED: IgnoredReason.NOT_ALLOWED,
        S.DECLINED: IgnoredReason.NOT_ALLOWED,
        S.COMPLETED: IgnoredReason.NOT_ALLOWED,
        S.CANCELED: None,
        S.FAILED: IgnoredReason.DUPLICATE,
        S.RECEIVED: None,
    },
    **{
        final: {
            target: IgnoredReason.DUPLICATE if target == final else IgnoredReason.FINAL
            for target in S
        }
        for final in (S.DECLINED, S.COMPLETED, S.CANCELED)
    },
}

CASES = [
    (start, target, reason) for start, row in EXPECTED.items() for target, reason in row.items()
]


def test_the_expected_table_covers_every_pair() -> None:
    assert len(CASES) == len(S) * len(S)


@pytest.mark.parametrize(("start", "target", "reason"), CASES)
def test_every_transition_is_applied_or_ignored_and_recorded(
    start: S, target: S, reason: IgnoredReason | None
) -> None:
    subject = order(start)

    outcome = VERBS[target](subject)

    entry = subject.timeline[-1]
    assert len(subject.timeline) == 1
    assert entry.at == LATER
    if reason is None:
        assert outcome == TransitionOutcome(applied=True)
        assert subject.status == target
        assert entry.status == target
        assert entry.event in {f"order.{target}", "order.replayed"}
        assert len(subject.events) == 1
    else:
        assert outcome == TransitionOutcome(applied=False, reason=reason)
        assert subject.status == start
        assert entry.status == start
        assert entry.event == f"order.{target}.ignored"
        assert entry.detail.startswith(f"{reason}: {start} → {target}")
        assert subject.events == []


def test_receive_starts_the_timeline_and_announces_the_order() -> None:
    new = Order.receive(
        id="ord-9",
        key=OrderKey("wix", "w-55"),
        location_id=LOCATION_ID,
        lines=(OrderLine("croissant", 1, uah(5500)),),
        customer=customer(),
        fulfilment=pickup(),
        at=NOW,
    )
    assert new.status is S.RECEIVED
    assert [(e.status, e.event) for e in new.timeline] == [("received", "order.received")]
    assert new.events == [
        ev.OrderReceived(
            at=NOW,
            order_id="ord-9",
            location_id=LOCATION_ID,
            channel="wix",
            channel_order_id="w-55",
        )
    ]


def test_happy_path_collects_events_and_remembers_the_pos_id() -> None:
    subject = order()
    subject.submit(NOW, pos="poster", pos_order_id="1017")
    subject.accept(NOW + timedelta(minutes=1))
    subject.complete(NOW + timedelta(minutes=20))

    assert subject.status is S.COMPLETED
    assert subject.is_final
    assert subject.external_refs == {"poster": "1017"}
    assert [e.name for e in subject.events] == ["OrderSubmitted", "OrderAccepted", "OrderCompleted"]
    assert subject.events[0] == ev.OrderSubmitted(
        at=NOW, order_id="ord-1", location_id=LOCATION_ID, pos="poster", pos_order_id="1017"
    )
    assert [e.event for e in subject.timeline] == [
        "order.submitted",
        "order.accepted",
        "order.completed",
    ]


def test_a_retried_webhook_is_recorded_once_more_but_changes_nothing() -> None:
    subject = order(S.SUBMITTED)
    subject.accept(NOW)
    subject.accept(NOW + timedelta(seconds=30))

    assert subject.status is S.ACCEPTED
    assert [e.event for e in subject.timeline] == ["order.accepted", "order.accepted.ignored"]
    assert len(subject.events) == 1


def test_a_late_submitted_answer_after_acceptance_is_ignored() -> None:
    subject = order(S.SUBMITTED)
    subject.accept(NOW)
    outcome = subject.submit(LATER, pos="poster", pos_order_id="other")

    assert outcome.reason is IgnoredReason.OUT_OF_ORDER
    assert subject.external_refs == {}


def test_failed_order_is_replayed_by_an_operator_and_goes_round_again() -> None:
    subject = order()
    subject.fail(NOW, "unknown product latte-l")
    subject.replay(LATER, "mapping fixed")
    subject.submit(LATER, pos="poster", pos_order_id="1018")

    assert subject.status is S.SUBMITTED
    assert [e.event for e in subject.timeline] == [
        "order.failed",
        "order.replayed",
        "order.submitted",
    ]
    assert [type(e) for e in subject.events] == [
        ev.OrderFailed,
        ev.OrderReplayed,
        ev.OrderSubmitted,
    ]
    failed = subject.events[0]
    assert isinstance(failed, ev.OrderFailed)
    assert failed.reason == "unknown product latte-l"


def test_declined_and_canceled_carry_their_reason() -> None:
    declined, canceled = order(S.SUBMITTED), order(S.ACCEPTED)
    declined.decline(NOW, "out of milk")
    canceled.cancel(NOW, "customer called")
    assert declined.events == [
        ev.OrderDeclined(at=NOW, order_id="ord-1", location_id=LOCATION_ID, reason="out of milk")
    ]
    assert canceled.timeline[-1].detail == "customer called"


def test_record_adds_an_informational_entry_without_moving() -> None:
    subject = order()
    subject.record(NOW, "pos.retry", "timeout, attempt 2")
    assert subject.status is S.RECEIVED
    assert subject.timeline[-1].status == "received"
    assert subject.events == []


def test_the_timeline_cannot_be_edited_from_outside() -> None:
    subject = order()
    subject.accept(NOW)
    view = subject.timeline
    assert isinstance(view, tuple)
    with pytest.raises(AttributeError):
        view[0].detail = "rewritten"  # type: ignore[misc]


def test_transitions_refuse_naive_datetimes() -> None:
    with pytest.raises(NaiveDatetimeError):
        order().cancel(datetime(2026, 11, 22, 12, 0))
    assert order().timeline == ()


def test_totals_add_modifiers_per_unit_and_multiply_by_quantity() -> None:
    totals = order().totals
    # 2 × (80.00 + 15.00) + 55.00
    assert totals.total == uah(24500)
    assert totals.item_count == 3
    assert totals.paid == uah(0)
    assert totals.due == uah(24500)


def test_prepaid_order_leaves_nothing_due() -> None:
    assert order(payment=paid(24500)).totals.due == uah(0)
    assert order(payment=paid(30000)).totals.due == uah(0)
    assert order(payment=paid(20000)).totals.due == uah(4500)


def test_an_unpaid_payment_counts_as_nothing_paid() -> None:
    totals = order(payment=Payment(PaymentStatus.UNPAID, uah(24500))).totals
    assert totals.paid == uah(0)
    assert totals.due == uah(24500)


def test_line_totals() -> None:
    line = OrderLine(
        "burger",
        3,
        uah(19000),
        modifiers=(LineModifier("cheese", 2, uah(2500)), LineModifier("medium", 1, uah(0))),
    )
    assert line.unit_total == uah(24000)
    assert line.total == uah(72000)


@pytest.mark.parametrize(
    "build",
    [
        lambda: OrderLine("croissant", 0, uah(5500)),
        lambda: OrderLine("burger", 1, uah(100), modifiers=(LineModifier("cheese", 0, uah(1)),)),
    ],
)
def test_line_quantities_must_be_positive(build: Callable[[], OrderLine]) -> None:
    with pytest.raises(InvalidValueError) as caught:
        build()
    assert caught.value.code == "quantity_out_of_range"


def test_a_modifier_priced_in_another_currency_is_refused() -> None:
    with pytest.raises(CurrencyMismatchError):
        OrderLine("burger", 1, uah(100), modifiers=(LineModifier("x", 1, Money(1, "EUR")),))


def _rebuild(**overrides: object) -> Order:
    fields: dict[str, object] = {
        "id": "ord-2",
        "key": OrderKey("storefront", "web-2"),
        "location_id": LOCATION_ID,
        "lines": (OrderLine("croissant", 1, uah(5500)),),
        "customer": customer(),
        "fulfilment": pickup(),
        "created_at": NOW,
    }
    fields.update(overrides)
    return Order(**fields)  # type: ignore[arg-type]


def test_an_order_needs_a_line() -> None:
    with pytest.raises(InvalidValueError) as caught:
        _rebuild(lines=())
    assert caught.value.field == "items"


def test_an_order_has_one_currency() -> None:
    with pytest.raises(CurrencyMismatchError):
        _rebuild(lines=(OrderLine("a", 1, uah(1)), OrderLine("b", 1, Money(1, "EUR"))))
    with pytest.raises(CurrencyMismatchError) as caught:
        _rebuild(payment=Payment(PaymentStatus.PAID, Money(5500, "EUR")))
    assert caught.value.field == "payment.currency"


def test_an_order_needs_an_aware_creation_time() -> None:
    with pytest.raises(NaiveDatetimeError):
        _rebuild(created_at=datetime(2026, 11, 22))


def test_a_stored_order_is_rebuilt_without_new_events() -> None:
    rebuilt = order(S.ACCEPTED)
    assert rebuilt.status is S.ACCEPTED
    assert rebuilt.events == []


def test_the_idempotency_key_reads_channel_then_id() -> None:
    assert str(OrderKey("storefront", "web-1001")) == "storefront:web-1001"
    assert OrderKey("wix", "1") == OrderKey("wix", "1")


def test_delivery_needs_an_address_and_dine_in_a_table() -> None:
    with pytest.raises(InvalidValueError) as no_address:
        Fulfilment(FulfilmentType.DELIVERY)
    assert (no_address.value.code, no_address.value.field) == (
        "address_required",
        "fulfillment.address",
    )
    with pytest.raises(InvalidValueError) as no_table:
        Fulfilment(FulfilmentType.DINE_IN)
    assert (no_table.value.code, no_table.value.field) == ("table_required", "fulfillment.table")
    assert Fulfilment(FulfilmentType.DELIVERY, address=Address("вул. Сагайдачного, 1", "Київ"))
    assert Fulfilment(FulfilmentType.DINE_IN, table="12").table == "12"


def test_a_scheduled_time_must_be_aware() -> None:
    with pytest.raises(NaiveDatetimeError) as caught:
        Fulfilment(FulfilmentType.PICKUP, time=datetime(2026, 11, 22, 18, 30))
    assert caught.value.field == "fulfillment.time"


def test_a_payment_cannot_be_negative() -> None:
    with pytest.raises(InvalidValueError):
        Payment(PaymentStatus.PAID, uah(-1))
