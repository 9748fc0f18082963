"""Creating a ticket from an API request, as Countertop validates and prices it.

Countertop prices tickets from its own catalog (the price a client sends is checked
for form, not trusted), refuses what it cannot sell (an unknown SKU, a sold-out size,
an add-on that is not the product's, a pick outside a group's limits), and keeps the
client's ``reference`` without deduplicating by it, as most POS APIs do: a client that
retries blindly gets two tickets, which is what the hub's lookup is for.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from orderbridge.sandboxes.rest_pos.errors import invalid
from orderbridge.sandboxes.rest_pos.state import (
    Guest,
    Product,
    Store,
    TicketAddon,
    TicketLine,
    money,
)

SERVICE_TYPES = ("TAKEAWAY", "DELIVERY", "EAT_IN")


def _text(value: Any, param: str, *, limit: int = 500) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise invalid("invalid_string", f"{param} must be a string of at most {limit}", param)
    return value


def _amount(value: Any, param: str) -> Decimal:
    if not isinstance(value, str):
        raise invalid("invalid_amount", f'{param} must be a decimal string like "189.00"', param)
    try:
        amount = Decimal(value)
    except InvalidOperation:
        raise invalid("invalid_amount", f"{param} is not a decimal amount", param) from None
    if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
        raise invalid("invalid_amount", f"{param} needs at most two decimals", param)
    return amount


def _count(value: Any, param: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 999:
        raise invalid("invalid_quantity", f"{param} must be a whole number 1..999", param)
    return value


def guest(value: Any) -> Guest:
    if value is None:
        return Guest()
    if not isinstance(value, dict):
        raise invalid("invalid_object", "guest must be an object", "guest")
    return Guest(
        name=_text(value.get("name"), "guest.name", limit=120),
        phone=_text(value.get("phone"), "guest.phone", limit=32),
        email=_text(value.get("email"), "guest.email", limit=254),
    )


def lines(store: Store, value: Any) -> list[TicketLine]:
    """The ticket's lines, priced from the store's catalog."""
    if not isinstance(value, list) or not value:
        raise invalid("lines_required", "a ticket needs at least one line", "lines")
    return [_line(store, raw, f"lines[{n}]") for n, raw in enumerate(value)]


def _line(store: Store, raw: Any, at: str) -> TicketLine:
    if not isinstance(raw, dict):
        raise invalid("invalid_object", f"{at} must be an object", at)
    sku = raw.get("sku")
    product = store.products.get(sku) if isinstance(sku, str) else None
    if product is None or not product.visible:
        raise invalid("unknown_sku", f"{store.displayName} sells no {sku!r}", f"{at}.sku")
    if product.soldOut:
        raise invalid("sold_out", f"{product.title} is sold out", f"{at}.sku")
    quantity = _count(raw.get("quantity"), f"{at}.quantity")
    if raw.get("unitPrice") is not None:
        _amount(raw["unitPrice"], f"{at}.unitPrice")
    price = Decimal(product.price)
    size_code = raw.get("sizeCode")
    if product.sizes:
        size = product.size(size_code) if isinstance(size_code, str) else None
        if size is None:
            raise invalid(
                "size_required", f"{product.title}: pick one of its sizes", f"{at}.sizeCode"
            )
        if size.soldOut:
            raise invalid("sold_out", f"{product.title} {size.label} is sold out", f"{at}.sizeCode")
        price = Decimal(size.price)
    elif size_code is not None:
        raise invalid("unknown_size", f"{product.title} has no sizes", f"{at}.sizeCode")
    addons = _addons(product, raw.get("addons") or [], at)
    each = price + sum((Decimal(a.price) * a.quantity for a in addons), Decimal(0))
    return TicketLine(
        sku=product.sku,
        title=product.title,
        sizeCode=size_code if product.sizes else None,
        quantity=quantity,
        unitPrice=money(price),
        addons=addons,
        note=_text(raw.get("note"), f"{at}.note", limit=200) or "",
        lineTotal=money(each * quantity),
    )


def _addons(product: Product, raw: Any, at: str) -> list[TicketAddon]:
    if not isinstance(raw, list):
        raise invalid("invalid_array", f"{at}.addons must be a list", f"{at}.addons")
    picked: list[TicketAddon] = []
    for n, entry in enumerate(raw):
        where = f"{at}.addons[{n}]"
        addon_id = entry.get("id") if isinstance(entry, dict) else None
        addon = product.addon(addon_id) if isinstance(addon_id, str) else None
        if addon is None:
            raise invalid("unknown_addon", f"{product.title} has no add-on {addon_id!r}", where)
        if addon.soldOut:
            raise invalid("sold_out", f"{addon.title} is sold out", where)
        quantity = _count(entry.get("quantity", 1), f"{where}.quantity")
        picked.append(
            TicketAddon(id=addon.id, title=addon.title, quantity=quantity, price=addon.price)
        )
    for group in product.addonGroups:
        count = sum(p.quantity for p in picked if any(a.id == p.id for a in group.addons))
        if not group.minPick <= count <= group.maxPick:
            limits = f"{group.minPick}..{group.maxPick}"
            raise invalid("addon_limits", f"{group.title}: pick {limits}", f"{at}.addons")
    return picked


def service(body: dict[str, Any]) -> tuple[str, dict[str, Any] | None, str | None]:
    """The service type with what it needs: a delivery's address, an eat-in's table."""
    kind = body.get("serviceType")
    if kind not in SERVICE_TYPES:
        raise invalid("invalid_service_type", f"serviceType: one of {SERVICE_TYPES}", "serviceType")
    address = body.get("deliveryAddress")
    table = _text(body.get("tableCode"), "tableCode", limit=20)
    if kind == "DELIVERY":
        if not isinstance(address, dict) or not isinstance(address.get("street"), str):
            raise invalid(
                "address_required", "a delivery needs deliveryAddress.street", "deliveryAddress"
            )
    else:
        address = None
    if kind == "EAT_IN" and not table:
        raise invalid("table_required", "an eat-in ticket needs tableCode", "tableCode")
    return kind, address, table


def paid(body: dict[str, Any]) -> tuple[bool, Decimal]:
    prepaid = body.get("prepaid", False)
    if not isinstance(prepaid, bool):
        raise invalid("invalid_boolean", "prepaid must be true or false", "prepaid")
    amount = _amount(body.get("paidAmount", "0.00"), "paidAmount") if prepaid else Decimal(0)
    return prepaid, amount
