"""Money outside the checks: register shifts, finance accounts, categories, taxes.

A register shift (cash shift) is opened and closed at a spot; its transactions are the
opening and closing counts, incomes, expenses and safe drops. The cash sales of a
shift are the cash payments of checks closed at its spot while it was open, so the
shift reports follow the register. Finance transactions move money between accounts;
closing a shift books its cash takings to the spot's cash account.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

# finance shift transaction types
SHIFT_OPEN, SHIFT_INCOME, SHIFT_EXPENSE, SHIFT_DROP, SHIFT_CLOSE = 1, 2, 3, 4, 5


class CashShift(BaseModel):
    cash_shift_id: int
    spot_id: int
    timestart: int  # unix milliseconds
    timeend: int = 0  # 0 while open
    amount_start: int = 0  # kopecks
    amount_end: int = 0
    user_id_start: int = 1
    user_id_end: int = 0
    comment: str = ""


class ShiftTransaction(BaseModel):
    shift_tr_id: int
    shift_id: int
    time: int  # unix milliseconds
    type: int
    tr_amount: int  # kopecks
    user_id: int = 1
    comment: str = ""
    category_id: int = 0
    is_fiscal: int = 0
    shift_tr_id_edit: int = 0  # the transaction this one replaced by an edit
    user_id_edit: int = 0
    edit_time: int = 0
    edit: int = 0  # 1 once replaced by an edit
    deleted: bool = False


class FinanceAccount(BaseModel):
    """A money account: 1 non-cash, 2 bank card, 3 cash."""

    account_id: int
    name: str
    type: int = 3
    currency_id: int = 1
    balance_start: int = 0  # kopecks
    percent_acquiring: float = 0
    deleted: bool = False


class FinanceCategory(BaseModel):
    """A category of finance transactions; ``action`` marks the system ones."""

    category_id: int
    name: str
    parent_id: int = 0
    operations: int = 3  # 1 income, 2 expense, 3 both
    action: int = 0  # 1 transfers, 11 shifts, 12 supplies, 14 adjustment, 0 any
    deleted: bool = False


class FinanceTransaction(BaseModel):
    """A booking on one account; a transfer is two of them sharing ``group_id``."""

    transaction_id: int
    account_id: int
    user_id: int = 1
    category_id: int = 0
    type: int = 1  # 0 expense, 1 income
    amount: int  # kopecks, negative for an expense
    date: str
    recipient_type: int = 0
    recipient_id: int = 0
    binding_type: int = 0
    binding_id: int = 0
    comment: str = ""
    group_id: int = 0
    deleted: bool = False


class Tax(BaseModel):
    tax_id: int
    tax_name: str
    tax_value: float
    type: int = 1  # 1 sales tax, 2 turnover tax, 3 VAT, 4 none
    fiscal: int = 0
    fiscal_program: int = 0
    fixed: int = 0
    country: str = "UA"
    deleted: bool = False


class Franchise(BaseModel):
    """A franchise: the master account and its franchisees' accounts (logins)."""

    master: str
    franchisees: list[str] = Field(default_factory=list)


class PaymentService(BaseModel):
    """A payment service's application: its ``type`` key, secret and merchants.

    ``merchants`` maps the service's merchant id to the account it pays into.
    """

    type: str
    secret: str
    merchants: dict[str, str] = Field(default_factory=dict)
