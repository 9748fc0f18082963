"""settings.*: account settings (currency, timezone)."""

from __future__ import annotations

from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.params import Params


def get_all_settings(ctx: CallContext, params: Params) -> dict[str, Any]:
    """settings.getAllSettings."""
    s = ctx.account.settings
    return {
        "company_name": s.company_name,
        "currency": {"currency_code": s.currency_code, "currency_symbol": s.currency_symbol},
        "timezone": s.timezone,
        "lang": s.lang,
    }


METHODS: dict[str, Handler] = {
    "settings.getAllSettings": get_all_settings,
}
