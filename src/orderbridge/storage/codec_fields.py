"""The building blocks of the storage codec: plain JSON values and a checked reader.

Every document the codec writes holds only ``str``, ``int``, ``float``, ``bool``,
``None``, lists and objects, so it goes into a JSON column (``JSON`` on SQLite,
``JSONB`` on PostgreSQL) and comes back unchanged. Two value types need a spelling:

* a moment is an ISO-8601 string with its UTC offset, ``"2026-11-22T12:00:00+02:00"``;
  the offset the domain gave is kept, and a string without one is refused on the way
  back, because a naive moment is off by a whole timezone;
* money is ``{"amount": 19000, "currency": "UAH"}``, minor units as an integer.

Reading is where data can be wrong (a hand-edited row, a bug in an older release), so
:class:`Fields` wraps one JSON object with the path that leads to it and raises
``ValueError`` naming that path, ``"order.lines[1].quantity: expected an integer, got
str"``, instead of letting a ``KeyError`` or a domain error escape. A key the domain
model gives a default may be missing (rows written before the field existed decode
with the default); keys nobody reads are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from typing import Any, TypeVar

from orderbridge.domain.errors import DomainError
from orderbridge.domain.money import Money

JSONDict = dict[str, Any]
"""A JSON object as the codec writes it: str keys, JSON-ready values only."""

E = TypeVar("E", bound=Enum)


def moment_to_json(value: datetime) -> str:
    """An aware datetime as ISO-8601 with its offset."""
    return value.isoformat()


def optional_moment_to_json(value: datetime | None) -> str | None:
    """Like :func:`moment_to_json`, passing None through."""
    return None if value is None else value.isoformat()


def money_to_json(value: Money) -> JSONDict:
    """Money as ``{"amount": <minor units>, "currency": <ISO 4217>}``."""
    return {"amount": value.amount, "currency": value.currency}


def _kind(value: object) -> str:
    """The JSON name of a value's type, for error messages."""
    names = {bool: "boolean", int: "integer", float: "number", str: "string"}
    if value is None:
        return "null"
    if isinstance(value, list):
        return "array"
    if isinstance(value, Mapping):
        return "object"
    return names.get(type(value), type(value).__name__)


@contextmanager
def domain_errors(path: str) -> Iterator[None]:
    """Turn a :class:`DomainError` raised while rebuilding an object into ``ValueError``.

    The stored data broke an invariant of the model (a delivery without an address),
    which for the storage layer is corrupt input like any other.
    """
    try:
        yield
    except DomainError as exc:
        raise ValueError(f"{path}: {exc.message}") from exc


class Fields:
    """One JSON object being decoded, and the path that names it in error messages."""

    __slots__ = ("_data", "path")

    def __init__(self, value: object, path: str) -> None:
        if not isinstance(value, Mapping):
            raise ValueError(f"{path}: expected an object, got {_kind(value)}")
        self._data: Mapping[str, Any] = value
        self.path = path

    def names(self) -> list[str]:
        """The object's keys, in document order."""
        return list(self._data)

    def at(self, key: str) -> str:
        """The path of one key, for messages about it."""
        return f"{self.path}.{key}"

    def _typed(self, key: str, types: tuple[type, ...], what: str, *, required: bool) -> Any:
        if key not in self._data:
            if required:
                raise ValueError(f"{self.at(key)}: missing")
            return None
        value = self._data[key]
        # bool is an int subclass; a JSON true is never a quantity.
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            raise ValueError(f"{self.at(key)}: expected {what}, got {_kind(value)}")
        return value

    def text(self, key: str, default: str | None = None) -> str:
        """A required string, or ``default`` when the key is missing and a default is given."""
        if key not in self._data and default is not None:
            return default
        value: str = self._typed(key, (str,), "a string", required=True)
        return value

    def optional_text(self, key: str) -> str | None:
        """A string or null; missing reads as None."""
        if self._data.get(key) is None:
            return None
        return self.text(key)

    def integer(self, key: str) -> int:
        """A required integer (``true`` is not one)."""
        value: int = self._typed(key, (int,), "an integer", required=True)
        return value

    def number(self, key: str) -> float:
        """A required number, integer or not."""
        value: float = self._typed(key, (int, float), "a number", required=True)
        return value

    def optional_number(self, key: str) -> float | None:
        """A number or null as a float; missing reads as None."""
        if self._data.get(key) is None:
            return None
        return float(self.number(key))

    def flag(self, key: str, default: bool | None = None) -> bool:
        """A required boolean, or ``default`` when the key is missing and a default is given."""
        if key not in self._data and default is not None:
            return default
        value: bool = self._typed(key, (bool,), "a boolean", required=True)
        return value

    def moment(self, key: str) -> datetime:
        """A required ISO-8601 moment with an offset."""
        raw = self.text(key)
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise ValueError(f"{self.at(key)}: not an ISO-8601 datetime: {raw!r}") from None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{self.at(key)}: datetime without a UTC offset: {raw!r}")
        return value

    def optional_moment(self, key: str) -> datetime | None:
        """A moment or null; missing reads as None."""
        if self._data.get(key) is None:
            return None
        return self.moment(key)

    def money(self, key: str) -> Money:
        """A required ``{"amount", "currency"}`` object."""
        fields = self.obj(key)
        amount, currency = fields.integer("amount"), fields.text("currency")
        with domain_errors(fields.path):
            return Money(amount, currency)

    def optional_money(self, key: str) -> Money | None:
        """Money or null; missing reads as None."""
        if self._data.get(key) is None:
            return None
        return self.money(key)

    def choice(self, key: str, enum: type[E], default: E | None = None) -> E:
        """A required string naming a member of ``enum`` by value."""
        if key not in self._data and default is not None:
            return default
        raw = self.text(key)
        try:
            return enum(raw)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in enum)
            raise ValueError(f"{self.at(key)}: {raw!r} is not one of {allowed}") from None

    def obj(self, key: str) -> Fields:
        """A required nested object."""
        if key not in self._data:
            raise ValueError(f"{self.at(key)}: missing")
        return Fields(self._data[key], self.at(key))

    def optional_obj(self, key: str) -> Fields | None:
        """A nested object or null; missing reads as None."""
        if self._data.get(key) is None:
            return None
        return self.obj(key)

    def objects(self, key: str, *, required: bool = False) -> list[Fields]:
        """A list of objects; a missing list is empty unless ``required``."""
        return [Fields(v, f"{self.at(key)}[{n}]") for n, v in enumerate(self.array(key, required))]

    def array(self, key: str, required: bool = False) -> list[Any]:
        """A JSON array; a missing one is empty unless ``required``."""
        value = self._typed(key, (list,), "an array", required=required)
        return [] if value is None else list(value)

    def refs(self, key: str = "refs") -> dict[str, str]:
        """An object of string to string, such as external references; missing is empty."""
        nested = self.optional_obj(key)
        if nested is None:
            return {}
        return {name: nested.text(name) for name in nested.names()}
