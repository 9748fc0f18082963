"""An order's money in Poster's incoming order: each mapping decision against the
reference's createIncomingOrder fields (``products[].price`` in kopecks, ``promotion``
with ``involved_products``, ``payment`` with ``type``/``sum``/``currency``)."""

from __future__ import annotations

from typing import Any

from orderbridge.connectors.poster.mapping_orders import incoming_order_body
from orderbridge.connectors.poster.settings import PosterPricePolicy
from orderbridge.domain.order_money import Charge, ChargeKind, Discount
from orderbridge.domain.orders import Order, OrderLine, Payment, PaymentStatus
from tests.connectors.poster.support import cafe_order, uah

# The reference's POST parameters of createIncomingOrder, and the fields real Poster
# takes besides (service_mode, delivery_time, client_address: the online-ordering apps).
REFERENCE_FIELDS = {
    "spot_id", "client_id", "first_name", "last_name", "phone", "email", "sex", "birthday",
    "address", "comment", "products", "payment", "promotion",
}  # fmt: skip
EXTRA_FIELDS = {"service_mode", "delivery_time", "client_address"}
PRODUCT_FIELDS = {"product_id", "modificator_id", "count", "price", "modification"}
PAYMENT_FIELDS = {"type", "sum", "currency"}


def _body(
    order: Order,
    *,
    policy: PosterPricePolicy = PosterPricePolicy.POSTER,
    products: dict[ChargeKind, str] | None = None,
    promotions: dict[str, str] | None = None,
) -> dict[str, Any]:
    return incoming_order_body(
        order,
        spot_id=1,
        key="ord_1001",
        timezone="Europe/Kyiv",
        price_policy=policy,
        charge_products=products or {},
        promotions=promotions or {},
    )


def _with(order: Order, **changes: Any) -> Order:
    """A copy of ``order`` with other lines, discounts, charges or payment."""
    return Order(
        id=order.id,
        key=order.key,
        location_id=order.location_id,
        lines=changes.get("lines", order.lines),
        customer=order.customer,
        fulfilment=order.fulfilment,
        created_at=order.created_at,
        payment=changes.get("payment", order.payment),
        note=order.note,
        discounts=changes.get("discounts", ()),
        charges=changes.get("charges", ()),
    )


def _check_sum(body: dict[str, Any], prices: dict[int, int]) -> int:
    """What the register adds up: sent prices, else the spot's (``prices``)."""
    return sum(
        p.get("price", prices.get(p["product_id"], 0)) * p["count"] for p in body["products"]
    )


def _fields_are_posters(body: dict[str, Any]) -> None:
    assert set(body) <= REFERENCE_FIELDS | EXTRA_FIELDS
    for product in body["products"]:
        assert set(product) <= PRODUCT_FIELDS and isinstance(product["count"], int)
        assert isinstance(product.get("price", 0), int)
    if "payment" in body:
        assert set(body["payment"]) == PAYMENT_FIELDS


def test_an_order_without_discounts_sends_no_prices_under_the_poster_policy() -> None:
    body = _body(cafe_order())
    _fields_are_posters(body)
    assert all("price" not in p for p in body["products"])
    assert body["payment"] == {"type": 1, "sum": 31500, "currency": "UAH"}
    assert "promotion" not in body


def test_a_line_discount_lowers_that_lines_price_split_to_the_kopeck() -> None:
    borjomi = OrderLine("139", 3, uah(4500), variant_id="148", discounts=(Discount(uah(500)),))
    order = _with(cafe_order(paid=False), lines=(borjomi,))
    body = _body(order)
    _fields_are_posters(body)
    assert body["products"] == [
        {"product_id": 139, "modificator_id": 148, "count": 2, "price": 4333},
        {"product_id": 139, "modificator_id": 148, "count": 1, "price": 4334},
    ]
    assert _check_sum(body, {}) == order.totals.total.amount == 13000


def test_an_order_discount_is_spread_over_the_lines_in_proportion() -> None:
    order = _with(
        cafe_order(),
        discounts=(Discount(uah(3150), "loyalty", "TENOFF"),),
        payment=Payment(PaymentStatus.PAID, uah(28350)),
    )
    body = _body(order)
    _fields_are_posters(body)
    assert [p.get("price") for p in body["products"]] == [4050, 20250]
    assert _check_sum(body, {}) == 28350
    assert body["payment"]["sum"] == 28350
    assert "Discount -31.50 UAH (TENOFF, loyalty)" in body["comment"]


def test_a_promo_code_with_a_spot_promotion_goes_as_promotion_not_prices() -> None:
    order = _with(cafe_order(paid=False), discounts=(Discount(uah(2000), code="SUMMER"),))
    body = _body(order, promotions={"SUMMER": "3"})
    _fields_are_posters(body)
    assert all("price" not in p for p in body["products"])
    assert body["promotion"] == [
        {
            "id": 3,
            "involved_products": [
                {"id": 139, "count": 2, "modification": 148},
                {"id": 172, "count": 1},
            ],
        }
    ]


def test_a_charge_with_a_service_product_is_a_line_of_its_own() -> None:
    order = _with(
        cafe_order(),
        charges=(Charge(ChargeKind.DELIVERY_FEE, uah(5000)),),
        payment=Payment(PaymentStatus.PAID, uah(36500)),
    )
    body = _body(order, products={ChargeKind.DELIVERY_FEE: "501"})
    _fields_are_posters(body)
    assert body["products"][-1] == {"product_id": 501, "count": 1, "price": 5000}
    assert body["payment"]["sum"] == 36500
    assert "Delivery fee 50.00 UAH" in body["comment"]


def test_a_charge_without_a_product_stays_off_the_check_and_the_payment_is_capped() -> None:
    """A prepaid delivery fee not on the check: payment.sum never exceeds the check."""
    order = _with(
        cafe_order(),
        charges=(Charge(ChargeKind.DELIVERY_FEE, uah(5000)),),
        payment=Payment(PaymentStatus.PAID, uah(36500)),
    )
    body = _body(order)
    _fields_are_posters(body)
    assert [p["product_id"] for p in body["products"]] == [139, 172]
    assert body["payment"]["sum"] == 31500 == _check_sum(body, {139: 4500, 172: 22500})
    comment = body["comment"].splitlines()
    assert "Delivery fee 50.00 UAH is not on the check" in comment
    assert "Of the online payment, 50.00 UAH covers what is not on the check" in comment


def test_an_unpaid_order_tells_the_cashier_what_to_collect() -> None:
    order = _with(
        cafe_order(paid=False), charges=(Charge(ChargeKind.TIP, uah(2000), name="Tip 🙂"),)
    )
    body = _body(order, products={ChargeKind.TIP: "777"})
    assert "payment" not in body
    assert "Total 335.00 UAH, to collect 335.00 UAH" in body["comment"].splitlines()


def test_the_hub_price_policy_prices_every_line_and_adds_up() -> None:
    order = cafe_order()
    body = _body(order, policy=PosterPricePolicy.HUB)
    assert [p["price"] for p in body["products"]] == [4500, 22500]
    assert _check_sum(body, {}) == order.totals.total.amount


def test_a_partial_prepayment_leaves_the_rest_due() -> None:
    order = _with(cafe_order(), payment=Payment(PaymentStatus.PAID, uah(10000)))
    body = _body(order)
    assert body["payment"]["sum"] == 10000
    assert "Paid online 100.00 UAH, to collect 215.00 UAH" in body["comment"]
