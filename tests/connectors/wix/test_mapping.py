"""Mapping Wix orders to hub drafts, and the hub's menu to Wix entities."""

from __future__ import annotations

from typing import Any

import pytest

from orderbridge.connectors.wix import mapping_menu as mm
from orderbridge.connectors.wix.mapping import (
    STATUS_TABLE,
    external_refs,
    fulfilment_lines,
    order_draft,
)
from orderbridge.connectors.wix.schemas import RESTAURANTS_APP_ID, WixOrder
from orderbridge.domain.money import Money
from orderbridge.domain.orders import FulfilmentType, PaymentStatus
from tests.unit.domain import cafe

STORES = "215238eb-22a5-4c36-9e7b-e7c08025e04e"
KNOWN = {
    ("item", "w-latte"): "loc/latte",
    ("variant", "w-large"): "loc/latte/latte-l",
    ("modifier", "w-vanilla"): "loc/latte/vanilla",
}


def resolve(kind: str, wix_id: str) -> str | None:
    return KNOWN.get((kind, wix_id))


def line(item: str, app: str = RESTAURANTS_APP_ID, **options: Any) -> dict[str, Any]:
    return {
        "id": f"line-{item}",
        "productName": {"original": item},
        "quantity": 2,
        "price": {"amount": "95.00"},
        "catalogReference": {"catalogItemId": item, "appId": app, "options": options},
    }


def wix_order(*lines: dict[str, Any], **fields: Any) -> WixOrder:
    return WixOrder.model_validate(
        {
            "id": "wix-1",
            "number": "10001",
            "currency": "UAH",
            "paymentStatus": "PAID",
            "lineItems": list(lines),
            "buyerInfo": {"contactId": "contact-7", "email": "olena@example.com"},
            "billingInfo": {
                "contactDetails": {
                    "firstName": "Олена",
                    "lastName": "Коваль",
                    "phone": "+380671234567",
                }
            },
            "priceSummary": {"total": {"amount": "190.00"}},
            "buyerNote": "без цукру",
            **fields,
        }
    )


def test_a_restaurant_line_maps_item_variant_and_modifiers() -> None:
    order = wix_order(line("w-latte", variantId="w-large", modifierIds=["w-vanilla"]))
    draft = order_draft(order, location_id="loc", currency="UAH", resolve=resolve)
    assert draft is not None
    (only,) = draft.items
    assert (only.item_id, only.variant_id, only.quantity) == ("latte", "latte-l", 2)
    assert [m.modifier_id for m in only.modifiers] == ["vanilla"]
    assert draft.key.channel == "wix" and draft.key.channel_order_id == "wix-1"
    assert draft.customer.name == "Олена Коваль" and draft.customer.phone == "+380671234567"
    assert draft.payment is not None and draft.payment.status is PaymentStatus.PAID
    assert draft.payment.amount == Money(19000, "UAH")
    assert draft.fulfilment.type is FulfilmentType.PICKUP and draft.note == "без цукру"


@pytest.mark.parametrize("app", [STORES, "gift-card-app"])
def test_other_apps_line_items_are_ignored(app: str) -> None:
    order = wix_order(line("w-latte"), line("mug", app=app))
    draft = order_draft(order, location_id="loc", currency="UAH", resolve=resolve)
    assert draft is not None and [i.item_id for i in draft.items] == ["latte"]
    assert (
        order_draft(
            wix_order(line("mug", app=app)), location_id="loc", currency="UAH", resolve=resolve
        )
        is None
    )


def test_unknown_ids_stay_recognisable_with_wix_s_price() -> None:
    order = wix_order(line("w-pizza", variantId="w-big", modifierIds=["w-olives"]))
    draft = order_draft(order, location_id="loc", currency="UAH", resolve=resolve)
    assert draft is not None
    (only,) = draft.items
    assert only.item_id == "wix:w-pizza" and only.variant_id == "wix:w-big"
    assert only.modifiers[0].modifier_id == "wix:w-olives"
    assert only.unit_price == Money(9500, "UAH") and only.name == "w-pizza"


def test_a_delivery_address_and_a_bad_phone() -> None:
    order = wix_order(
        line("w-latte"),
        billingInfo={"contactDetails": {"firstName": "Іван", "phone": "not a phone"}},
        shippingInfo={
            "logistics": {"shippingDestination": {"address": {"addressLine1": "Сагайдачного, 10"}}}
        },
        paymentStatus="NOT_PAID",
    )
    draft = order_draft(order, location_id="loc", currency="UAH", resolve=resolve)
    assert draft is not None and draft.customer.phone is None
    assert draft.fulfilment.type is FulfilmentType.DELIVERY
    assert (
        draft.fulfilment.address is not None
        and draft.fulfilment.address.line1 == "Сагайдачного, 10"
    )
    assert draft.payment is not None and draft.payment.status is PaymentStatus.UNPAID


def test_external_refs_keep_every_wix_id() -> None:
    refs = external_refs(wix_order(line("w-latte"), line("mug", app=STORES)), "con_wix")
    assert refs["wix_order_id"] == "wix-1" and refs["wix_contact_id"] == "contact-7"
    assert refs["channel_connection_id"] == "con_wix"
    assert fulfilment_lines(refs) == [{"id": "line-w-latte", "quantity": 2}]


def test_the_status_table_covers_every_hub_status() -> None:
    assert {e.split(".")[1] for e in STATUS_TABLE} == {
        "received",
        "submitted",
        "accepted",
        "completed",
        "declined",
        "canceled",
        "failed",
    }
    assert STATUS_TABLE["order.accepted"].fulfilment_status == "Accepted"
    assert STATUS_TABLE["order.declined"].cancel


def test_menu_bodies_carry_wix_ids_and_decimal_prices() -> None:
    latte = cafe.latte()
    body = mm.item_body(latte, {"latte-s": "v1", "latte-l": "v2"}, {"syrup": "g1"})
    assert body["priceVariants"]["variants"][1] == {
        "variantId": "v2",
        "priceInfo": {"price": "80.00"},
    }
    assert body["modifierGroups"] == [{"id": "g1"}] and "priceInfo" not in body
    plain = mm.item_body(cafe.croissant(), {}, {})
    assert plain["priceInfo"] == {"price": "55.00"}
    group = mm.group_body(latte.modifier_groups[0], {"vanilla": "m1"})
    assert group["modifiers"] == [
        {"id": "m1", "additionalChargeInfo": {"additionalCharge": "15.00"}}
    ]
    assert group["rule"] == {"required": False, "minSelections": 0, "maxSelections": 2}
