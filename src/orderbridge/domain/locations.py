"""Locations and whether they take orders: open, paused until a time, or closed by schedule.

Opening hours are wall-clock times in the location's own timezone: "09:00–18:00" means
nine in the morning in Kyiv in winter and in summer alike, so every check first turns
the moment into local time with :mod:`zoneinfo`, and daylight-saving changes need no
special case. An interval whose closing time is not after its opening time runs past
midnight ("18:00–02:00"); the hours after midnight belong to the day the interval
starts on, so a dated exception for Saturday does not cut Friday night short.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum, StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from orderbridge.domain.errors import (
    DuplicateIdError,
    InvalidValueError,
    UnknownTimezoneError,
    require_aware,
)
from orderbridge.domain.events import (
    DomainEvent,
    LocationBusyChanged,
    LocationScheduleChanged,
    LocationStatusChanged,
)
from orderbridge.domain.money import Money

LOOKAHEAD_DAYS = 14
"""How far ahead :meth:`WeeklySchedule.next_opening` looks before giving up."""


class Weekday(IntEnum):
    """Days of the week, numbered like :meth:`datetime.date.weekday` (Monday is 0)."""

    MONDAY = 0
    TUESDAY = 1
    WEDNESDAY = 2
    THURSDAY = 3
    FRIDAY = 4
    SATURDAY = 5
    SUNDAY = 6


@dataclass(frozen=True, slots=True)
class OpeningInterval:
    """Local opening hours within one business day, such as 09:00–18:00.

    ``closes`` at or before ``opens`` runs past midnight; equal times mean 24 hours.
    """

    opens: time
    closes: time

    def __post_init__(self) -> None:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise InvalidValueError("opening hours are local wall-clock times, without tzinfo")

    @property
    def overnight(self) -> bool:
        """True if the interval ends on the next calendar day."""
        return self.closes <= self.opens

    def covers_same_day(self, moment: time) -> bool:
        """True if a local time on the interval's own day falls inside it."""
        if self.overnight:
            return moment >= self.opens
        return self.opens <= moment < self.closes

    def covers_next_day(self, moment: time) -> bool:
        """True if a local time on the following day still falls inside it (after midnight)."""
        return self.overnight and moment < self.closes


@dataclass(frozen=True, slots=True)
class ScheduleException:
    """Different hours on one date: no ``intervals`` means closed all day (a holiday)."""

    day: date
    intervals: tuple[OpeningInterval, ...] = ()
    reason: str = ""


@dataclass(frozen=True)
class WeeklySchedule:
    """Regular opening hours per weekday, with dated exceptions taking precedence.

    A weekday missing from ``hours`` is a day off.
    """

    hours: Mapping[Weekday, Sequence[OpeningInterval]]
    exceptions: tuple[ScheduleException, ...] = ()
    _by_date: Mapping[date, ScheduleException] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        frozen = {Weekday(day): tuple(intervals) for day, intervals in self.hours.items()}
        object.__setattr__(self, "hours", MappingProxyType(frozen))
        by_date: dict[date, ScheduleException] = {}
        for exception in self.exceptions:
            if exception.day in by_date:
                raise DuplicateIdError(f"two schedule exceptions for {exception.day}")
            by_date[exception.day] = exception
        object.__setattr__(self, "_by_date", MappingProxyType(by_date))

    def intervals_on(self, day: date) -> tuple[OpeningInterval, ...]:
        """The hours of the business day ``day``: its exception's, else its weekday's."""
        exception = self._by_date.get(day)
        if exception is not None:
            return exception.intervals
        return tuple(self.hours.get(Weekday(day.weekday()), ()))

    def is_open_at(self, local: datetime) -> bool:
        """True if the location is open at ``local``, a moment in the location's timezone."""
        day, clock = local.date(), local.time()
        if any(i.covers_same_day(clock) for i in self.intervals_on(day)):
            return True
        yesterday = day - timedelta(days=1)
        return any(i.covers_next_day(clock) for i in self.intervals_on(yesterday))

    def next_closing(self, local: datetime) -> datetime | None:
        """The first closing after ``local`` (aware, in the location's zone), or None.

        Open now: when the current interval ends; closed now: when the next one ends.
        An interval of equal times (24 hours) closes a day after it opens.
        """
        zone = local.tzinfo
        closings: list[datetime] = []
        for offset in range(-1, LOOKAHEAD_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            for interval in self.intervals_on(day):
                end_day = day + timedelta(days=1) if interval.overnight else day
                closes = datetime.combine(end_day, interval.closes, zone)
                closes = closes.astimezone(UTC).astimezone(zone)
                if closes > local:
                    closings.append(closes)
            if closings and offset >= 0:
                return min(closings)
        return min(closings, default=None)

    def next_opening(self, local: datetime) -> datetime | None:
        """The first opening after ``local`` (aware, in the location's zone), or None."""
        zone = local.tzinfo
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = local.date() + timedelta(days=offset)
            for interval in sorted(self.intervals_on(day), key=lambda i: i.opens):
                # Normalising through UTC moves an opening inside a DST gap past the gap.
                opens = datetime.combine(day, interval.opens, zone).astimezone(UTC).astimezone(zone)
                if opens > local:
                    return opens
        return None


class LocationState(StrEnum):
    """What a storefront shows: taking orders, paused by the restaurant, or closed."""

    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Pause:
    """The restaurant stopped taking orders; ``until`` None waits for a manual resume."""

    reason: str = ""
    until: datetime | None = None

    def __post_init__(self) -> None:
        if self.until is not None:
            require_aware(self.until, "paused_until")

    def active_at(self, moment: datetime) -> bool:
        """True while the pause holds; it lifts itself at ``until``."""
        return self.until is None or moment < self.until


@dataclass(frozen=True, slots=True)
class Busy:
    """The kitchen is slow: every promised time moves ``extra_minutes`` later.

    ``until`` None lasts until it is ended (an automatic busy mode ends when the open
    orders drop again); ``source`` is ``"manual"`` (an operator) or ``"auto"``.
    """

    extra_minutes: int
    until: datetime | None = None
    source: str = "manual"

    def __post_init__(self) -> None:
        if not 1 <= self.extra_minutes <= MAX_BUSY_MINUTES:
            raise InvalidValueError(
                f"extra minutes must be 1..{MAX_BUSY_MINUTES}", field="extra_minutes"
            )
        if self.until is not None:
            require_aware(self.until, "until")
        if self.source not in ("manual", "auto"):
            raise InvalidValueError("busy mode is manual or auto", field="source")

    def active_at(self, moment: datetime) -> bool:
        """True while busy mode holds; it ends by itself at ``until``."""
        return self.until is None or moment < self.until


MAX_BUSY_MINUTES = 240


@dataclass(frozen=True, slots=True)
class LocationStatus:
    """A location's status at one moment, as the storefront API reports it."""

    state: LocationState
    paused_until: datetime | None = None
    reason: str = ""
    opens_at: datetime | None = None
    busy: Busy | None = None

    @property
    def takes_orders(self) -> bool:
        """True if an order placed now would be accepted on status grounds."""
        return self.state is LocationState.OPEN


class Location:
    """One restaurant: its timezone, currency, opening hours and any pause.

    Without a schedule a location is open around the clock. A closed schedule wins over
    a pause (a paused location is still reported closed at night), and a pause wins over
    an open schedule.
    """

    def __init__(
        self,
        *,
        id: str,
        name: str,
        timezone: str,
        currency: str,
        schedule: WeeklySchedule | None = None,
        pause: Pause | None = None,
        busy: Busy | None = None,
    ) -> None:
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise UnknownTimezoneError(f"unknown timezone {timezone!r}", field="timezone") from exc
        Money.zero(currency)  # validates the ISO code
        self.id = id
        self.name = name
        self.timezone = timezone
        self.currency = currency
        self.schedule = schedule
        self.pause_state = pause
        self.busy_state = busy
        self.events: list[DomainEvent] = []

    def local_time(self, moment: datetime) -> datetime:
        """``moment`` as a wall-clock time at the location."""
        return require_aware(moment, "moment").astimezone(self.zone)

    def status_at(self, moment: datetime) -> LocationStatus:
        """Open, paused or closed at ``moment``; an expired pause or busy mode no longer
        counts. ``busy`` is reported whatever the state, for the times promised."""
        local = self.local_time(moment)
        busy = self.busy_at(moment)
        if self.schedule is not None and not self.schedule.is_open_at(local):
            return LocationStatus(
                LocationState.CLOSED, opens_at=self.schedule.next_opening(local), busy=busy
            )
        pause = self.pause_state
        if pause is not None and pause.active_at(moment):
            return LocationStatus(
                LocationState.PAUSED, paused_until=pause.until, reason=pause.reason, busy=busy
            )
        return LocationStatus(LocationState.OPEN, busy=busy)

    def busy_at(self, moment: datetime) -> Busy | None:
        """The busy mode holding at ``moment``, or None."""
        busy = self.busy_state
        return busy if busy is not None and busy.active_at(moment) else None

    def next_open_at(self, moment: datetime) -> datetime | None:
        """When the opening hours next begin after ``moment`` (None: no schedule)."""
        if self.schedule is None:
            return None
        return self.schedule.next_opening(self.local_time(moment))

    def next_close_at(self, moment: datetime) -> datetime | None:
        """When the opening hours next end after ``moment`` (None: no schedule)."""
        if self.schedule is None:
            return None
        return self.schedule.next_closing(self.local_time(moment))

    def next_taking_orders(self, moment: datetime) -> datetime | None:
        """The first moment from ``moment`` on when the location is open and not paused;
        None if that is not within the schedule's lookahead (or a pause has no end)."""
        at = moment
        for _ in range(2 * LOOKAHEAD_DAYS + 2):
            status = self.status_at(at)
            if status.state is LocationState.OPEN:
                return at
            at_next = (
                status.opens_at if status.state is LocationState.CLOSED else status.paused_until
            )
            if at_next is None or at_next <= at:
                return None
            at = at_next
        return None

    def pause(self, at: datetime, *, reason: str = "", until: datetime | None = None) -> None:
        """Stop taking orders from ``at``, until ``until`` or until :meth:`resume`."""
        require_aware(at, "at")
        if until is not None and require_aware(until, "paused_until") <= at:
            raise InvalidValueError("a pause must end in the future", field="paused_until")
        self.pause_state = Pause(reason=reason, until=until)
        self.events.append(
            LocationStatusChanged(
                at=at, location_id=self.id, state="paused", paused_until=until, reason=reason
            )
        )

    def resume(self, at: datetime, reason: str = "resumed") -> bool:
        """Take orders again; returns False (and records nothing) if there was no pause."""
        require_aware(at, "at")
        if self.pause_state is None:
            return False
        self.pause_state = None
        self.events.append(
            LocationStatusChanged(at=at, location_id=self.id, state="open", reason=reason)
        )
        return True

    def expire_pause(self, now: datetime) -> bool:
        """Clear a pause whose ``until`` has passed, so channels hear of the automatic resume.

        :meth:`status_at` already ignores an expired pause; this makes the resume a
        stored fact with an event, for the scheduler that calls it.
        """
        pause = self.pause_state
        if pause is None or pause.active_at(require_aware(now, "now")):
            return False
        assert pause.until is not None  # an indefinite pause is always active
        return self.resume(pause.until, reason="pause expired")

    def set_schedule(self, schedule: WeeklySchedule | None, at: datetime) -> None:
        """Replace the opening hours; channels are told through the event."""
        self.schedule = schedule
        self.events.append(LocationScheduleChanged(at=at, location_id=self.id))

    def set_busy(
        self,
        at: datetime,
        *,
        extra_minutes: int,
        until: datetime | None = None,
        source: str = "manual",
    ) -> bool:
        """Promise times ``extra_minutes`` later from ``at`` until ``until`` (or an end).

        Returns False (and records nothing) when the same busy mode already holds.
        """
        require_aware(at, "at")
        if until is not None and require_aware(until, "until") <= at:
            raise InvalidValueError("busy mode must end in the future", field="until")
        busy = Busy(extra_minutes=extra_minutes, until=until, source=source)
        if self.busy_at(at) == busy:
            return False
        self.busy_state = busy
        self.events.append(LocationBusyChanged(at=at, location_id=self.id, busy=busy))
        return True

    def end_busy(self, at: datetime, reason: str = "ended") -> bool:
        """Back to the usual times; False (nothing recorded) if there was no busy mode."""
        require_aware(at, "at")
        if self.busy_state is None:
            return False
        self.busy_state = None
        self.events.append(LocationBusyChanged(at=at, location_id=self.id, reason=reason))
        return True

    def expire_busy(self, now: datetime) -> bool:
        """Clear a busy mode whose ``until`` has passed, as a stored fact with an event."""
        busy = self.busy_state
        if busy is None or busy.active_at(require_aware(now, "now")):
            return False
        assert busy.until is not None  # a busy mode without an end is always active
        return self.end_busy(busy.until, reason="busy mode expired")
