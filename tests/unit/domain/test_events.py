from datetime import datetime

import pytest

from orderbridge.domain.errors import NaiveDatetimeError
from orderbridge.domain.events import DomainEvent, OrderAccepted

from .cafe import NOW


def test_events_are_named_after_their_class() -> None:
    event = OrderAccepted(at=NOW, order_id="ord-1", location_id="kyiv-podil")
    assert event.name == "OrderAccepted"
    assert isinstance(event, DomainEvent)


def test_events_are_immutable_values() -> None:
    event = OrderAccepted(at=NOW, order_id="ord-1", location_id="kyiv-podil")
    assert event == OrderAccepted(at=NOW, order_id="ord-1", location_id="kyiv-podil")
    with pytest.raises(AttributeError):
        event.order_id = "ord-2"  # type: ignore[misc]


def test_events_refuse_naive_datetimes() -> None:
    with pytest.raises(NaiveDatetimeError):
        OrderAccepted(at=datetime(2026, 11, 22, 12, 0), order_id="o", location_id="l")
