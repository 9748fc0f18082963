"""Register checks into Wix (#10): real names, quantities and prices, and never twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orderbridge.connectors.poster.checks import PosterCheck, register_check
from orderbridge.connectors.wix import refs as r
from orderbridge.connectors.wix.connector import WixConnector
from orderbridge.connectors.wix.mapping import PosLine, item_key
from orderbridge.connectors.wix.register import pos_lines
from orderbridge.domain.money import Money
from orderbridge.domain.register_checks import RegisterCheck, RegisterCheckLine
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from tests.connectors.wix.support import MemoryRefs, connector, new_sandbox
from tests.unit.domain import cafe

pytestmark = pytest.mark.anyio
LOC = cafe.LOCATION_ID
POSTER_PAYLOADS = Path(__file__).parents[2] / "payloads" / "poster"


def test_a_poster_check_as_the_reference_answers_it() -> None:
    """``dash.getTransaction`` answers ids, ``num``, ``product_price``, ``payed_sum``:
    no names and no ``product_sum`` (what the old import read, getting "192" and 0.00)."""
    raw = json.loads((POSTER_PAYLOADS / "reference_dash_get_transaction.json").read_text())
    check = register_check(PosterCheck.model_validate(raw["response"][0]), "UAH")
    assert (check.check_id, check.place_id, check.closed) == ("330660", "1", True)
    assert [(x.item_id, x.quantity, x.unit_price, x.variant_id) for x in check.lines] == [
        ("162", 1, Money(1050, "UAH"), None),
        ("161", 1, Money(1700, "UAH"), None),
    ]
    assert check.total == check.paid == Money(2750, "UAH") and check.fully_paid


async def _published() -> tuple[MemoryRefs, WixSandbox, WixConnector]:
    sandbox, refs = new_sandbox(), MemoryRefs()
    wix = connector(sandbox, refs)
    await wix.publish(cafe.cafe_menu())
    return refs, sandbox, wix


async def test_lines_carry_the_menu_s_names_and_the_register_s_prices() -> None:
    refs, _, _ = await _published()
    check = RegisterCheck(
        check_id="77",
        place_id="1",
        closed=True,
        lines=(
            RegisterCheckLine("latte", 2, Money(7600, "UAH"), variant_id="latte-l"),
            RegisterCheckLine("croissant", 1, Money(5500, "UAH")),
            RegisterCheckLine("not-on-wix", 1, Money(100, "UAH")),
        ),
        total=Money(20700, "UAH"),
        paid=Money(20700, "UAH"),
    )
    lines = pos_lines(check, LOC, refs, cafe.cafe_menu())
    assert [(x.name, x.quantity, x.unit_price, x.details) for x in lines] == [
        ("Латте", 2, Money(7600, "UAH"), ("0.5 л",)),
        ("Круасан", 1, Money(5500, "UAH"), ()),
    ]
    latte_variant = refs.rows[(r.VARIANT, f"{LOC}/latte/latte-l")].external_id
    assert lines[0].wix_variant_id == latte_variant


async def test_a_retry_after_a_crash_finds_the_wix_order_instead_of_creating_another() -> None:
    """Create Order succeeded, the hub crashed before storing the id: the next try
    finds the order by its externalOrderId and creates no second order or fulfilment."""
    refs, sandbox, wix = await _published()
    line = PosLine(
        wix_item_id=refs.rows[(r.ITEM, item_key(LOC, "croissant"))].external_id,
        menu_id=refs.rows[(r.MENU, LOC)].external_id,
        section_id=refs.rows[(r.SECTION, item_key(LOC, "food"))].external_id,
        quantity=3,
        unit_price=Money(5500, "UAH"),
        name="Круасан",
    )
    first = await wix.create_pos_order(
        [line], external_order_id="con_poster/77", paid=True, done=True
    )
    again = await wix.create_pos_order(
        [line], external_order_id="con_poster/77", paid=True, done=True
    )
    assert again.id == first.id and len(sandbox.world.orders) == 1
    stored = sandbox.world.orders[first.id]
    assert len(stored.fulfillments) == 1 and stored.fulfillments[0]["status"] == "Fulfilled"
    created = stored.order["lineItems"][0]
    assert created["productName"]["original"] == "Круасан"
    assert created["price"]["amount"] == "55.00" and created["quantity"] == 3
    assert stored.order["priceSummary"]["total"]["amount"] == "165.00"
    assert stored.order["paymentStatus"] == "PAID"
