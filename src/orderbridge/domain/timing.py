"""When an order is wanted, and when the hub sends it: times a restaurant can keep.

A customer may ask for "as soon as possible" (no time) or for a time of their choice.
:func:`plan_order_time` turns that into a :class:`TimePlan`, or a problem to refuse:

- a time in the past (beyond a minute of clock skew) is refused, and so is one more than
  :data:`~orderbridge.domain.locations.LOOKAHEAD_DAYS` ahead;
- a time outside the opening hours is refused; both refusals name the next open slot;
- a time later than the location's lead time is *scheduled*: the hub holds the order
  and sends it to the POS at ``time − lead time`` — even if the store is closed or
  paused now, as long as it takes orders by then (a pre-order for tomorrow morning);
- anything else goes to the POS at once, and so the store must take orders now.

The promised time is when the customer can expect the order: the time asked for, but
never earlier than now plus the preparation time plus any busy mode's extra minutes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from orderbridge.domain.errors import InvalidValueError, require_aware
from orderbridge.domain.locations import LOOKAHEAD_DAYS, Location, LocationState, LocationStatus

CLOCK_SKEW = timedelta(minutes=1)
"""How far in the past a requested time may be and still count as "now"."""
DEFAULT_LEAD_TIME = timedelta(minutes=30)
DEFAULT_PREP_TIME = timedelta(minutes=20)
MAX_LEAD_MINUTES = 24 * 60


@dataclass(frozen=True, slots=True)
class TimingSettings:
    """A location's times: how long before the wanted time the POS must have the order
    (``lead_time``) and how long an order takes to prepare (``prep_time``)."""

    lead_time: timedelta = DEFAULT_LEAD_TIME
    prep_time: timedelta = DEFAULT_PREP_TIME

    def __post_init__(self) -> None:
        for name in ("lead_time", "prep_time"):
            value: timedelta = getattr(self, name)
            if not timedelta(0) <= value <= timedelta(minutes=MAX_LEAD_MINUTES):
                raise InvalidValueError(f"{name} must be 0..{MAX_LEAD_MINUTES} minutes", field=name)


def prep_minutes(settings: TimingSettings, status: LocationStatus) -> int:
    """The minutes an order takes now: the preparation time plus busy mode's extra."""
    extra = status.busy.extra_minutes if status.busy else 0
    return int(settings.prep_time.total_seconds() // 60) + extra


@dataclass(frozen=True, slots=True)
class TimePlan:
    """What to do with an order's time.

    ``release_at`` None sends it now; otherwise the hub holds it until then.
    ``status`` is the location's status that the order is judged by (now, or at the
    release); ``promised_at`` is when the customer can expect it.
    """

    release_at: datetime | None
    status: LocationStatus
    promised_at: datetime

    @property
    def scheduled(self) -> bool:
        """True when the order waits in the hub before it goes to the POS."""
        return self.release_at is not None


@dataclass(frozen=True, slots=True)
class TimeProblem:
    """Why a requested time cannot be kept; ``message`` names the next open slot."""

    message: str


def promised_time(
    location: Location, requested: datetime | None, *, now: datetime, settings: TimingSettings
) -> datetime:
    """When the customer can expect the order: not before now + prep + busy minutes."""
    busy = location.busy_at(now)
    extra = timedelta(minutes=busy.extra_minutes) if busy else timedelta(0)
    earliest = now + settings.prep_time + extra
    return earliest if requested is None or requested < earliest else requested


def plan_order_time(
    location: Location, requested: datetime | None, *, now: datetime, settings: TimingSettings
) -> TimePlan | TimeProblem:
    """A :class:`TimePlan` for an order wanted at ``requested`` (None: as soon as possible),
    or the :class:`TimeProblem` to refuse it with (see the module docstring)."""
    require_aware(now, "now")
    promised = promised_time(location, requested, now=now, settings=settings)
    if requested is None:
        return TimePlan(None, location.status_at(now), promised)
    require_aware(requested, "fulfillment.time")
    if requested < now - CLOCK_SKEW:
        return TimeProblem(f"{_show(location, requested)} has passed; {_next_slot(location, now)}")
    if requested > now + timedelta(days=LOOKAHEAD_DAYS):
        return TimeProblem(f"orders are taken at most {LOOKAHEAD_DAYS} days ahead")
    wanted = location.status_at(requested)
    if wanted.state is LocationState.CLOSED:
        return TimeProblem(
            f"{_show(location, requested)} is outside the opening hours; "
            f"{_next_slot(location, requested)}"
        )
    release = requested - settings.lead_time
    if release <= now:
        return TimePlan(None, location.status_at(now), promised)
    opens = location.next_taking_orders(release)
    if opens is None or opens > requested:
        # Paused without an end, or past the wanted time: judged as the pause stands now.
        return TimePlan(None, location.status_at(now), promised)
    return TimePlan(opens, location.status_at(opens), promised)


def _show(location: Location, moment: datetime) -> str:
    return location.local_time(moment).strftime("%Y-%m-%d %H:%M")


def _next_slot(location: Location, moment: datetime) -> str:
    slot = location.next_taking_orders(moment)
    if slot is None:
        return "no open slot in the next two weeks"
    return f"the next open slot is {location.local_time(slot).isoformat(timespec='minutes')}"


def check_reservation_time(
    location: Location, time: datetime, *, now: datetime
) -> TimeProblem | None:
    """Why a table cannot be booked for ``time`` (past, too far ahead, outside the
    hours; each naming the next open slot), or None. A pause does not refuse a booking:
    it stops orders, not guests coming later."""
    if time < now - CLOCK_SKEW:
        return TimeProblem(f"{_show(location, time)} has passed; {_next_hours(location, now)}")
    if time > now + timedelta(days=LOOKAHEAD_DAYS * 26):  # bookings run further ahead
        return TimeProblem("tables are booked at most a year ahead")
    if location.schedule is not None and not location.schedule.is_open_at(
        location.local_time(time)
    ):
        return TimeProblem(
            f"{_show(location, time)} is outside the opening hours; {_next_hours(location, time)}"
        )
    return None


def _next_hours(location: Location, moment: datetime) -> str:
    if location.schedule is None or location.schedule.is_open_at(location.local_time(moment)):
        return f"the next open slot is {location.local_time(moment).isoformat(timespec='minutes')}"
    opens = location.next_open_at(moment)
    if opens is None:
        return "no open slot in the next two weeks"
    return f"the next open slot is {location.local_time(opens).isoformat(timespec='minutes')}"
