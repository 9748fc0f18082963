"""Who works at the account and on what: employees, registers (tablets), customer groups.

Part of the world of ``state`` (``Account`` holds them by id); persisted with it.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

# access.getEmployees' user_type → (role_id, role name, access mask). The reference
# lists the roles; the masks are its bit table (1 POS, 2 reports, 4 finance, 8 products,
# 16 inventory, 32 marketing, 64 access, 128 settings, 256 floor, 512 security).
ROLES: dict[int, tuple[int, str, int]] = {
    0: (2, "Waiter", 1),
    1: (3, "Administrator", 1 | 2 | 4 | 8 | 16 | 32 | 256),
    2: (1, "Marketer", 2 | 32),
    3: (4, "Storekeeper", 8 | 16),
    4: (5, "Floor section administrator", 1 | 256),
    50: (6, "Manager", 1 | 2 | 4 | 8 | 16 | 32 | 64 | 256),
    90: (7, "Owner", 1023),
}


class Employee(BaseModel):
    """A user of the account (waiter, administrator, owner …)."""

    user_id: int
    name: str
    user_type: int = 0
    last_in: str = "0000-00-00 00:00:00"
    pos_pass: str = ""
    login: str = ""
    # Only a hash is kept; the password itself is never stored nor answered.
    pass_hash: str = ""
    inn: str = ""
    name_for_fiscal: str = ""
    extras: dict[str, Any] = Field(default_factory=dict)
    deleted: bool = False

    @property
    def role(self) -> tuple[int, str, int]:
        return ROLES.get(self.user_type, ROLES[0])


class Tablet(BaseModel):
    """A register (``spot_tablet``) of a spot."""

    tablet_id: int
    tablet_name: str
    spot_id: int
    spot_code: str = ""
    extras: dict[str, Any] = Field(default_factory=dict)
    deleted: bool = False


class ClientGroup(BaseModel):
    """A customer group: points-based (``loyalty_type`` 1) or discount-based (2)."""

    client_groups_id: int
    client_groups_name: str
    loyalty_type: int = 2
    client_groups_discount: float = 0
    birthday_bonus: int = 0  # kopecks of points on the birthday
    extras: dict[str, Any] = Field(default_factory=dict)
    deleted: bool = False
