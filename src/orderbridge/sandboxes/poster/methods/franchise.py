"""franchise.*: a franchise's master account sees its franchisees' spots and a
customer's checks across all of them (the world's ``franchises``). Other accounts are
refused (error 54, access denied). Clients belong to the master; a franchisee's check
counts for the client whose id it carries.
"""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.methods.common import (
    MONTH,
    live,
    local_date,
    local_time,
    num,
    parse_date,
)
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_finance import Franchise


def _franchise(ctx: CallContext) -> Franchise:
    for franchise in ctx.world.franchises:
        if franchise.master == ctx.account.account:
            return franchise
    raise PosterError(54, "This account is not a franchise's master")


def get_spots(ctx: CallContext, params: Params) -> dict[str, list[dict[str, Any]]]:
    """franchise.getSpots: franchisee login → its live spots."""
    answer: dict[str, list[dict[str, Any]]] = {}
    for login in _franchise(ctx).franchisees:
        account = ctx.world.accounts.get(login)
        if account is None:
            continue
        answer[login] = [
            {"spot_id": s.spot_id, "name": s.spot_name, "address": s.spot_adress}
            for s in account.spots.values()
            if not s.deleted
        ]
    return answer


def _range(params: Params, today: date) -> tuple[date, date]:
    """date_from/date_to (Ymd). A day of "00" means the whole month: the reference's
    example asks for date_from=20170400 and answers April 1–30."""
    raw_from, raw_to = params.str("date_from"), params.str("date_to")
    month_end = None
    if raw_from and len(raw_from) == 8 and raw_from.endswith("00"):
        year, month = int(raw_from[:4]), int(raw_from[4:6])
        raw_from = f"{raw_from[:6]}01"
        month_end = date(year, month, calendar.monthrange(year, month)[1])
    date_to = parse_date(raw_to, "date_to", ("%Y%m%d",)) or month_end or today
    date_from = parse_date(raw_from, "date_from", ("%Y%m%d",)) or date_to - MONTH
    return date_from, date_to


def _checks(account: Account, client_id: int, first: date, last: date) -> list[dict[str, Any]]:
    found = []
    for tx in account.transactions.values():
        if tx.status != 2 or tx.client_id != client_id:
            continue
        if not first <= local_date(account, tx.date_close) <= last:
            continue
        found.append(
            {
                "franchise_id": int(account.account_number),
                "transaction_id": tx.transaction_id,
                "date_close": local_time(account, tx.date_close),
                "sum": num(tx.sum / 100),
                "bonus": 0,
                "bonus_payed": num(tx.payed_bonus / 100),
                "products": [
                    {
                        "product_id": p.product_id,
                        "modificator_id": p.modification_id,
                        "franchise_product_id": p.product_id,
                        "franchise_modification_id": p.modification_id,
                        "sum": num(p.product_sum / 100),
                    }
                    for p in tx.products
                ],
            }
        )
    return found


def get_transactions_by_client(ctx: CallContext, params: Params) -> dict[str, Any]:
    """franchise.getTransactionsByClientId: the customer's closed checks in every
    account of the franchise, newest first."""
    franchise = _franchise(ctx)
    client_id = params.req_int("client_id")
    live(ctx.account.clients, client_id, "client_id")
    first, last = _range(params, ctx.now().date())
    found: list[dict[str, Any]] = []
    for login in dict.fromkeys([franchise.master, *franchise.franchisees]):
        account = ctx.world.accounts.get(login)
        if account is not None:
            found += _checks(account, client_id, first, last)
    found.sort(key=lambda t: t["date_close"], reverse=True)
    return {
        "date_from": f"{first:%Y-%m-%d} 00:00:00",
        "date_to": f"{last:%Y-%m-%d} 23:59:59",
        "transactions_count": len(found),
        "transactions": found,
    }


METHODS: dict[str, Handler] = {
    "franchise.getSpots": get_spots,
    "franchise.getTransactionsByClientId": get_transactions_by_client,
}
