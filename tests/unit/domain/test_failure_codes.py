"""A failure says what happened twice: ``reason`` for people, ``code`` for programs."""

from __future__ import annotations

from orderbridge.domain import events as ev

from .cafe import NOW, order
from .test_reservations import booking


def test_an_order_that_fails_with_a_code_carries_it_in_its_event_and_timeline() -> None:
    subject = order()
    assert subject.fail(NOW, "product 42 is not on the menu", code="unknown_product").applied
    assert subject.timeline[-1].detail == "unknown_product: product 42 is not on the menu"
    [failed] = subject.events
    assert isinstance(failed, ev.OrderFailed)
    assert (failed.reason, failed.code) == ("product 42 is not on the menu", "unknown_product")


def test_a_failure_without_a_code_reads_as_its_reason() -> None:
    subject = order()
    subject.fail(NOW, "the location has no POS")
    assert subject.timeline[-1].detail == "the location has no POS"
    [failed] = subject.events
    assert isinstance(failed, ev.OrderFailed) and failed.code == ""


def test_a_reservation_that_fails_carries_its_code() -> None:
    subject = booking()
    subject.events.clear()
    subject.fail(NOW, "table 4 is booked", code="table_taken")
    assert subject.timeline[-1].detail == "table_taken: table 4 is booked"
    [failed] = subject.events
    assert isinstance(failed, ev.ReservationFailed)
    assert (failed.reason, failed.code) == ("table 4 is booked", "table_taken")


def test_a_reason_that_starts_with_its_code_says_the_code_once() -> None:
    subject = order()
    reason = "unknown_item at items[0].item_id: no item latte-xl on the menu"
    subject.fail(NOW, reason, code="unknown_item")
    assert subject.timeline[-1].detail == reason
    [failed] = subject.events
    assert isinstance(failed, ev.OrderFailed)
    assert (failed.reason, failed.code) == (reason, "unknown_item")
    assert ev.failure_detail("unknown_item", "unknown_items galore") == (
        "unknown_item: unknown_items galore"
    )
