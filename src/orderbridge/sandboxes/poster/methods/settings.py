"""settings.*: the account's settings, every key the reference documents.

``currency_code`` is the currency as the register prints it ("грн."); clients that
need the ISO 4217 code read ``currency_code_iso`` ("UAH"), as the reference says.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.params import Params

# The flags of getAllSettings and their values for a new account (a café with tables,
# shifts and stock; no fiscal printer, taxes or multi-prices until switched on).
FLAGS: dict[str, int] = {
    "uses_tables": 1,
    "uses_cash_shifts": 1,
    "uses_taxes": 0,
    "uses_multiprice": 1,
    "uses_bookkeeping": 1,
    "uses_ipay": 0,
    "uses_manufacturing": 1,
    "uses_quick_waiter": 0,
    "uses_fiscality": 0,
    "print_fiscal_by_default": 0,
}
# What settings.changeSettings may change: the reference lists these five.
CHANGEABLE = ("uses_taxes", "uses_cash_shifts", "uses_fiscality", "print_fiscal_by_default")


def flag(ctx: CallContext, name: str) -> int:
    """A flag's value for the calling account."""
    return ctx.account.settings.flags.get(name, FLAGS[name])


def get_all_settings(ctx: CallContext, params: Params) -> dict[str, Any]:
    """settings.getAllSettings: the 24 keys of the reference, in its order and types."""
    s = ctx.account.settings
    flags = {name: s.flags.get(name, default) for name, default in FLAGS.items()}
    answer: dict[str, Any] = {
        "COMPANY_ID": ctx.account.account,
        "FIZ_ADRESS_CITY": s.city,
        "FIZ_ADRESS_PHONE": s.phone,
        "uses_tables": flags["uses_tables"],
        "uses_cash_shifts": flags["uses_cash_shifts"],
        "uses_taxes": flags["uses_taxes"],
        "uses_multiprice": flags["uses_multiprice"],
        "tip_amount": s.tip_amount,
        "uses_bookkeeping": flags["uses_bookkeeping"],
        "uses_ipay": flags["uses_ipay"],
        "uses_manufacturing": flags["uses_manufacturing"],
        "uses_quick_waiter": flags["uses_quick_waiter"],
        "company_name": s.company_name,
        "company_type": s.company_type,
        "timezones": s.timezone,
        "logo": s.logo,
        "lang": s.lang,
        "pos_phone": s.phone,
        "analytics_plus_time": s.analytics_plus_time,
        "uses_fiscality": flags["uses_fiscality"],
        "print_fiscal_by_default": flags["print_fiscal_by_default"],
        "currency": {
            "currency_id": s.currency_id,
            "currency_name": s.currency_name,
            "currency_code": s.currency_code,
            "currency_symbol": s.currency_symbol,
            "currency_code_iso": s.currency_code_iso,
        },
        "email": s.owner_email,
        "name": s.owner_name,
    }
    if s.extras:
        # application.setEntityExtras' "settings" entity: the reference says the
        # register reads them back from the settings.
        answer["extras"] = dict(s.extras)
    return answer


def change_settings(ctx: CallContext, params: Params) -> bool:
    """settings.changeSettings: flags (0 or 1) and the timezone; ``true`` when done."""
    changes: dict[str, int] = {}
    for name in CHANGEABLE:
        value = params.int(name)
        if value is None:
            continue
        if value not in (0, 1):
            raise PosterError(400, f"{name} must be 0 or 1", field=name)
        changes[name] = value
    timezone = params.str("timezones")
    if timezone is not None:
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise PosterError(400, f"Unknown time zone {timezone}", field="timezones") from None
    s = ctx.account.settings
    s.flags.update(changes)
    if timezone is not None:
        s.timezone = timezone
    ctx.emit("configs", 0, "changed")
    return True


METHODS: dict[str, Handler] = {
    "settings.getAllSettings": get_all_settings,
    "settings.changeSettings": change_settings,
}
