"""Finding orders by marker: a narrow window, read in pages, shared by a batch."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import anyio
import pytest

from orderbridge.connectors.poster.lookup import PAGE_TARGET, SKEW, MarkerLookup, local_range
from orderbridge.connectors.poster.mapping_orders import POSTER_TIME, marker
from orderbridge.connectors.poster.schemas import PosterIncomingOrder
from orderbridge.ports import PermanentError, TransientError

pytestmark = pytest.mark.anyio

ZONE = "UTC"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


class FakePoster:
    """getOwnIncomingOrders over a list of orders: inclusive date bounds, as Poster."""

    def __init__(self) -> None:
        self.orders: list[PosterIncomingOrder] = []
        self.pages: list[tuple[str, str, int]] = []  # (date_from, date_to, orders answered)
        self.error: Exception | None = None
        self.gate: anyio.Event | None = None  # a listing waits on it when set
        self.entered = anyio.Event()  # set when a listing is asked for

    def add(self, at: datetime, *, key: str | None = None, spot_id: int = 1) -> None:
        comment = f"Guest note {marker(key)}" if key else "made at the register"
        self.orders.append(
            PosterIncomingOrder(
                incoming_order_id=len(self.orders) + 1,
                spot_id=spot_id,
                comment=comment,
                created_at=at.strftime(POSTER_TIME),
            )
        )

    async def list_page(self, date_from: str, date_to: str) -> Sequence[PosterIncomingOrder]:
        self.entered.set()
        if self.gate is not None:
            await self.gate.wait()
        if self.error is not None:
            raise self.error
        page = [o for o in self.orders if date_from <= str(o.created_at) <= date_to]
        self.pages.append((date_from, date_to, len(page)))
        return page


def lookup(poster: FakePoster) -> MarkerLookup:
    return MarkerLookup(poster.list_page, clock=lambda: NOW)


async def test_only_the_window_around_the_first_try_is_read() -> None:
    """Ten thousand older orders (a busy account's history) are never listed."""
    poster = FakePoster()
    for n in range(10_000):
        poster.add(NOW - timedelta(days=2) + timedelta(seconds=n))
    poster.add(NOW - timedelta(seconds=30), key="ord_1")
    poster.add(NOW - timedelta(seconds=20))
    finder = lookup(poster)
    found = await finder.find(
        spot_id=1, key="ord_1", since=NOW - timedelta(minutes=1), timezone=ZONE
    )
    assert [o.comment for o in found] == ["Guest note [ob:ord_1]"]
    assert finder.stats.orders_read == 2
    assert poster.pages[0][0] == (NOW - timedelta(minutes=1)).strftime(POSTER_TIME)


async def test_a_missing_order_reads_the_whole_window_and_nothing_else() -> None:
    poster = FakePoster()
    poster.add(NOW - timedelta(hours=3), key="ord_1")  # created by an older job
    finder = lookup(poster)
    found = await finder.find(
        spot_id=1, key="ord_1", since=NOW - timedelta(minutes=1), timezone=ZONE
    )
    assert found == []
    earliest = min(date_from for date_from, _to, _n in poster.pages)
    latest = max(date_to for _from, date_to, _n in poster.pages)
    assert earliest == (NOW - timedelta(minutes=1) - SKEW).strftime(POSTER_TIME)
    assert latest == (NOW + SKEW).strftime(POSTER_TIME)


async def test_the_reading_stops_once_every_key_is_found() -> None:
    """Found in the first page of a day-long window: one call, not the whole day."""
    poster = FakePoster()
    since = NOW - timedelta(days=1)
    poster.add(since + timedelta(seconds=5), key="ord_1")
    for hour in range(1, 24):
        poster.add(since + timedelta(hours=hour))
    finder = lookup(poster)
    found = await finder.find(spot_id=1, key="ord_1", since=since, timezone=ZONE)
    assert len(found) == 1 and len(poster.pages) == 1


async def test_a_busy_window_is_read_in_pages_of_bounded_size() -> None:
    """About 17 orders a second for 20 minutes: pages shrink to stay near the target."""
    poster = FakePoster()
    since = NOW - timedelta(minutes=10)
    start = since - SKEW
    for n in range(20_000):
        poster.add(start + timedelta(seconds=n * 0.06))
    finder = lookup(poster)
    assert await finder.find(spot_id=1, key="ord_x", since=since, timezone=ZONE) == []
    sizes = [n for _from, _to, n in poster.pages]
    assert sum(sizes) >= 20_000 and len(sizes) > 10
    assert max(sizes[1:]) <= 2 * PAGE_TARGET + 100


async def test_look_ups_started_together_share_one_reading() -> None:
    """A worker retaking its jobs after a restart: sixteen look-ups, one listing."""
    poster = FakePoster()
    since = NOW - timedelta(minutes=2)
    for n in range(16):
        poster.add(since + timedelta(seconds=n), key=f"ord_{n}", spot_id=1 + n % 2)
    poster.add(since + timedelta(seconds=20), key="ord_0", spot_id=2)  # another spot's
    finder = lookup(poster)
    results: dict[int, list[PosterIncomingOrder]] = {}

    async def one(n: int) -> None:
        results[n] = await finder.find(
            spot_id=1 + n % 2, key=f"ord_{n}", since=since, timezone=ZONE
        )

    async with anyio.create_task_group() as tasks:
        for n in range(16):
            tasks.start_soon(one, n)
    assert finder.stats.readings == 1 and len(poster.pages) == 1
    for n in range(16):
        [order] = results[n]
        assert order.incoming_order_id == n + 1 and order.spot_id == 1 + n % 2


async def test_a_look_up_never_joins_a_reading_already_under_way() -> None:
    """Its answer could predate the ask: an order created meanwhile would be missed."""
    poster = FakePoster()
    poster.gate = anyio.Event()
    finder = lookup(poster)
    since = NOW - timedelta(minutes=1)
    answers: list[list[PosterIncomingOrder]] = []

    async def ask(key: str) -> None:
        answers.append(await finder.find(spot_id=1, key=key, since=since, timezone=ZONE))

    async with anyio.create_task_group() as tasks:
        tasks.start_soon(ask, "ord_1")
        await poster.entered.wait()  # the first reading is under way
        poster.entered = anyio.Event()
        poster.add(NOW - timedelta(seconds=1), key="ord_2")
        tasks.start_soon(ask, "ord_2")
        await poster.entered.wait()
        poster.gate.set()
    assert finder.stats.readings == 2
    assert sorted(len(a) for a in answers) == [0, 1]


async def test_duplicates_on_the_pages_read_are_all_returned_oldest_first() -> None:
    poster = FakePoster()
    poster.add(NOW - timedelta(seconds=50), key="dup")
    poster.add(NOW - timedelta(seconds=40), key="dup")
    found = await lookup(poster).find(
        spot_id=1, key="dup", since=NOW - timedelta(minutes=1), timezone=ZONE
    )
    assert [o.incoming_order_id for o in found] == [1, 2]


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        # The look-up that read raises the error itself, the two that waited a copy.
        (TransientError("Poster answered 503"), ["TransientError"] * 3),
        (PermanentError("reauth_required", "revoked"), ["PermanentError"] * 3),
        (RuntimeError("boom"), ["RuntimeError", "TransientError", "TransientError"]),
    ],
)
async def test_a_failed_reading_fails_every_look_up_that_shared_it(
    error: Exception, raised: list[str]
) -> None:
    poster = FakePoster()
    poster.error = error
    finder = lookup(poster)
    caught: list[Exception] = []

    async def one(key: str) -> None:
        try:
            await finder.find(spot_id=1, key=key, since=NOW, timezone=ZONE)
        except Exception as exc:
            caught.append(exc)

    async with anyio.create_task_group() as tasks:
        for key in ("a", "b", "c"):
            tasks.start_soon(one, key)
    assert sorted(type(e).__name__ for e in caught) == raised
    for exc in caught:
        if isinstance(exc, PermanentError):
            assert exc.code == "reauth_required"


def test_local_range_across_the_autumn_dst_change_keeps_every_wall_time() -> None:
    """Kyiv, 2026-10-25: 04:00 EEST becomes 03:00 EET at 01:00 UTC."""
    start = datetime(2026, 10, 25, 0, 55, tzinfo=UTC)  # 03:55 EEST
    end = datetime(2026, 10, 25, 1, 5, tzinfo=UTC)  # 03:05 EET
    date_from, date_to = local_range(start, end, "Europe/Kyiv")
    assert date_from <= "2026-10-25 03:02:00" <= date_to  # after the change
    assert date_from <= "2026-10-25 03:58:00" <= date_to  # before it
    assert (date_from, date_to) == ("2026-10-25 02:55:00", "2026-10-25 04:05:00")


def test_local_range_without_a_dst_change_is_exact() -> None:
    start = datetime(2026, 12, 6, 10, 0, tzinfo=UTC)
    date_from, date_to = local_range(start, start + timedelta(minutes=5), "Europe/Kyiv")
    assert (date_from, date_to) == ("2026-12-06 12:00:00", "2026-12-06 12:05:00")
