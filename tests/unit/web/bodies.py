"""Request bodies as a storefront sends them, as plain JSON-ready dicts to vary per test."""

from __future__ import annotations

from typing import Any

from tests.unit.domain.cafe import LOCATION_ID


def order_body(**overrides: Any) -> dict[str, Any]:
    """DESIGN.md's example order for the test café: a large vanilla latte, two croissants."""
    body: dict[str, Any] = {
        "location_id": LOCATION_ID,
        "channel_order_id": "web-1001",
        "items": [
            {
                "item_id": "latte",
                "variant_id": "latte-l",
                "quantity": 1,
                "modifiers": [{"modifier_id": "vanilla", "quantity": 1}],
                "note": "",
            },
            {"item_id": "croissant", "quantity": 2},
        ],
        "customer": {"name": "Олена", "phone": "+380 67 123 45 67", "email": "olena@example.com"},
        "fulfillment": {"type": "pickup", "time": "2026-11-22T12:20:00+02:00"},
        "payment": {"status": "paid", "amount": 20500, "currency": "UAH"},
        "note": "",
    }
    body.update(overrides)
    return body


def reservation_body(**overrides: Any) -> dict[str, Any]:
    """A table for four at half past seven, Kyiv time."""
    body: dict[str, Any] = {
        "location_id": LOCATION_ID,
        "channel_reservation_id": "res-77",
        "time": "2026-11-22T19:30:00+02:00",
        "duration_minutes": 90,
        "guests": 4,
        "customer": {"name": "Андрій", "phone": "067 765 43 21"},
        "note": "window, please",
    }
    body.update(overrides)
    return body
