"""The demo account's register shifts and bookings, around its seeded checks.

Each trading day of ``seed_history.DAYS`` has a shift per spot from 08:00 to 23:30,
closed with exactly the cash it should hold, so the books add up. Shift 333 (spot 1,
21 September 2017, 10:00–11:00, with its opening 1647 and closing 1648) and the open
shift 335 (spot 2) are the reference's examples', as are shift transaction 611 (an
expense) and finance transaction 600 (a transfer between accounts).
"""

from __future__ import annotations

from datetime import datetime

from orderbridge.sandboxes.poster import shifts
from orderbridge.sandboxes.poster.methods.common import to_millis, zone
from orderbridge.sandboxes.poster.state import Account
from orderbridge.sandboxes.poster.state_finance import SHIFT_EXPENSE, FinanceTransaction


def _ms(account: Account, local: str) -> int:
    return to_millis(account, local)


def seed_shifts(account: Account, days: list[str]) -> None:
    """Shifts for every trading day (``Y-m-d``), then the pinned ones and the bookings."""
    shift_id = 300
    for day in days:
        for spot_id in (1, 2):
            if day == "2017-09-21":
                # The reference's shifts: 333 at spot 1, and 335 at spot 2, still open.
                if spot_id == 1:
                    _pinned_333(account)
                else:
                    shifts.open_shift(
                        None, account, spot_id=2, user_id=3, amount=10_000,
                        time=_ms(account, "2017-09-21 08:30:00"), shift_id=335,
                    )  # fmt: skip
                continue
            while shift_id in (333, 335):  # the reference's, pinned above
                shift_id += 1
            start, end = _ms(account, f"{day} 08:00:00"), _ms(account, f"{day} 23:30:00")
            shift = shifts.open_shift(
                None, account, spot_id=spot_id, user_id=1, amount=100_000, time=start,
                shift_id=shift_id,
            )  # fmt: skip
            shift_id += 1
            shifts.close_shift(
                None,
                account,
                shift,
                user_id=1,
                amount=shifts.expected_cash(account, shift, end),
                time=end,
            )
    expense = account.cash_shifts[300]
    shifts.add_transaction(
        None, account, expense, SHIFT_EXPENSE, 49999, expense.timestart + 3_600_000,
        user_id=3, comment="Господарські товари", category_id=4, shift_tr_id=611,
    )  # fmt: skip
    account.bump_counter("cash_shift", max(account.cash_shifts))
    shifts.book(
        None,
        account,
        FinanceTransaction(
            transaction_id=600,
            account_id=1,
            user_id=4,
            category_id=1,
            type=0,
            amount=-100_000,
            date="2017-11-16 12:00:00",
            recipient_type=1,
            recipient_id=2,
            binding_type=1,
            comment="Переказ на рахунок ФОП",
            group_id=600,
        ),
    )
    shifts.book(
        None,
        account,
        FinanceTransaction(
            transaction_id=601,
            account_id=2,
            user_id=4,
            category_id=1,
            type=1,
            amount=90_000,
            date="2017-11-16 12:00:00",
            recipient_type=1,
            recipient_id=1,
            binding_type=1,
            comment="Переказ на рахунок ФОП",
            group_id=600,
        ),
    )


def _pinned_333(account: Account) -> None:
    tz = zone(account)
    start = int(datetime(2017, 9, 21, 10, 0, tzinfo=tz).timestamp() * 1000)
    shift = shifts.open_shift(
        None, account, spot_id=1, user_id=3, amount=10_000, time=start, shift_id=333,
        is_fiscal=1, tr_id=1647,
    )  # fmt: skip
    shifts.close_shift(
        None, account, shift, user_id=3, amount=shifts.expected_cash(account, shift, start),
        time=start + 3_600_000, comment="бар", tr_id=1648,
    )  # fmt: skip
