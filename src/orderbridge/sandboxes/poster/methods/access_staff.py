"""access.*Employee* and access.*Tablet*: the account's staff and its registers.

Employees answer with numbers (the reference's getEmployees example), registers with
strings (getTablets'). A password is kept only as a hash and never answered.
"""

from __future__ import annotations

import hashlib
from typing import Any

from orderbridge.sandboxes.poster.context import CallContext, Handler
from orderbridge.sandboxes.poster.errors import PosterError, missing
from orderbridge.sandboxes.poster.methods.common import live
from orderbridge.sandboxes.poster.params import Params
from orderbridge.sandboxes.poster.state_people import Employee, Tablet

# The roles access.createEmployee may give (the owner and managers are made in the
# back office, not through the API).
CREATABLE_TYPES = (0, 2, 3, 4)


def employee_view(employee: Employee) -> dict[str, Any]:
    role_id, role_name, mask = employee.role
    return {
        "user_id": employee.user_id,
        "name": employee.name,
        "user_type": employee.user_type,
        "role_id": role_id,
        "role_name": role_name,
        "access_mask": mask,
        "last_in": employee.last_in,
    }


def get_employees(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """access.getEmployees: every live employee."""
    return [employee_view(e) for e in ctx.account.employees.values() if not e.deleted]


def _employee_fields(ctx: CallContext, params: Params, current: Employee | None) -> dict[str, Any]:
    name = (params.str("name") or (current.name if current else "")).strip()
    if not name:
        raise missing("name")
    user_type = params.int("user_type", current.user_type if current else None)
    if user_type is None:
        raise missing("user_type")
    if user_type not in CREATABLE_TYPES and (current is None or user_type != current.user_type):
        raise PosterError(400, "user_type must be 0, 2, 3 or 4", field="user_type")
    login = params.str("login", current.login if current else "") or ""
    if login and any(
        e.login == login and not e.deleted and e is not current
        for e in ctx.account.employees.values()
    ):
        raise PosterError(38, f"Login {login} is taken", field="login")
    fields: dict[str, Any] = {
        "name": name,
        "user_type": user_type,
        "login": login,
        "pos_pass": params.str("pos_pass", current.pos_pass if current else "") or "",
        "inn": params.str("inn", current.inn if current else "") or "",
        "name_for_fiscal": params.str("name_for_fiscal", current.name_for_fiscal if current else "")
        or "",
    }
    password = params.str("pass")
    if password:
        fields["pass_hash"] = hashlib.sha256(password.encode()).hexdigest()
    return fields


def create_employee(ctx: CallContext, params: Params) -> int:
    """access.createEmployee: the new employee's id."""
    fields = _employee_fields(ctx, params, None)
    user_id = ctx.account.next_id("employee")
    ctx.account.employees[user_id] = Employee(user_id=user_id, **fields)
    return user_id


def update_employee(ctx: CallContext, params: Params) -> int:
    """access.updateEmployee: changes what was sent; answers the employee's id."""
    employee = live(ctx.account.employees, params.req_int("user_id"), "user_id")
    for key, value in _employee_fields(ctx, params, employee).items():
        setattr(employee, key, value)
    return employee.user_id


def tablet_view(tablet: Tablet) -> dict[str, Any]:
    return {
        "tablet_id": str(tablet.tablet_id),
        "tablet_name": tablet.tablet_name,
        "spot_id": str(tablet.spot_id),
    }


def get_tablets(ctx: CallContext, params: Params) -> list[dict[str, Any]]:
    """access.getTablets: every live register."""
    return [tablet_view(t) for t in ctx.account.tablets.values() if not t.deleted]


def _tablet_fields(ctx: CallContext, params: Params, current: Tablet | None) -> dict[str, Any]:
    spot_id = params.int("spot_id", current.spot_id if current else None)
    if spot_id is None:
        raise missing("spot_id")
    live(ctx.account.spots, spot_id, "spot_id")
    name = (params.str("spot_tablet_name") or (current.tablet_name if current else "")).strip()
    if not name:
        raise missing("spot_tablet_name")
    code = params.str("spot_code", current.spot_code if current else "") or ""
    return {"spot_id": spot_id, "tablet_name": name, "spot_code": code}


def create_tablet(ctx: CallContext, params: Params) -> int:
    """access.createTablet: the new register's id."""
    fields = _tablet_fields(ctx, params, None)
    tablet_id = ctx.account.next_id("tablet")
    ctx.account.tablets[tablet_id] = Tablet(tablet_id=tablet_id, **fields)
    return tablet_id


def update_tablet(ctx: CallContext, params: Params) -> int:
    """access.updateTablet: answers the register's id."""
    tablet = live(ctx.account.tablets, params.req_int("spot_tablet_id"), "spot_tablet_id")
    for key, value in _tablet_fields(ctx, params, tablet).items():
        setattr(tablet, key, value)
    return tablet.tablet_id


def remove_tablet(ctx: CallContext, params: Params) -> bool:
    """access.removeTablet: ``true`` once removed."""
    tablet = live(ctx.account.tablets, params.req_int("spot_tablet_id"), "spot_tablet_id")
    tablet.deleted = True
    return True


METHODS: dict[str, Handler] = {
    "access.getEmployees": get_employees,
    "access.createEmployee": create_employee,
    "access.updateEmployee": update_employee,
    "access.getTablets": get_tablets,
    "access.createTablet": create_tablet,
    "access.updateTablet": update_tablet,
    "access.removeTablet": remove_tablet,
}
