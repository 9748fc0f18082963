"""The POS's places, and a place going offline: what "test a connection" and a store's
online switch rely on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.contract.support import Driver, read

pytestmark = pytest.mark.anyio


async def test_the_pos_lists_its_places_and_the_linked_one_is_there(pos: Driver) -> None:
    """``fetch_locations`` is the one harmless call a connection test makes, and how an
    operator links hub locations to the POS's places."""
    places = {p.external_id: p for p in await pos.connector.fetch_locations()}
    linked = places.get(pos.location.external_id)
    assert linked is not None, f"{pos.name} does not list {pos.location.external_id}"
    assert linked.name and linked.timezone in (None, pos.location.timezone)


async def test_going_offline_comes_back_as_a_pause_hint_for_that_place(
    announcing_pos: Driver,
) -> None:
    pos = announcing_pos
    pos.hook.clear()
    await pos.go_offline()
    await pos.settle()
    hinted = [
        e.payload
        for headers, body in pos.hook.received
        for e in read(pos.connection, headers, body, datetime.now(UTC))
        if e.job_kind is not None and e.payload.get("means") == "availability_changed"
    ]
    assert hinted, f"{pos.name} sent no availability webhook the hub acts on"
    assert all(p["online"] is False for p in hinted)
    assert all(p.get("location") in (None, pos.location.external_id) for p in hinted)
