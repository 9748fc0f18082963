"""Small helpers for the HTTP tests."""

from __future__ import annotations

from typing import Any

import httpx

from orderbridge.messaging.tables import OutboxJob
from orderbridge.storage import tables as t
from tests.integration.support.world import World, count


def error_of(response: httpx.Response) -> tuple[int, str, str | None]:
    """Status, machine code and field of an error answer (and that the body is the API's)."""
    body: dict[str, Any] = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert isinstance(error["message"], str) and error["message"]
    return response.status_code, error["code"], error.get("field")


def stored_rows(world: World) -> tuple[int, int, int]:
    """Orders, timeline lines and outbox jobs in the database."""
    return (
        count(world.hub, t.OrderRecord),
        count(world.hub, t.TimelineRecord),
        count(world.hub, OutboxJob),
    )


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}
