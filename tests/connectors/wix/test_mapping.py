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
from orderbridge.connectors.wix.schemas import WixOrder
from orderbridge.domain.money import Money
from orderbridge.domain.orders import FulfilmentType, PaymentStatus
from orderbridge.ports import PermanentError
from tests.sandboxes.wix.payloads import wix_payload
from tests.unit.domain import cafe

STORES = "215238eb-22a5-4c36-9e7b-e7c08025e04e"
LATTE, CROISSANT = "2e8c1d6a-7b3f-4c9e-8d1a-5f6e7a8b9c01", "3f9d2e7b-8c4a-4d0f-9e2b-6a7f8b9c0d12"
VANILLA = "8c7b6a5f-4e3d-4c2b-9a1f-0e9d8c7b6a01"
KNOWN = {
    ("item", LATTE): "loc/latte",
    ("item", CROISSANT): "loc/croissant",
    ("variant", "w-large"): "loc/latte/latte-l",
    ("modifier", VANILLA): "loc/latte/vanilla",
}


def resolve(kind: str, wix_id: str) -> str | None:
    return KNOWN.get((kind, wix_id))


def documented() -> dict[str, Any]:
    """The order of Wix's documented Order Approved event (our fixture of it)."""
    order: dict[str, Any] = wix_payload("event_order_approved")["actionEvent"]["body"]["order"]
    return order


def mapped(order: dict[str, Any], *, currency: str = "UAH", region: str | None = "UA") -> Any:
    result = order_draft(
        WixOrder.model_validate(order),
        location_id="loc",
        currency=currency,
        resolve=resolve,
        region=region,
    )
    assert result is not None
    return result


def test_the_documented_order_maps_whole() -> None:
    """Wix's Order Approved shape: all-zero variant ids, modifierGroups, a local phone,
    an ``addressLine`` delivery, the total in ``priceSummary.total``."""
    result = mapped(documented())
    draft = result.draft
    latte, croissant = draft.items
    assert (latte.item_id, latte.variant_id, latte.quantity) == ("latte", None, 2)
    assert [(m.modifier_id, m.quantity, m.unit_price) for m in latte.modifiers] == [
        ("vanilla", 1, Money(1500, "UAH"))
    ]
    assert latte.unit_price == Money(8000, "UAH")  # Wix's 95.00 includes the syrup
    assert (croissant.item_id, croissant.variant_id) == ("croissant", None)
    assert draft.customer.phone == "+380671234567" and draft.customer.name == "Олена Коваль"
    assert draft.customer.email == "olena@example.com" and result.problems == ()
    fulfilment = draft.fulfilment
    assert fulfilment.type is FulfilmentType.DELIVERY and fulfilment.address is not None
    assert fulfilment.address.line1 == "вулиця Сагайдачного, 25"
    assert (fulfilment.address.line2, fulfilment.address.city) == ("кв. 7", "Київ")
    assert fulfilment.address.postcode == "04070"
    assert (fulfilment.address.lat, fulfilment.address.lng) == (50.4655, 30.5155)
    assert draft.payment is not None and draft.payment.status is PaymentStatus.PAID
    assert draft.payment.amount == Money(29500, "UAH")


@pytest.mark.parametrize("variant", [None, "", "00000000-0000-0000-0000-000000000000"])
def test_a_missing_or_all_zero_variant_id_means_no_variant(variant: str | None) -> None:
    order = documented()
    options = order["lineItems"][0]["catalogReference"]["options"]
    if variant is None:
        del options["variantId"]
    else:
        options["variantId"] = variant
    assert mapped(order).draft.items[0].variant_id is None


def test_a_real_variant_id_is_mapped_or_kept_recognisable() -> None:
    order = documented()
    order["lineItems"][0]["catalogReference"]["options"]["variantId"] = "w-large"
    order["lineItems"][1]["catalogReference"]["options"]["variantId"] = "w-unknown"
    latte, croissant = mapped(order).draft.items
    assert latte.variant_id == "latte-l" and croissant.variant_id == "wix:w-unknown"


def test_the_deprecated_total_price_is_read_when_total_is_missing() -> None:
    order = documented()
    order["priceSummary"]["totalPrice"] = order["priceSummary"].pop("total")
    assert mapped(order).draft.payment.amount == Money(29500, "UAH")


def test_without_any_total_the_lines_are_summed() -> None:
    order = documented()
    order["priceSummary"] = {}
    assert mapped(order).draft.payment.amount == Money(24500, "UAH")


def test_other_apps_lines_are_not_paid_to_the_restaurant() -> None:
    """A 195 UAH dish and a 250 UAH Wix Stores mug: the POS hears of 195 paid, not 445."""
    order = documented()
    dish = order["lineItems"][1]
    dish["price"] = dish["totalPriceAfterTax"] = {"amount": "195.00"}
    mug = {
        **dish,
        "id": "00000000-0000-0000-0000-000000000009",
        "productName": {"original": "Чашка"},
    }
    mug["price"] = mug["totalPriceAfterTax"] = {"amount": "250.00"}
    mug["catalogReference"] = {"catalogItemId": "mug", "appId": STORES, "options": {}}
    order["lineItems"] = [dish, mug]
    order["priceSummary"] = {"total": {"amount": "445.00"}}
    draft = mapped(order).draft
    assert [line.item_id for line in draft.items] == ["croissant"]
    assert draft.payment.amount == Money(19500, "UAH")


@pytest.mark.parametrize("app", [STORES, "gift-card-app"])
def test_an_order_without_restaurant_lines_is_not_the_restaurant_s(app: str) -> None:
    order = documented()
    for line in order["lineItems"]:
        line["catalogReference"]["appId"] = app
    assert (
        order_draft(
            WixOrder.model_validate(order), location_id="loc", currency="UAH", resolve=resolve
        )
        is None
    )


def test_an_order_in_another_currency_is_refused_not_repriced() -> None:
    order = documented()
    order["currency"] = "USD"
    with pytest.raises(PermanentError) as refused:
        mapped(order)
    assert refused.value.code == "currency_mismatch" and "USD" in refused.value.reason


@pytest.mark.parametrize(
    ("phone", "region", "expected"),
    [
        ("0671234567", "UA", "+380671234567"),
        ("067 123-45-67", "UA", "+380671234567"),
        ("+48 512 345 678", "UA", "+48512345678"),
        ("+380671234567", None, "+380671234567"),
        ("0555555555", "UA", "+380555555555"),
    ],
)
def test_phones_are_made_e164_in_the_location_s_country(
    phone: str, region: str | None, expected: str
) -> None:
    order = documented()
    order["billingInfo"]["contactDetails"]["phone"] = phone
    result = mapped(order, region=region)
    assert result.draft.customer.phone == expected and result.problems == ()


@pytest.mark.parametrize(
    ("phone", "region"), [("0671234567", None), ("not a phone", "UA"), ("", "UA"), ("12", "UA")]
)
def test_a_phone_that_cannot_be_made_is_phone_required_naming_the_field(
    phone: str, region: str | None
) -> None:
    order = documented()
    order["billingInfo"]["contactDetails"]["phone"] = phone
    order["shippingInfo"]["logistics"]["shippingDestination"]["contactDetails"]["phone"] = ""
    result = mapped(order, region=region)
    assert result.draft.customer.phone is None
    (problem,) = result.problems
    assert problem.startswith("phone_required at billingInfo.contactDetails.phone")
    assert phone.strip() == "" or phone not in problem


def test_the_delivery_contact_s_phone_serves_when_billing_has_none() -> None:
    order = documented()
    del order["billingInfo"]
    result = mapped(order)
    assert result.draft.customer.phone == "+380671234567" and result.problems == ()


def test_a_pickup_order_has_no_destination() -> None:
    order = documented()
    order["shippingInfo"]["logistics"] = {
        "pickupDetails": {
            "address": {"country": "UA", "city": "Київ"},
            "pickupMethod": "STORE_PICKUP",
        }
    }
    assert mapped(order).draft.fulfilment.type is FulfilmentType.PICKUP


def test_external_refs_keep_every_wix_id() -> None:
    order = documented()
    order["lineItems"][1]["catalogReference"]["appId"] = STORES
    refs = external_refs(WixOrder.model_validate(order), "con_wix")
    assert refs["wix_order_id"] == order["id"]
    assert refs["wix_contact_id"] == order["buyerInfo"]["contactId"]
    assert refs["channel_connection_id"] == "con_wix"
    assert fulfilment_lines(refs) == [{"id": order["lineItems"][0]["id"], "quantity": 2}]


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
