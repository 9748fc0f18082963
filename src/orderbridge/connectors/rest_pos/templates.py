"""Request templates: how a manifest writes the hub's values into a POS's request.

A template is TOML data whose strings may hold expressions, ``{{ name.path | filter }}``:

* a string that is exactly one expression becomes that value with its JSON type
  (``qty = "{{ line.quantity }}"`` sends a number; a missing value sends ``null``);
* a string with text around expressions becomes text (``"Order {{ order.id }}"``);
* a table with ``"$each" = "order.lines"`` becomes a list, one element per line, the
  rest of the table being the element's template, with the line named by ``"$as"``
  (default ``item``);
* everything else is sent as written.

Names come from :data:`~orderbridge.connectors.rest_pos.canonical.VOCABULARY`; money is
written in the manifest's money format and times as ISO 8601 with their offset, unless
a filter says otherwise. Filters are a closed list (:data:`FILTERS`): nothing in a
manifest is code.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from orderbridge.domain.money import Money

EXPRESSION = re.compile(r"\{\{(.*?)\}\}")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
EACH, AS = "$each", "$as"
MONEY_FORMATS = ("minor_units", "decimal_string", "decimal_number")
FILTERS = {
    "map": "map:NAME — the value through the manifest's [values.NAME] table",
    "default": "default:TEXT — TEXT when the value is missing",
    "string": "the value as text",
    "integer": "the value as a whole number",
    "upper": "text in upper case",
    "lower": "text in lower case",
    "utc": "a time as ISO 8601 in UTC (2026-11-22T16:30:00Z)",
    "local": "a time as ISO 8601 local to the location, without offset",
    "date": "a time's local date (2026-11-22)",
    "unix": "a time as seconds since 1970",
    "unix_ms": "a time as milliseconds since 1970",
    "minor_units": "money as whole minor units (18900)",
    "decimal_string": 'money as a decimal string ("189.00")',
    "decimal_number": "money as a decimal number (189.0)",
}
_WITH_ARGUMENT = frozenset({"map", "default"})


class TemplateError(ValueError):
    """A template that cannot be used; ``where`` is the key path inside the template."""

    def __init__(self, where: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.where = where


class RenderError(ValueError):
    """A value the template cannot write (a status with no entry in a value map)."""


@dataclass(frozen=True)
class Expression:
    """``{{ path | filter:arg }}`` parsed."""

    path: tuple[str, ...]
    filters: tuple[tuple[str, str | None], ...]


def parse_expression(text: str) -> Expression:
    """Parse the inside of ``{{ … }}``; ``ValueError`` says what is wrong."""
    parts = [p.strip() for p in text.split("|")]
    path = tuple(parts[0].split(".")) if parts[0] else ()
    if not path or not all(_NAME.match(p) for p in path):
        raise ValueError(f"{{{{{text}}}}}: expected a name like order.customer.name")
    filters = []
    for part in parts[1:]:
        name, _, argument = part.partition(":")
        name = name.strip()
        if name not in FILTERS:
            raise ValueError(f"unknown filter {name!r}{_suggest(name, FILTERS)}")
        if (name in _WITH_ARGUMENT) != bool(argument.strip()):
            raise ValueError(f"filter {name!r}: {FILTERS[name]}")
        filters.append((name, argument.strip() or None))
    return Expression(path, tuple(filters))


def _suggest(word: str, choices: Any) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


# Checking offline ---------------------------------------------------------------------


def check(
    template: Any, names: Mapping[str, Any], *, maps: Mapping[str, Any]
) -> Iterator[TemplateError]:
    """Every problem of ``template`` given the ``names`` it may use (a vocabulary shape)
    and the manifest's value ``maps``."""
    yield from _check(template, dict(names), maps, ())


def _check(
    template: Any, names: dict[str, Any], maps: Mapping[str, Any], where: tuple[str | int, ...]
) -> Iterator[TemplateError]:
    if isinstance(template, str):
        for match in EXPRESSION.finditer(template):
            try:
                expression = parse_expression(match.group(1))
                _resolve(expression.path, names)
            except ValueError as exc:
                yield TemplateError(where, str(exc))
                continue
            for name, argument in expression.filters:
                if name == "map" and argument not in maps:
                    yield TemplateError(where, f"no [values.{argument}] table for map:{argument}")
    elif isinstance(template, list):
        for n, element in enumerate(template):
            yield from _check(element, names, maps, (*where, n))
    elif isinstance(template, dict):
        if EACH in template:
            try:
                shape = _resolve(tuple(str(template[EACH]).split(".")), names)
            except ValueError as exc:
                yield TemplateError((*where, EACH), str(exc))
                return
            if not isinstance(shape, list):
                yield TemplateError((*where, EACH), f"{template[EACH]} is not a list")
                return
            alias = str(template.get(AS, "item"))
            if not _NAME.match(alias):
                yield TemplateError((*where, AS), f"{alias!r} is not a name")
                return
            inner = {k: v for k, v in template.items() if k not in (EACH, AS)}
            yield from _check(inner, {**names, alias: shape[0]}, maps, where)
            return
        for key, value in template.items():
            yield from _check(value, names, maps, (*where, key))


def _resolve(path: tuple[str, ...], names: Mapping[str, Any]) -> Any:
    shape: Any = names
    for depth, step in enumerate(path):
        if isinstance(shape, list):
            joined = ".".join(path[:depth])
            raise ValueError(f'{joined} is a list: repeat over it with "$each" = {joined!r}')
        if not isinstance(shape, dict):
            raise ValueError(f"{'.'.join(path[:depth])} has no field {step!r}")
        if step not in shape:
            known = ".".join(path[:depth]) or "the names here"
            raise ValueError(
                f"unknown name {'.'.join(path[: depth + 1])!r} in {known}{_suggest(step, shape)}"
            )
        shape = shape[step]
    return shape


# Rendering ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Style:
    """How values are written: the manifest's money format, value maps, the location's
    time zone (for ``local`` and ``date``)."""

    money: str = "minor_units"
    maps: Mapping[str, Mapping[str, Any]] | None = None
    timezone: str = "UTC"


def render(template: Any, values: Mapping[str, Any], style: Style) -> Any:
    """``template`` with its expressions replaced by ``values`` (see the module doc)."""
    if isinstance(template, str):
        whole = EXPRESSION.fullmatch(template.strip())
        if whole:
            return _json(_evaluate(whole.group(1), values, style), style)
        return EXPRESSION.sub(
            lambda m: _text(_evaluate(m.group(1), values, style), style), template
        )
    if isinstance(template, list):
        return [render(element, values, style) for element in template]
    if isinstance(template, dict):
        if EACH in template:
            alias = str(template.get(AS, "item"))
            inner = {k: v for k, v in template.items() if k not in (EACH, AS)}
            source = _lookup(tuple(str(template[EACH]).split(".")), values) or []
            return [render(inner, {**values, alias: element}, style) for element in source]
        return {key: render(value, values, style) for key, value in template.items()}
    return template


def _lookup(path: tuple[str, ...], values: Mapping[str, Any]) -> Any:
    value: Any = values
    for step in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


def _evaluate(text: str, values: Mapping[str, Any], style: Style) -> Any:
    expression = parse_expression(text)
    value = _lookup(expression.path, values)
    for name, argument in expression.filters:
        value = _filter(name, argument, value, style)
    return value


def _filter(name: str, argument: str | None, value: Any, style: Style) -> Any:
    if name == "default":
        return argument if value is None or value == "" else value
    if value is None:
        return None
    if name == "map":
        table = (style.maps or {}).get(argument or "", {})
        key = str(value).lower() if isinstance(value, bool) else str(value)
        if key not in table:
            raise RenderError(f"[values.{argument}] has no entry for {key!r}")
        return table[key]
    if isinstance(value, Money) and name in MONEY_FORMATS:
        return _money(value, name)
    if isinstance(value, datetime) and name in ("utc", "local", "date", "unix", "unix_ms"):
        return _time(value, name, style)
    if name == "string":
        return _text(value, style)
    if name == "integer":
        return int(value.amount if isinstance(value, Money) else value)
    if name in ("upper", "lower"):
        text = _text(value, style)
        return text.upper() if name == "upper" else text.lower()
    raise RenderError(f"filter {name!r} does not apply to {type(value).__name__}")


def _money(value: Money, style: str) -> Any:
    if style == "minor_units":
        return value.amount
    decimal = value.to_decimal()
    return str(decimal) if style == "decimal_string" else float(decimal)


def _time(value: datetime, name: str, style: Style) -> Any:
    if name == "utc":
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if name == "unix":
        return int(value.timestamp())
    if name == "unix_ms":
        return int(value.timestamp() * 1000)
    local = value.astimezone(ZoneInfo(style.timezone))
    return local.date().isoformat() if name == "date" else local.replace(tzinfo=None).isoformat()


def _json(value: Any, style: Style) -> Any:
    if isinstance(value, Money):
        return _money(value, style.money)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _text(value: Any, style: Style) -> str:
    value = _json(value, style)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
