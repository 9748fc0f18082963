"""The demo account's past: checks rung up and closed on its registers, online orders
and reservations, register shifts and bookings, from April 2017 to March 2018.

Everything goes through the register's own operations (``checks``) on a clock set to
the moment it happened, so the history is exactly what the reports would have seen:
write-offs, customers' totals, shift takings. Ids the reference's examples use are
pinned: checks 76, 1949, 1950 (open), 25221, 330660, 384956, 384960, 388678 and 428929
(open, reservation 4's); the open checks at table 41 that payments.* finds; incoming
order 1 and reservations 3 and 4; register shifts 333 and 335 (open); shift
transactions 611, 1647 and 1648; finance transaction 600. The rest is generated from
a fixed seed, so every start builds the same past.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from orderbridge.sandboxes.poster import checks
from orderbridge.sandboxes.poster.context import CallContext
from orderbridge.sandboxes.poster.menu_ops import price_at
from orderbridge.sandboxes.poster.seed_shifts import seed_shifts
from orderbridge.sandboxes.poster.state import (
    Account,
    IncomingOrder,
    IncomingOrderProduct,
    Transaction,
    World,
)

# Days with trade, local time; each gets a handful of generated checks per spot.
DAYS = [
    "2017-04-12", "2017-04-25", "2017-05-23", "2017-06-03", "2017-08-14", "2017-08-31",
    "2017-09-05", "2017-09-06", "2017-09-20", "2017-09-21", "2017-09-22", "2017-10-09",
    "2017-10-10", "2017-10-11", "2017-10-12", "2017-10-26", "2017-11-14", "2017-11-20",
    "2017-11-29", "2017-11-30", "2018-02-17", "2018-03-22",
]  # fmt: skip
_POOL = [113, 114, 115, 117, 60, 58, 48, 161, 162, 163, 164, 200, 204, 140, 142, 150, 151,
         168, 169, 170, 171, 180, 181, 193, 220, 175, 176, 178, 82]  # fmt: skip
_WAITERS = [1, 2, 6]
_NOWHERE = World()
_CLIENTS = [0, 0, 0, 0, 4, 38, 54, 55, 68, 7]


@dataclass
class _Line:
    product_id: int
    num: float = 1
    modification_id: int = 0
    modification: list[dict[str, int]] | None = None


class _Past(CallContext):
    """A context on a fixed moment that announces nothing: the past sends no webhooks."""

    def emit(self, *args: Any, **kwargs: Any) -> None:
        return None


def _ctx(account: Account, when: datetime) -> CallContext:
    return _Past(_NOWHERE, account, None, lambda: when)


def _at(account: Account, local: str) -> datetime:
    """A local ``Y-m-d H:i:s`` time, milliseconds allowed (``…:41.849``)."""
    return datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(account.settings.timezone))


def _ring(
    account: Account,
    *,
    tx_id: int,
    opened: str,
    lines: list[_Line],
    closed: str | None = None,
    spot_id: int = 1,
    table_id: int = 1,
    user_id: int = 1,
    client_id: int = 0,
    guests: int = 2,
    card: bool = False,
    pay: Callable[[Transaction], dict[str, int]] | None = None,
) -> Transaction:
    """Open a check at ``opened``, ring up ``lines`` and close it at ``closed``."""
    account.counters["transaction"] = tx_id - 1
    start = _at(account, opened)
    ctx = _ctx(account, start)
    tx = checks.open_check(
        ctx,
        spot_id=spot_id,
        table_id=table_id,
        user_id=user_id,
        guests_count=guests,
        tablet_id=spot_id,
        client_id=client_id,
    )
    for n, line in enumerate(lines):
        product = account.products[line.product_id]
        price = price_at(product, spot_id, line.modification_id or None) or 0
        for group in product.group_modifications:
            for mod in group.modifications:
                for pick in line.modification or []:
                    if pick["m"] == mod.dish_modification_id:
                        price += mod.price * pick["a"]
        checks.add_line(
            _ctx(account, start + timedelta(seconds=2 + n)),
            tx,
            product_id=line.product_id,
            price=price,
            num=line.num,
            modification_id=line.modification_id,
            modification=line.modification,
        )
    if closed is not None:
        payment = pay(tx) if pay else ({"payed_card": tx.sum, "payed_cash": 0} if card else {})
        checks.close(_ctx(account, _at(account, closed)), tx, **payment)
    return tx


def _dish_pick(account: Account, product_id: int, rng: random.Random) -> _Line:
    product = account.products[product_id]
    picks = []
    for group in product.group_modifications:
        if group.num_min or rng.random() < 0.3:
            mod = rng.choice(group.modifications)
            picks.append({"m": mod.dish_modification_id, "a": 1})
    line = _Line(product_id, num=rng.choice((1, 1, 1, 2)), modification=picks or None)
    if product.modifications:
        line.modification_id = rng.choice(product.modifications).modificator_id
    elif picks:
        line.modification_id = picks[0]["m"]
    return line


# transactions.getTransactions' example pages through 41 checks closed on this day.
BUSY_DAY = "2017-11-30"


def _generated(account: Account) -> None:
    rng = random.Random(687409)
    tx_id = 400000
    for day in DAYS:
        for spot_id in (1, 2):
            count = 21 if day == BUSY_DAY else rng.randint(2, 5)
            # Open from 09:00; the busy day's last check closes before 16:00.
            step = (6 * 60) // count if day == BUSY_DAY else (12 * 60) // count
            for n in range(count):
                minute = 9 * 60 + n * step + rng.randint(0, step // 3)
                opened = f"{day} {minute // 60:02d}:{minute % 60:02d}:{rng.randint(0, 59):02d}"
                closed = (_at(account, opened) + timedelta(minutes=rng.randint(10, step))).strftime(
                    "%Y-%m-%d %H:%M:%S"
                )
                tables = [t.table_id for t in account.tables.values() if t.spot_id == spot_id]
                picks = rng.sample(_POOL, rng.randint(1, 4))
                client = rng.choice(_CLIENTS)
                _ring(
                    account,
                    tx_id=tx_id,
                    opened=opened,
                    closed=closed,
                    lines=[_dish_pick(account, pid, rng) for pid in picks],
                    spot_id=spot_id,
                    table_id=rng.choice(tables) if tables else 0,
                    user_id=rng.choice(_WAITERS),
                    client_id=client if client in account.clients else 0,
                    guests=rng.randint(1, 4),
                    card=rng.random() < 0.35,
                )
                tx_id += 1


def _pinned(account: Account) -> None:
    _ring(
        account,
        tx_id=330660,
        opened="2018-02-17 16:10:40",
        closed="2018-02-17 16:10:46",
        lines=[_Line(162), _Line(161)],
        table_id=4,
    )
    _ring(
        account,
        tx_id=384956,
        opened="2017-09-05 23:00:01",
        closed="2017-09-05 23:00:02",
        lines=[_Line(168, 2), _Line(114, 3)],
        table_id=2,
        user_id=2,
        guests=5,
    )
    _ring(
        account,
        tx_id=384960,
        opened="2017-09-05 23:00:02",
        closed="2017-09-05 23:00:03",
        lines=[_Line(169, 3), _Line(113, 4)],
        table_id=1,
        guests=4,
    )
    _ring(
        account,
        tx_id=388678,
        opened="2017-10-11 09:31:47",
        closed="2017-10-11 09:32:00",
        lines=[
            _Line(
                168,
                modification=[{"m": _first_mod(account, 168), "a": 1}],
                modification_id=_first_mod(account, 168),
            ),
            _Line(169),
            _Line(908, modification_id=68),
        ],
        table_id=3,
        guests=3,
    )
    _ring(
        account,
        tx_id=25221,
        opened="2017-11-30 13:20:00",
        closed="2017-11-30 13:48:09",
        lines=[_Line(113, 2)],
        client_id=68,
        user_id=2,
        card=True,
    )
    _ring(
        account,
        tx_id=76,
        opened="2017-04-12 12:00:00",
        closed="2017-04-12 12:25:00",
        lines=[_Line(82, modification=[{"m": 22, "a": 1}], modification_id=22)],
        client_id=4,
    )
    _ring(
        account,
        tx_id=77,
        opened="2017-04-25 17:40:00",
        closed="2017-04-25 17:58:50",
        lines=[
            _Line(
                193,
                modification=[{"m": _first_mod(account, 193), "a": 1}],
                modification_id=_first_mod(account, 193),
            ),
            _Line(150, 2),
        ],
        client_id=4,
        spot_id=2,
        table_id=10,
    )
    # Incoming order 1 (accepted) and its check 1949.
    order = IncomingOrder(
        incoming_order_id=1, spot_id=1, status=1, client_id=0, first_name="Антон",
        last_name="Талишкін", phone="79630313844", email="contact@joinposter.com", sex=1,
        birthday="1986-11-23", address="вул. Малишева, 3", comment="",
        created_at="2017-10-26 14:58:02", updated_at="2017-10-26 15:25:17",
        products=[IncomingOrderProduct(io_product_id=1, product_id=113, incoming_order_id=1,
                                       created_at="2017-10-26 14:58:02")],
    )  # fmt: skip
    account.incoming_orders[1] = order
    check = _ring(
        account,
        tx_id=1949,
        opened="2017-10-26 15:25:17",
        closed="2017-10-26 15:40:00",
        lines=[_Line(113)],
        guests=1,
    )
    check.incoming_order_id, order.transaction_id = 1, 1949
    # The open check the transactions.* examples work on.
    _ring(
        account,
        tx_id=1950,
        opened="2017-10-24 16:04:01",
        lines=[_Line(113), _Line(112, modification=[{"m": 19, "a": 1}], modification_id=19)],
        user_id=3,
    )
    # Reservations 3 (new) and 4 (accepted: check 428929 at table 1).
    for order_id, status, first, last, phone, created, updated in (
        (3, 0, "Степан", "Созонов", "380912152764", "2018-03-22 16:50:18", "2018-03-22 16:50:18"),
        (4, 1, "Владимир", "Иванченко", "380684111264", "2018-03-22 17:02:41",
         "2018-03-22 17:02:52"),
    ):  # fmt: skip
        account.incoming_orders[order_id] = IncomingOrder(
            incoming_order_id=order_id, type=2, spot_id=1, status=status, client_id=4985,
            first_name=first, last_name=last, phone=phone, sex=2, birthday="1996-08-26",
            address="вул. Московська, 9", comment="Підготувати вазу для квітів",
            created_at=created, updated_at=updated, table_id=1, guests_count=1,
            date_reservation="2018-03-22 18:20:00", duration=2000,
        )  # fmt: skip
    reserved = _ring(account, tx_id=428929, opened="2018-03-22 17:02:52", lines=[], guests=1)
    reserved.incoming_order_id, account.incoming_orders[4].transaction_id = 4, 428929
    account.bump_counter("incoming_order", 4)
    account.bump_counter("incoming_order_product", 1)
    # Open checks at table 41, one paid through a payment service (payments.*).
    for tx_id, opened, lines in (
        (30100, "2016-09-16 10:47:41.849", [_Line(170), _Line(162)]),
        (30139, "2017-01-12 17:02:50.643", [_Line(170), _Line(171), _Line(926)]),
        (30946, "2017-01-25 12:58:58.799", [_Line(168)]),
    ):
        _ring(account, tx_id=tx_id, opened=opened, lines=lines, spot_id=2, table_id=41)


def _first_mod(account: Account, product_id: int) -> int:
    product = account.products[product_id]
    return product.group_modifications[0].modifications[0].dish_modification_id


def seed_history(account: Account) -> None:
    """The demo account's past (see the module docstring); the café menu must be in."""
    _pinned(account)
    _generated(account)
    account.counters["transaction"] = max(account.transactions)
    seed_shifts(account, DAYS)
