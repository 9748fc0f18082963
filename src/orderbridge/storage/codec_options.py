"""A location's ordering options, POS facts and busy mode as stored, and back.

Options look like::

    {"lead_time_minutes": 30, "prep_time_minutes": 20, "auto_busy_threshold": null,
     "auto_busy_minutes": 20, "charge_products": {"delivery_fee": "501"},
     "promotions": {"SUMMER": "3"}}

Null (a location that never had them set) reads as the defaults; so does any key left
out, so options written by an older version keep working.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from orderbridge.domain.location_options import OrderingOptions, PosFacts, TableInfo
from orderbridge.domain.locations import Busy
from orderbridge.domain.order_money import ChargeKind
from orderbridge.domain.timing import DEFAULT_LEAD_TIME, DEFAULT_PREP_TIME, TimingSettings
from orderbridge.storage.codec_fields import (
    Fields,
    JSONDict,
    domain_errors,
    optional_moment_to_json,
)


def _minutes(value: timedelta) -> int:
    return int(value.total_seconds() // 60)


def options_to_json(options: OrderingOptions) -> JSONDict:
    """Every option, defaults included (see the module docstring)."""
    return {
        "lead_time_minutes": _minutes(options.timing.lead_time),
        "prep_time_minutes": _minutes(options.timing.prep_time),
        "auto_busy_threshold": options.auto_busy_threshold,
        "auto_busy_minutes": options.auto_busy_minutes,
        "charge_products": {kind.value: ref for kind, ref in options.charge_products.items()},
        "promotions": dict(options.promotions),
    }


def options_from_json(data: object) -> OrderingOptions:
    """Options written by :func:`options_to_json`; None gives the defaults."""
    if data is None:
        return OrderingOptions()
    fields = Fields(data, "options")
    raw: dict[str, Any] = dict(data) if isinstance(data, dict) else {}
    lead = _optional_int(fields, raw, "lead_time_minutes", _minutes(DEFAULT_LEAD_TIME))
    prep = _optional_int(fields, raw, "prep_time_minutes", _minutes(DEFAULT_PREP_TIME))
    threshold = (
        None if raw.get("auto_busy_threshold") is None else fields.integer("auto_busy_threshold")
    )
    auto_minutes = _optional_int(fields, raw, "auto_busy_minutes", 20)
    products = fields.refs("charge_products")
    promotions = fields.refs("promotions")
    with domain_errors(fields.path):
        return OrderingOptions(
            timing=TimingSettings(
                lead_time=timedelta(minutes=lead), prep_time=timedelta(minutes=prep)
            ),
            auto_busy_threshold=threshold,
            auto_busy_minutes=auto_minutes,
            charge_products={ChargeKind(kind): ref for kind, ref in products.items()},
            promotions=promotions,
        )


def _optional_int(fields: Fields, raw: dict[str, Any], key: str, default: int) -> int:
    return default if raw.get(key) is None else fields.integer(key)


def facts_to_json(facts: PosFacts) -> JSONDict:
    """What the POS said of the place."""
    return {
        "currency": facts.currency,
        "storages": list(facts.storages),
        "tables": [{"id": t.id, "name": t.name, "seats": t.seats} for t in facts.tables],
        "requires_phone": facts.requires_phone,
        "requires_table": facts.requires_table,
        "fetched_at": optional_moment_to_json(facts.fetched_at),
    }


def facts_from_json(data: object) -> PosFacts:
    """Facts written by :func:`facts_to_json`; None gives empty facts (not asked yet)."""
    if data is None:
        return PosFacts()
    fields = Fields(data, "pos_facts")
    tables = tuple(
        TableInfo(
            id=table.text("id"),
            name=table.text("name", default=""),
            seats=None if table.optional_number("seats") is None else table.integer("seats"),
        )
        for table in fields.objects("tables")
    )
    return PosFacts(
        currency=fields.optional_text("currency"),
        storages=tuple(str(s) for s in fields.array("storages")),
        tables=tables,
        requires_phone=fields.flag("requires_phone", default=False),
        requires_table=fields.flag("requires_table", default=False),
        fetched_at=fields.optional_moment("fetched_at"),
    )


def busy_from_columns(minutes: int | None, until: Any, source: str) -> Busy | None:
    """The busy mode of a ``locations`` row (``busy_minutes`` null: none)."""
    if not minutes:
        return None
    return Busy(extra_minutes=minutes, until=until, source=source or "manual")
