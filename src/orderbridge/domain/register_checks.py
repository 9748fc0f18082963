"""A check made at the register (not through the hub), as the POS reports it.

Some channels mirror the restaurant's register orders (Wix's "import POS orders"):
the hub reads the closed check from the POS and creates the order in the channel. The
POS's wire format stays in its connector; this is what the channel needs: the lines
with the hub's item ids, quantities, the prices the register charged, and whether
the check is closed and paid.
"""

from __future__ import annotations

from dataclasses import dataclass

from orderbridge.domain.money import Money


@dataclass(frozen=True, slots=True)
class RegisterCheckLine:
    """One product on the check: the hub's item (and variant) id, how many, and the
    unit price the register charged (discounts included); ``details`` names what the
    POS says was chosen beyond the variant (dish modifiers), for people to read."""

    item_id: str
    quantity: int
    unit_price: Money
    variant_id: str | None = None
    details: str = ""


@dataclass(frozen=True, slots=True)
class RegisterCheck:
    """A check at one POS place (``place_id``: the Poster spot)."""

    check_id: str
    place_id: str
    closed: bool
    lines: tuple[RegisterCheckLine, ...]
    total: Money
    paid: Money
    comment: str = ""

    @property
    def fully_paid(self) -> bool:
        return self.total.amount > 0 and self.paid >= self.total
