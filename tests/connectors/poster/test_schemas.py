"""Poster's wire format parses whatever types Poster writes, from real-shaped payloads."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from orderbridge.connectors.poster.schemas import (
    PosterAccountSettings,
    PosterCategory,
    PosterHall,
    PosterIncomingOrder,
    PosterProduct,
    PosterSpot,
    PosterTable,
    PosterTransaction,
)
from tests.connectors.poster.support import payload


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("reference_get_categories", list[PosterCategory]),
        ("reference_get_category", PosterCategory),
        ("sandbox_get_categories", list[PosterCategory]),
        ("reference_get_products", list[PosterProduct]),
        ("reference_get_product_140", PosterProduct),
        ("reference_get_product_dish_175", PosterProduct),
        ("sandbox_get_products_sample", list[PosterProduct]),
        ("sandbox_get_product_dish_172", PosterProduct),
        ("reference_create_incoming_order", PosterIncomingOrder),
        ("reference_create_incoming_order_strings", PosterIncomingOrder),
        ("reference_get_incoming_orders", list[PosterIncomingOrder]),
        ("sandbox_create_incoming_order_prepaid", PosterIncomingOrder),
        ("sandbox_get_incoming_order_accepted", PosterIncomingOrder),
        ("reference_create_reservation", PosterIncomingOrder),
        ("reference_get_reservation", PosterIncomingOrder),
        ("reference_get_reservations", list[PosterIncomingOrder]),
        ("reference_get_spots", list[PosterSpot]),
        ("sandbox_get_spots", list[PosterSpot]),
        ("reference_get_spot_tables_halls", list[PosterHall]),
        ("reference_get_table_hall_tables", list[PosterTable]),
        ("reference_get_all_settings", PosterAccountSettings),
        ("sandbox_get_all_settings", PosterAccountSettings),
        ("reference_dash_get_transaction", list[PosterTransaction]),
        ("sandbox_dash_transaction_closed", list[PosterTransaction]),
    ],
)
def test_every_saved_answer_parses(name: str, kind: Any) -> None:
    """Reference examples and sandbox answers alike fit the wire models."""
    assert TypeAdapter(kind).validate_python(payload(name))


def test_numbers_as_strings_and_decimal_counts_become_numbers() -> None:
    """``"106"`` and ``"1.00000"`` (the reference's second example) read as 106 and 1.0."""
    order = PosterIncomingOrder.model_validate(payload("reference_create_incoming_order_strings"))
    assert order.incoming_order_id == 106
    assert order.spot_id == 1
    assert order.products[0].count == 1.0
    assert order.products[0].product_id == 139
    assert order.transaction_id is None


def test_price_keyed_by_spot_and_null_photos_are_read() -> None:
    """``price`` is a dict by spot id; null, empty and missing photos are all None."""
    evian = TypeAdapter(list[PosterProduct]).validate_python(payload("reference_get_products"))[1]
    assert evian.price == {"1": 19000, "2": 19000}
    bar = PosterCategory.model_validate(payload("reference_get_category"))
    assert bar.category_photo is None
    bare = PosterProduct.model_validate({"product_id": "5", "photo": "", "price": []})
    assert (bare.photo, bare.price) == (None, {})


def test_dish_modifier_groups_keep_their_limits() -> None:
    """The sandbox's dish 172 has Соус 0..2 and Гарнір 1..1 with price deltas."""
    dish = PosterProduct.model_validate(payload("sandbox_get_product_dish_172"))
    limits = [(g.name, g.num_min, g.num_max) for g in dish.group_modifications]
    assert limits == [("Соус", 0, 2), ("Гарнір", 1, 1)]
    assert dish.group_modifications[0].modifications[0].price == 1500


def test_settings_read_currency_and_timezone_in_both_spellings() -> None:
    """Both the reference and the sandbox write ``timezones`` and ``currency_code_iso``
    (``currency_code`` is the register's "грн."); older answers' spellings still read."""
    reference = PosterAccountSettings.model_validate(payload("reference_get_all_settings"))
    assert (reference.tz_name, reference.currency_iso) == ("Europe/Kiev", "UAH")
    sandbox = PosterAccountSettings.model_validate(payload("sandbox_get_all_settings"))
    assert (sandbox.tz_name, sandbox.currency_iso) == ("Europe/Kyiv", "UAH")


def test_closed_check_reads_status_and_close_time() -> None:
    """dash.getTransaction's strings: status "2" and a close time in milliseconds."""
    check = TypeAdapter(list[PosterTransaction]).validate_python(
        payload("reference_dash_get_transaction")
    )[0]
    assert (check.transaction_id, check.status, check.date_close) == (330660, 2, 1518873046314)
