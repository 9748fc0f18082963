"""What many sections share: finding entities by id, reading dates and flags, writing
numbers the way Poster's answers write them.

The not-found convention is one for the whole API: a parameter that names an entity
which does not exist (or was removed) is error 32, "The ID doesn't exist", naming the
parameter, whatever the shape of the method's answer. A filter that matches nothing
(``clients.getClients`` by a phone nobody has) is an empty list, not an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from orderbridge.sandboxes.poster.errors import PosterError, not_found
from orderbridge.sandboxes.poster.params import Params, to_float
from orderbridge.sandboxes.poster.state import POSTER_TIME, Account


class Removable(Protocol):
    deleted: bool


E = TypeVar("E", bound=Removable)


def live(entities: Mapping[int, E], entity_id: int, field: str) -> E:
    """The entity ``entity_id`` if it exists and is not removed; error 32 otherwise."""
    found = entities.get(entity_id)
    if found is None or found.deleted:
        raise not_found(field, entity_id)
    return found


def required_id(params: Params, *names: str) -> tuple[str, int]:
    """The first of ``names`` that came (the reference sometimes renames a parameter
    between its table and its example), with its value; error 34 naming the first."""
    for name in names:
        value = params.int(name)
        if value is not None:
            return name, value
    raise PosterError(34, f"Field {names[0]} is required", field=names[0])


def flag01(params: Params, key: str, default: int) -> int:
    """A 0/1 parameter; anything else is error 400."""
    value = params.int(key, default)
    if value not in (0, 1):
        raise PosterError(400, f"{key} must be 0 or 1", field=key)
    assert value is not None
    return value


def truthy(params: Params, key: str) -> bool:
    """A PHP-style boolean flag: ``true``/``1`` as form text, or a JSON true/1."""
    value = params.raw(key)
    if isinstance(value, str):
        return value.strip().lower() in {"true", "1"}
    return bool(value) and not isinstance(value, dict | list)


def employee_name(account: Account, user_id: int) -> str:
    """An employee's name (a waiter's, a storekeeper's); "" for nobody."""
    found = account.employees.get(user_id)
    return found.name if found else ""


# Dates -----------------------------------------------------------------------------

MONTH = timedelta(days=30)


def zone(account: Account) -> ZoneInfo:
    return ZoneInfo(account.settings.timezone)


def to_millis(account: Account, moment: datetime | str) -> int:
    """A local ``Y-m-d H:i:s`` (or an aware datetime) as unix milliseconds."""
    if isinstance(moment, str):
        moment = datetime.strptime(moment, POSTER_TIME).replace(tzinfo=zone(account))
    return int(moment.timestamp() * 1000)


def local_time(account: Account, millis: int) -> str:
    """Unix milliseconds as ``Y-m-d H:i:s`` in the account's timezone."""
    return datetime.fromtimestamp(millis / 1000, zone(account)).strftime(POSTER_TIME)


def local_date(account: Account, millis: int) -> date:
    return datetime.fromtimestamp(millis / 1000, zone(account)).date()


def parse_date(value: str | None, field: str, formats: tuple[str, ...]) -> date | None:
    """A date in one of ``formats`` (``%Y%m%d``, ``%Y-%m-%d`` …); error 400 otherwise."""
    if value is None:
        return None
    for fmt in formats:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise PosterError(400, f"{field} must be a date ({formats[0]})", field=field)


YMD = ("%Y%m%d", "%Y-%m-%d")
DASHED = ("%Y-%m-%d", "%Y%m%d")


def period(
    ctx_now: datetime,
    params: Params,
    names: tuple[str, str] = ("dateFrom", "dateTo"),
    formats: tuple[str, ...] = YMD,
) -> tuple[date, date]:
    """A report's inclusive date range: ``dateTo`` defaults to today, ``dateFrom`` to
    a month before ``dateTo``, as the reference's report methods say."""
    today = ctx_now.date()
    date_to = parse_date(params.str(names[1]), names[1], formats) or today
    date_from = parse_date(params.str(names[0]), names[0], formats) or date_to - MONTH
    if date_from > date_to:
        raise PosterError(400, f"{names[0]} is after {names[1]}", field=names[0])
    return date_from, date_to


def millis_range(account: Account, first: date, last: date) -> tuple[int, int]:
    """Unix milliseconds from the start of ``first`` to the end of ``last`` (local)."""
    tz = zone(account)
    start = datetime.combine(first, time.min, tz)
    end = datetime.combine(last + timedelta(days=1), time.min, tz)
    return int(start.timestamp() * 1000), int(end.timestamp() * 1000) - 1


def parse_minutes(value: str | None, field: str) -> datetime | None:
    """A ``Y-m-d H:i`` time (finance's shifts), seconds allowed; error 400 otherwise."""
    if value is None:
        return None
    for fmt in ("%Y-%m-%d %H:%M", POSTER_TIME):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    raise PosterError(400, f"{field} must be in Y-m-d H:i format", field=field)


# Numbers as Poster writes them -----------------------------------------------------


def num(value: float) -> int | float:
    """``30`` for whole numbers, ``0.5`` else (Poster's JSON numbers)."""
    return int(value) if float(value).is_integer() else value


def num_str(value: float) -> str:
    """A quantity as a string: ``"1"``, ``"0.5"``."""
    return str(num(round(value, 5)))


def decimals(value: float, places: int) -> str:
    """A MySQL DECIMAL column as PHP hands it over: ``"3.00000"``, ``"171.0000"``."""
    return f"{value:.{places}f}"


def hryvnias(kopecks: float) -> float:
    """Kopecks as a JSON number of hryvnias (``2750`` → ``27.5``)."""
    return round(kopecks / 100, 2)


def to_kopecks(value: Any, field: str) -> int:
    """An amount sent in hryvnias (``123.45``) as kopecks."""
    return round(to_float(value, field) * 100)
