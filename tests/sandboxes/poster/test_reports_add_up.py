"""The reports follow the register: after an online order is accepted and its check
closed, dash.*, storage.* and finance.* all tell the same story about it."""

from __future__ import annotations

from typing import Any

import pytest

from orderbridge.sandboxes.poster import cashier
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from tests.sandboxes.poster.reference.replay import fresh_sandbox

TOKEN = "687409:4164553abf6a031302898da7800b59fb"
TODAY = "20171130"  # the replay clock's day


@pytest.fixture
def sandbox() -> PosterSandbox:
    return fresh_sandbox()


def call(sandbox: PosterSandbox, method: str, **params: Any) -> Any:
    return sandbox.call(method, TOKEN, params)


def _sell(sandbox: PosterSandbox, spot_id: int = 2) -> int:
    """An order of a cappuccino (oat milk) and an éclair, accepted and paid by card."""
    order = call(
        sandbox,
        "incomingOrders.createIncomingOrder",
        spot_id=spot_id,
        phone="+380 67 000 00 01",
        products=[
            {"product_id": 114, "count": 2, "modification": [{"m": _oat(sandbox), "a": 1}]},
            {"product_id": 161},
        ],
    )
    ctx = sandbox.context(sandbox.world.accounts["api-demo"])
    tx = cashier.accept_order(ctx, order["incoming_order_id"])
    cashier.close_transaction(ctx, tx.transaction_id, payed_card=tx.sum, payed_cash=0)
    sandbox.commit(ctx)
    return tx.transaction_id


def _oat(sandbox: PosterSandbox) -> int:
    dish = sandbox.world.accounts["api-demo"].products[114]
    return next(
        m.dish_modification_id
        for g in dish.group_modifications
        for m in g.modifications
        if m.name == "Вівсяне"
    )


def _totals(sandbox: PosterSandbox) -> dict[str, Any]:
    spots = call(sandbox, "dash.getSpotsSales", dateFrom=TODAY, dateTo=TODAY, spot_id=2)
    payments = call(sandbox, "dash.getPaymentsReport", date_from=TODAY, date_to=TODAY, spot_id=2)
    analytics = call(sandbox, "dash.getAnalytics", dateFrom=TODAY, dateTo=TODAY)
    return {"spots": spots, "payments": payments["total"], "counters": analytics["counters"]}


def test_a_closed_order_reaches_every_sales_report(sandbox: PosterSandbox) -> None:
    """Revenue, counts and payments grow by exactly the check's figures."""
    before = _totals(sandbox)
    tx_id = _sell(sandbox)
    after = _totals(sandbox)
    [check] = call(sandbox, "dash.getTransaction", transaction_id=tx_id, include_products="true")
    paid = int(check["payed_card"])
    assert paid == int(check["sum"]) == 2 * (6500 + 1500) + 5500
    assert round((after["spots"]["revenue"] - before["spots"]["revenue"]) * 100) == paid
    assert after["spots"]["clients"] == before["spots"]["clients"] + 1
    assert after["payments"]["payed_card_sum"] - before["payments"]["payed_card_sum"] == paid
    assert int(after["counters"]["transactions"]) == int(before["counters"]["transactions"]) + 1
    cost = sum(int(p["product_cost"]) for p in check["products"])
    assert int(check["total_profit"]) == paid - cost and cost > 0
    listed = call(sandbox, "dash.getTransactions", dateFrom=TODAY, dateTo=TODAY)
    assert str(tx_id) in {t["transaction_id"] for t in listed}
    page = call(sandbox, "transactions.getTransactions", date_from="2017-11-30", per_page=1000)
    assert tx_id in {t["transaction_id"] for t in page["data"]}
    products = {
        p["product_id"]: p
        for p in call(sandbox, "dash.getProductsSales", date_from=TODAY, date_to=TODAY, spot_id=2)
    }
    assert float(products["114"]["count"]) >= 2 and float(products["161"]["count"]) >= 1


def test_a_closed_order_writes_its_recipes_off_the_spots_storage(sandbox: PosterSandbox) -> None:
    """Coffee, milk (and the oat milk modifier's ingredient none: it has none), the
    éclair itself: the write-offs come from spot 2's storage and the leftovers drop."""

    def left(ingredient_id: int) -> float:
        rows = call(
            sandbox, "storage.getStorageLeftovers", storage_id=2, type=4, zero_leftovers="true"
        )
        return next(
            float(r["ingredient_left"]) for r in rows if r["ingredient_id"] == str(ingredient_id)
        )

    coffee, milk = left(201), left(203)
    tx_id = _sell(sandbox)
    write_offs = call(sandbox, "dash.getTransactionWriteoffs", transaction_id=tx_id)
    assert {w["storage_id"] for w in write_offs} == {"2"}
    by_ingredient = {w["ingredient_id"]: w for w in write_offs}
    assert by_ingredient["201"]["weight"] == pytest.approx(0.036)  # 2 × 18 g
    assert left(201) == pytest.approx(coffee - 0.036)
    assert left(203) == pytest.approx(milk - 0.36)
    assert {w["product_id"] for w in write_offs} == {"114", "161"}
    movement = call(
        sandbox, "storage.getReportMovement", dateFrom=TODAY, dateTo=TODAY, storage_id=2, type=1
    )
    for row in movement:
        assert row["start"] + row["income"] - row["write_offs"] == pytest.approx(row["end"])


def test_a_shift_counts_the_checks_closed_while_it_is_open(sandbox: PosterSandbox) -> None:
    """Shift 335 (spot 2, open) takes the card payment; closing books its cash."""
    before = call(sandbox, "finance.getCashShift", cash_shift_id=335)
    tx_id = _sell(sandbox)
    [check] = call(sandbox, "dash.getTransaction", transaction_id=tx_id)
    after = call(sandbox, "finance.getCashShift", cash_shift_id=335)
    assert after["amount_sell_card"] - before["amount_sell_card"] == int(check["payed_card"])
    assert after["amount_sell_cash"] == before["amount_sell_cash"]
    balance = {a["account_id"]: int(a["balance"]) for a in call(sandbox, "finance.getAccounts")}
    assert call(
        sandbox,
        "finance.closeCashShift",
        cash_shift_id=335,
        user_id=3,
        amount=250.5,
        time="2017-11-30 15:00",
    )
    closed = call(sandbox, "finance.getCashShift", cash_shift_id=335)
    assert closed["amount_end"] == 25050 and closed["timeend"] > closed["timestart"]
    booked = {a["account_id"]: int(a["balance"]) for a in call(sandbox, "finance.getAccounts")}
    assert booked["1"] - balance["1"] == 25050 - closed["amount_start"]
