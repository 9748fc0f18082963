"""Finding the hub's orders at Poster by their marker, cheaply, after an uncertain try.

After a crash or a timeout the hub cannot know whether its create reached Poster, so
the next try looks for the order's marker ``[ob:<key>]`` among the application's own
incoming orders (or reservations). Poster's list methods take only ``date_from`` and
``date_to`` (``Y-m-d H:i:s``, the account's local time) and answer everything in
between, with no paging of their own, so an unbounded look-up of a busy account reads
tens of thousands of orders per uncertain order. Here instead:

- **A narrow window.** The order can only have been created at Poster after its first
  try began (``since``) and before now: the window is that, plus ``SKEW`` on both
  sides for the two clocks (both are NTP-synchronised services; minutes of margin,
  not hours). Local times are computed with the spot's time zone, and a window that
  crosses a DST change is widened by the change, so no wall-clock time is missed.
- **Paged by time.** The window is read slice by slice, from the first try to now,
  then the two margins; a slice that answers many orders makes the next one shorter,
  a quiet one the next one longer (``MIN_STEP`` … ``MAX_STEP``), so a page stays near
  ``PAGE_TARGET`` orders and the memory a look-up holds is bounded by a page, not by
  the account's history. The reading stops as soon as every key asked for is found.
- **One listing for a batch.** Look-ups of one kind and time zone that start within
  ``GATHER_SECONDS`` of each other (a worker retaking its jobs after a restart starts
  them together) share one reading: each page is matched against all of their keys.
  A look-up joins only a reading that has not started yet, so every look-up sees
  Poster as it is after the look-up was asked (never an answer older than the ask).
  A reading covers the union of its look-ups' windows: one old order in a batch (an
  operator's replay of last week's order) makes the batch read that week too, in
  pages that grow while they are quiet.

Every page read is matched against every key of the batch, found or not, so a
duplicate (two orders with one marker, from an earlier bug) is reported when both are
on the pages read before the reading stopped.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import anyio

from orderbridge.connectors.poster.mapping_orders import POSTER_TIME, marker
from orderbridge.connectors.poster.schemas import PosterIncomingOrder
from orderbridge.ports import PermanentError, TransientError

SKEW = timedelta(minutes=5)
MIN_STEP = timedelta(seconds=15)
FIRST_STEP = timedelta(minutes=2)
MAX_STEP = timedelta(days=1)
PAGE_TARGET = 500
GATHER_SECONDS = 0.05
_MARKER = re.compile(r"\[ob:[^\[\]\s]+\]")

# date_from, date_to (Poster's local "Y-m-d H:i:s") → that page of orders
ListPage = Callable[[str, str], Awaitable[Sequence[PosterIncomingOrder]]]
Clock = Callable[[], datetime]


def _utcnow() -> datetime:
    return datetime.now(UTC)


def local_range(start: datetime, end: datetime, timezone: str) -> tuple[str, str]:
    """``date_from``/``date_to`` covering every wall-clock time of ``[start, end]``.

    Across a DST change local times jump (spring) or repeat (autumn); widening both
    ends by the change keeps the range ordered and every time of the span inside it.
    """
    zone = ZoneInfo(timezone)
    first, last = start.astimezone(zone), end.astimezone(zone)
    shift = abs((first.utcoffset() or timedelta()) - (last.utcoffset() or timedelta()))
    return (
        (start - shift).astimezone(zone).strftime(POSTER_TIME),
        (end + shift).astimezone(zone).strftime(POSTER_TIME),
    )


@dataclass
class _Ask:
    spot_id: int
    marker: str
    since: datetime
    found: list[PosterIncomingOrder] = field(default_factory=list)


@dataclass
class _Reading:
    asks: list[_Ask] = field(default_factory=list)
    done: anyio.Event = field(default_factory=anyio.Event)
    error: BaseException | None = None


@dataclass
class LookupStats:
    """What look-ups cost so far (for benchmarks and the tests)."""

    readings: int = 0
    pages: int = 0
    orders_read: int = 0


class MarkerLookup:
    """Look-ups of one Poster list method (orders or reservations) of one account."""

    def __init__(self, list_page: ListPage, *, clock: Clock = _utcnow) -> None:
        self._list_page = list_page
        self._clock = clock
        # The reading still gathering, by (thread, time zone): one event loop per thread,
        # and a look-up waits only on a reading of its own loop.
        self._open: dict[tuple[int, str], _Reading] = {}
        self.stats = LookupStats()

    async def find(
        self, *, spot_id: int, key: str, since: datetime, timezone: str
    ) -> list[PosterIncomingOrder]:
        """The orders at ``spot_id`` carrying ``key``'s marker created since ``since``
        (give or take ``SKEW``), oldest first; empty if there are none."""
        ask = _Ask(spot_id, marker(key), since)
        lane = (threading.get_ident(), timezone)
        reading = self._open.get(lane)
        if reading is not None:
            reading.asks.append(ask)
            await reading.done.wait()
            if reading.error is not None:
                raise _shared(reading.error)
            return ask.found
        reading = self._open[lane] = _Reading([ask])
        try:
            await anyio.sleep(GATHER_SECONDS)
            del self._open[lane]  # from here on, new look-ups start a reading of their own
            await self._read(reading.asks, timezone)
        except BaseException as error:
            reading.error = error
            raise
        finally:
            if self._open.get(lane) is reading:
                del self._open[lane]
            reading.done.set()
        return ask.found

    async def _read(self, asks: list[_Ask], timezone: str) -> None:
        """Read the union of the asks' windows page by page until all are found."""
        self.stats.readings += 1
        now, since = self._clock(), min(ask.since for ask in asks)
        by_marker: dict[str, list[_Ask]] = {}
        for ask in asks:
            by_marker.setdefault(ask.marker, []).append(ask)
        pending = {ask.marker for ask in asks}  # markers some ask has not found yet
        seen: set[int] = set()
        step = FIRST_STEP
        # Where the creates happened by the hub's clock first, then the clocks' margins.
        for start, end in ((since, now), (since - SKEW, since), (max(since, now), now + SKEW)):
            cursor = start
            while pending and cursor < end:
                upto = min(cursor + step, end)
                page = await self._list_page(*local_range(cursor, upto, timezone))
                self.stats.pages += 1
                self.stats.orders_read += len(page)
                for order in page:
                    if order.incoming_order_id in seen or not order.comment:
                        continue
                    seen.add(order.incoming_order_id)  # bounds are inclusive: pages overlap
                    for text in _MARKER.findall(str(order.comment)):
                        for ask in by_marker.get(text, ()):
                            if ask.spot_id == order.spot_id:
                                ask.found.append(order)
                pending = {text for text in pending if not all(a.found for a in by_marker[text])}
                cursor = upto
                if len(page) > 2 * PAGE_TARGET:
                    step = max(step / 2, MIN_STEP)
                elif len(page) < PAGE_TARGET // 2:
                    step = min(step * 2, MAX_STEP)
        for ask in asks:
            ask.found.sort(key=lambda o: o.incoming_order_id)


def _shared(error: BaseException) -> Exception:
    """The error of a shared reading, as each look-up that waited on it raises it."""
    if isinstance(error, PermanentError):
        return PermanentError(error.code, error.reason)
    if isinstance(error, TransientError):
        return TransientError(str(error), retry_after=error.retry_after)
    return TransientError(f"the look-up by marker failed: {type(error).__name__}")
