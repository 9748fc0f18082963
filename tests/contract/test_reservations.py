"""Table reservations, where the POS takes them: created once, followed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from orderbridge.ports import PermanentError, PosOrderState
from tests.contract.support import Driver

pytestmark = pytest.mark.anyio


async def test_a_reservation_is_created_and_found_where_the_pos_takes_them(pos: Driver) -> None:
    reservation = pos.reservation("r1")
    if not pos.connector.capabilities.reservations:
        with pytest.raises(PermanentError):
            await pos.connector.submit_reservation(
                reservation, location=pos.location, key=reservation.id
            )
        return
    ref = await pos.connector.submit_reservation(
        reservation, location=pos.location, key=reservation.id
    )
    assert ref.pos_order_id and ref.state is PosOrderState.NEW
    found = await pos.connector.find_reservation(
        location=pos.location, key=reservation.id, since=datetime.now(UTC) - timedelta(days=1)
    )
    assert found is not None and found.pos_order_id == ref.pos_order_id
    state = await pos.connector.reservation_state(ref.pos_order_id, location=pos.location)
    assert state.state is PosOrderState.NEW
