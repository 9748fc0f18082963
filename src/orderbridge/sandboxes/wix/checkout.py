"""A customer's checkout on the site: the published menu, and placing an order from it.

``POST /_sandbox/checkout`` and the ``/checkout`` page both come here. The order is
built as Wix's checkout would build it — restaurant line items whose catalog
references name the operation, menu and section the item was ordered from, plus any
extra non-restaurant line items given — then stored ``APPROVED`` and announced with
Order Created followed by Order Approved. The buyer's phone is kept as typed (Wix keeps
what the buyer entered, often without a country code); a delivery address is the
eCommerce address (``addressLine``, ``addressLine2``, ``city``, ``postalCode``,
``geocode``) and a pickup names the restaurant's address in ``pickupDetails``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from orderbridge.sandboxes.wix.errors import failed_precondition, invalid, not_found
from orderbridge.sandboxes.wix.formats import parse_amount
from orderbridge.sandboxes.wix.order_lines import NO_VARIANT, RESTAURANTS_APP_ID, modifier_charges
from orderbridge.sandboxes.wix.orders import CheckoutDetails, build_order, place_order
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.state import Operation, World

ONLINE_ORDERING_PAGE = "/online-ordering"


def published_menu(world: World, location_id: str) -> list[dict[str, Any]]:
    """The visible menus of a location with their visible sections and items, priced."""
    result: list[dict[str, Any]] = []
    for menu in world.menu("menus").values():
        if not menu.get("visible", True) or menu.get("businessLocationId") != location_id:
            continue
        sections = []
        for section_id in menu.get("sectionIds", []):
            section = world.menu("sections").get(section_id)
            if section is None or not section.get("visible", True):
                continue
            items = [
                _item_view(world, world.menu("items")[item_id])
                for item_id in section.get("itemIds", [])
                if item_id in world.menu("items")
                and world.menu("items")[item_id].get("visible", True)
            ]
            sections.append({"id": section_id, "name": section["name"], "items": items})
        result.append({"id": menu["id"], "name": menu["name"], "sections": sections})
    return result


def _item_view(world: World, item: dict[str, Any]) -> dict[str, Any]:
    variants = [
        {
            "id": v["variantId"],
            "name": world.menu("variants").get(v["variantId"], {}).get("name", "?"),
            "price": v["priceInfo"]["price"],
        }
        for v in (item.get("priceVariants") or {}).get("variants") or []
    ]
    groups = []
    for ref in item.get("modifierGroups") or []:
        group = world.menu("modifierGroups").get(str(ref.get("id")))
        if group is None:
            continue
        modifiers = [
            {"id": mid, "name": world.menu("modifiers")[mid]["name"], "charge": str(charge)}
            for mid, (_group, charge) in modifier_charges(world, item).items()
            if mid in world.menu("modifiers")
            and any(m.get("id") == mid for m in group.get("modifiers") or [])
        ]
        groups.append(
            {
                "id": group["id"],
                "name": group["name"],
                "rule": group.get("rule", {}),
                "modifiers": modifiers,
            }
        )
    return {
        "id": item["id"],
        "name": item["name"],
        "description": item.get("description", ""),
        "price": (item.get("priceInfo") or {}).get("price"),
        "variants": variants,
        "modifierGroups": groups,
        "inStock": (item.get("orderSettings") or {}).get("inStock", True),
    }


def _operation(sandbox: WixSandbox, request: dict[str, Any]) -> Operation:
    world = sandbox.world
    operation_id = request.get("operationId")
    if operation_id is not None:
        operation = world.operations.get(str(operation_id))
        if operation is None:
            raise not_found("Operation", str(operation_id))
        return operation
    location_id = request.get("locationId")
    candidates = [
        op
        for op in world.operations.values()
        if location_id is None or op.business_location_id == location_id
    ]
    if not candidates:
        raise not_found("Location", str(location_id))
    return next((op for op in candidates if op.default), candidates[0])


def _where(world: World, location_id: str, item_id: str) -> tuple[str, str, dict[str, Any]]:
    """The menu and section a published item is ordered from, and its view."""
    for menu in published_menu(world, location_id):
        for section in menu["sections"]:
            for item in section["items"]:
                if item["id"] == item_id:
                    return menu["id"], section["id"], item
    raise invalid("items.catalogItemId", f"{item_id} is not on the published menu", "REFERENCE")


def _restaurant_line(
    world: World, operation: Operation, given: Any, index: int
) -> tuple[dict[str, Any], list[Any]]:
    """The line item of one chosen item, and the modifier ids chosen for it."""
    if not isinstance(given, dict) or not isinstance(given.get("catalogItemId"), str):
        raise invalid(f"items[{index}].catalogItemId", "is required", "REQUIRED_FIELD")
    menu_id, section_id, view = _where(
        world, operation.business_location_id, given["catalogItemId"]
    )
    if not view["inStock"]:
        raise failed_precondition("ITEM_OUT_OF_STOCK", f"{view['name']} is out of stock")
    chosen = given.get("options") or {}
    if not isinstance(chosen, dict):
        raise invalid(f"items[{index}].options", "must be an object", "TYPE")
    modifier_ids = chosen.get("modifierIds") or []
    if not isinstance(modifier_ids, list):
        raise invalid(f"items[{index}].options.modifierIds", "must be a list", "TYPE")
    variant = chosen.get("variantId") or (view["variants"][0]["id"] if view["variants"] else None)
    options: dict[str, Any] = {
        "operationId": operation.id,
        "menuId": menu_id,
        "sectionId": section_id,
        "onlineOrderingPageUrl": ONLINE_ORDERING_PAGE,
        "variantId": variant or NO_VARIANT,
    }
    line = {
        "catalogReference": {
            "catalogItemId": given["catalogItemId"],
            "appId": RESTAURANTS_APP_ID,
            "options": options,
        },
        "quantity": given.get("quantity", 1),
        "physicalProperties": {"sku": "", "shippable": False},
        "itemType": {"preset": "PHYSICAL"},
    }
    return line, modifier_ids


def _pickup(location: dict[str, Any]) -> dict[str, Any]:
    """``pickupDetails`` from the business location's address (a PickupAddress names
    the street ``addressLine``, as eCommerce addresses do)."""
    address = location.get("address") or {}
    street = address.get("streetAddress") or {}
    line = " ".join(x for x in (street.get("name"), street.get("number")) if x)
    pickup = {
        "country": address.get("country"),
        "city": address.get("city"),
        "postalCode": address.get("postalCode"),
        "streetAddress": street or None,
        "addressLine": line or None,
    }
    return {
        "address": {k: v for k, v in pickup.items() if v},
        "pickupMethod": "STORE_PICKUP",
    }


def _destination(request: dict[str, Any], country: str) -> dict[str, Any]:
    """The delivery address as eCommerce names it: ``addressLine``, ``addressLine2``,
    ``city``, ``postalCode``, ``geocode`` (a bare string is the ``addressLine``)."""
    given = request.get("address")
    if isinstance(given, str):
        given = {"addressLine": given}
    if not isinstance(given, dict) or not str(given.get("addressLine", "")).strip():
        raise invalid("address.addressLine", "a delivery needs a street address", "REQUIRED_FIELD")
    allowed = ("addressLine", "addressLine2", "city", "postalCode", "subdivision", "geocode")
    unknown = sorted(set(given) - set(allowed) - {"country"})
    if unknown:
        raise invalid(f"address.{unknown[0]}", "is not an address field")
    return {
        "country": given.get("country", country),
        **{k: given[k] for k in allowed if k in given},
    }


def checkout(sandbox: WixSandbox, request: dict[str, Any]) -> dict[str, Any]:
    """Place a customer's order; returns it after its events are published."""
    world = sandbox.world
    operation = _operation(sandbox, request)
    if not operation.accepts_orders(sandbox.now()):
        raise failed_precondition(
            "ONLINE_ORDERING_UNAVAILABLE",
            f"Online ordering is {operation.online_ordering_status} at this location",
        )
    items = request.get("items")
    if not isinstance(items, list) or not items:
        raise invalid("items", "choose at least one item", "REQUIRED_FIELD")
    chosen = [_restaurant_line(world, operation, given, i) for i, given in enumerate(items)]
    extras = request.get("extraLineItems") or []
    if not isinstance(extras, list):
        raise invalid("extraLineItems", "must be a list of line items", "TYPE")
    buyer = request.get("buyer")
    if not isinstance(buyer, dict) or not (buyer.get("phone") or buyer.get("email")):
        raise invalid("buyer", "needs a phone or an email", "REQUIRED_FIELD")
    contact = {k: buyer[k] for k in ("firstName", "lastName", "phone") if buyer.get(k)}
    delivery = request.get("fulfillment", "PICKUP")
    if delivery not in ("PICKUP", "DELIVERY"):
        raise invalid("fulfillment", "must be PICKUP or DELIVERY")
    location = world.locations[operation.business_location_id].data
    country = str((location.get("address") or {}).get("country", ""))
    logistics: dict[str, Any] = (
        {"pickupDetails": _pickup(location)}
        if delivery == "PICKUP"
        else {
            "shippingDestination": {
                "address": _destination(request, country),
                "contactDetails": contact,
            }
        }
    )
    fee = parse_amount(request.get("deliveryFee", "0"), "deliveryFee")
    if delivery == "PICKUP":
        fee = Decimal(0)
    buyer_info = {"email": buyer["email"]} if buyer.get("email") else {}
    order = build_order(
        sandbox,
        {
            "lineItems": [line for line, _ in chosen] + extras,
            "channelInfo": {"type": "WEB"},
            "status": "APPROVED",
            "paymentStatus": request.get("paymentStatus", "PAID"),
            "buyerInfo": buyer_info,
            "billingInfo": {"contactDetails": contact},
            "shippingInfo": {
                "title": "Самовивіз" if delivery == "PICKUP" else "Доставка",
                "logistics": logistics,
                "cost": {"price": {"amount": str(fee)}},
            },
            "buyerNote": request.get("note"),
            "businessLocation": {"id": operation.business_location_id},
        },
        CheckoutDetails(visitor_id=str(uuid.uuid4()), modifiers=tuple(ids for _, ids in chosen)),
    )
    sandbox.publish(place_order(sandbox, order))
    return order
