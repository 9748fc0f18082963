"""What the methods beyond their examples do: a check worked through transactions.*,
stock documents and their undoing, shifts and books, signed payments, franchises,
and one not-found convention everywhere."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.sandbox import PosterSandbox, load_world
from tests.sandboxes.poster.reference.replay import fresh_sandbox

TOKEN = "687409:4164553abf6a031302898da7800b59fb"
REGISTER = {"spot_id": 1, "spot_tablet_id": 1}


@pytest.fixture
def sandbox() -> PosterSandbox:
    return fresh_sandbox()


def call(sandbox: PosterSandbox, method: str, **params: Any) -> Any:
    return sandbox.call(method, TOKEN, params)


def code_of(sandbox: PosterSandbox, method: str, **params: Any) -> tuple[int, str | None]:
    with pytest.raises(PosterError) as caught:
        call(sandbox, method, **params)
    return caught.value.code, caught.value.field


def test_a_check_worked_at_the_register(sandbox: PosterSandbox) -> None:
    """Open, add (twice: one line of two), drop a piece, set the customer, close with
    change: the history tells each step, and a closed check takes no more."""
    opened = call(sandbox, "transactions.createTransaction", **REGISTER, table_id=2, user_id=2)
    tx_id = opened["transaction_id"]
    add = {**REGISTER, "transaction_id": tx_id, "product_id": 113}
    first = call(sandbox, "transactions.addTransactionProduct", **add)
    assert call(sandbox, "transactions.addTransactionProduct", **add) == first
    call(
        sandbox,
        "transactions.addTransactionProduct",
        **REGISTER,
        transaction_id=tx_id,
        product_id=48,
    )
    call(sandbox, "transactions.changeTransactionProductCount", **add, count=1)
    call(sandbox, "transactions.changeClient", **REGISTER, transaction_id=tx_id, client_id=38)
    [check] = call(sandbox, "dash.getTransaction", transaction_id=tx_id, include_history="true")
    assert check["sum"] == str(4500 + 4500) and check["client_id"] == "38"
    kinds = [h["type_history"] for h in check["history"]]
    assert kinds == [
        "open",
        "additem",
        "changeitemcount",
        "additem",
        "changeitemcount",
        "setclient",
    ]
    closed = call(
        sandbox, "transactions.closeTransaction", **REGISTER, transaction_id=tx_id, payed_cash=100
    )
    assert closed == {"err_code": 0}
    [check] = call(sandbox, "dash.getTransaction", transaction_id=tx_id)
    assert (check["status"], check["payed_cash"], check["pay_type"]) == ("2", "9000", "1")
    assert code_of(
        sandbox, "transactions.changeComment", **REGISTER, transaction_id=tx_id, comment="x"
    ) == (153, None)
    assert (
        code_of(sandbox, "transactions.removeTransaction", spot_tablet_id=1, transaction_id=tx_id)[
            0
        ]
        == 153
    )


def test_register_calls_are_checked(sandbox: PosterSandbox) -> None:
    assert code_of(
        sandbox, "transactions.createTransaction", spot_id=1, spot_tablet_id=2, user_id=1
    ) == (
        400,
        "spot_tablet_id",
    )
    assert code_of(sandbox, "transactions.closeTransaction", **REGISTER, transaction_id=99999) == (
        32,
        "transaction_id",
    )
    short = code_of(
        sandbox, "transactions.closeTransaction", **REGISTER, transaction_id=1950, payed_cash=1
    )
    assert short == (400, None)


def _left(sandbox: PosterSandbox, storage_id: int, ingredient_id: int) -> float:
    rows = call(
        sandbox, "storage.getStorageLeftovers", storage_id=storage_id, zero_leftovers="true"
    )
    return next(
        float(r["ingredient_left"]) for r in rows if r["ingredient_id"] == str(ingredient_id)
    )


def test_stock_documents_move_the_stock_and_removing_them_undoes_it(sandbox: PosterSandbox) -> None:
    lemon = (_left(sandbox, 1, 811), _left(sandbox, 2, 811))
    line = [{"id": 811, "type": 4, "num": 10, "sum": 20}]
    supply = call(
        sandbox,
        "storage.createSupply",
        supply={"supplier_id": 1, "storage_id": 1, "date": "2017-11-30 10:00:00"},
        ingredient=line,
    ).body
    assert supply["success"] == 1 and _left(sandbox, 1, 811) == lemon[0] + 10
    moving = call(
        sandbox,
        "storage.createMoving",
        moving={"date": "2017-11-30 11:00:00", "from_storage": 1, "to_storage": 2},
        ingredient=[{"id": 811, "type": 4, "num": 4, "sum": 20}],
    ).body["response"]
    assert (_left(sandbox, 1, 811), _left(sandbox, 2, 811)) == (lemon[0] + 6, lemon[1] + 4)
    waste = call(
        sandbox,
        "storage.createWriteOff",
        write_off={"storage_id": 2, "date": "2017-11-30 12:00:00"},
        ingredient=[{"id": 811, "type": 4, "weight": 1, "sum": 20}],
    ).body["response"]
    assert _left(sandbox, 2, 811) == lemon[1] + 3
    call(sandbox, "storage.deleteWriteOff", write_off_id=waste)
    call(sandbox, "storage.deleteMoving", moving_id=moving)
    call(sandbox, "storage.deleteSupply", supply_id=supply["response"])
    assert (_left(sandbox, 1, 811), _left(sandbox, 2, 811)) == lemon
    # The supplied lemons average with the 70 held (both storages): 10 bought at 20.
    cost = sandbox.world.accounts["api-demo"].ingredients[811].cost
    assert cost == pytest.approx((70 * 1500 + 10 * 2000) / 80)


def test_a_manufacture_cooks_a_prepack_from_its_recipe(sandbox: PosterSandbox) -> None:
    wings = _left(sandbox, 1, 88)
    made = call(
        sandbox,
        "storage.createManufacture",
        date="2017-11-30 09:00:00",
        storage_id=1,
        products=[{"id": 167, "type": 1, "num": 2}],
    )
    assert _left(sandbox, 1, 88) == pytest.approx(wings - 0.4)  # 2 × 200 g of wings
    got = call(sandbox, "storage.getManufacture", manufacture_id=made)
    assert (
        got["products"][0]["product_id"] == "167" and got["products"][0]["product_num"] == "2.0000"
    )


def test_books_transfers_and_shift_edits(sandbox: PosterSandbox) -> None:
    before = {a["account_id"]: int(a["balance"]) for a in call(sandbox, "finance.getAccounts")}
    call(
        sandbox,
        "finance.createTransactions",
        type=2,
        category=1,
        user_id=4,
        amount_from=100,
        amount_to=100,
        account_from=3,
        account_to=2,
        date="30112017",
    )
    after = {a["account_id"]: int(a["balance"]) for a in call(sandbox, "finance.getAccounts")}
    assert (after["3"] - before["3"], after["2"] - before["2"]) == (-10000, 10000)
    edited = call(
        sandbox, "finance.updateCashShiftTransaction", cash_shift_transaction_id=611, amount=10
    )
    assert edited["cash_shift_transaction_id"] != 611
    listed = {
        t["shift_tr_id"]: t for t in call(sandbox, "finance.getCashShiftTransactions", shift_id=300)
    }
    assert (
        listed[611]["edit"] == 1
        and listed[edited["cash_shift_transaction_id"]]["shift_tr_id_edit"] == 611
    )
    assert (
        code_of(sandbox, "finance.removeCashShiftTransaction", cash_shift_transaction_id=1647)[0]
        == 153
    )
    assert code_of(
        sandbox,
        "finance.closeCashShift",
        cash_shift_id=335,
        user_id=3,
        amount=1,
        time="2017-01-01 10:00",
    ) == (
        45,
        "time",
    )


SERVICE_SECRET = "123123123123"  # the reference's example payment service's


def _signed(values: list[Any]) -> str:
    return hashlib.md5(":".join([*map(str, values), SERVICE_SECRET]).encode()).hexdigest()


def test_payment_services_sign_their_calls(sandbox: PosterSandbox) -> None:
    """No token: the md5 signature with the service's secret decides (142 if wrong)."""
    ask = {"type": "application-name", "merchant_id": 3432343, "table_id": 41}
    with pytest.raises(PosterError) as wrong:
        sandbox.call("payments.getOpenTransactionsOnTable", None, {**ask, "sign": "0" * 32})
    assert wrong.value.code == 142
    checks = sandbox.call(
        "payments.getOpenTransactionsOnTable", None, {**ask, "sign": _signed(list(ask.values()))}
    )
    due = {c["transaction_id"]: c["payed_sum"] for c in checks}
    pay = {
        "type": "application-name",
        "merchant_id": 3432343,
        "transaction_id": 1484233370643,
        "payed_sum": 100,
        "credited_sum": 99,
    }
    sandbox.call(
        "payments.addTransactionPayment", None, {**pay, "sign": _signed(list(pay.values()))}
    )
    again = sandbox.call(
        "payments.getOpenTransactionsOnTable", None, {**ask, "sign": _signed(list(ask.values()))}
    )
    assert {c["transaction_id"]: c["payed_sum"] for c in again}[1484233370643] == due[
        1484233370643
    ] - 100


def test_only_a_franchise_master_sees_the_franchise(sandbox: PosterSandbox) -> None:
    franchisee = sandbox.world.accounts["demo-franchisee"]
    franchisee.personal_token = "700103:franchisee"
    with pytest.raises(PosterError) as refused:
        sandbox.call("franchise.getSpots", "700103:franchisee", {})
    assert refused.value.code == 54
    assert list(call(sandbox, "franchise.getSpots")) == ["demo-franchisee"]


UNKNOWN = [
    ("clients.getClient", "client_id"),
    ("clients.getGroup", "group_id"),
    ("dash.getTransaction", "transaction_id"),
    ("dash.getTransactionProducts", "transaction_id"),
    ("menu.getProduct", "product_id"),
    ("menu.getCategory", "category_id"),
    ("menu.getIngredient", "ingredient_id"),
    ("menu.getPrepack", "product_id"),
    ("menu.getWorkshop", "workshop_id"),
    ("incomingOrders.getIncomingOrder", "incoming_order_id"),
    ("incomingOrders.getReservation", "incoming_order_id"),
    ("storage.getMove", "move_id"),
    ("storage.getManufacture", "manufacture_id"),
    ("storage.getWaste", "waste_id"),
    ("storage.getPack", "pack_id"),
    ("storage.getSupplyIngredients", "supply_id"),
    ("finance.getCashShift", "cash_shift_id"),
    ("finance.getTax", "tax_id"),
    ("clients.removeClient", "client_id"),
    ("menu.removeWorkshop", "workshop_id"),
    ("access.updateSpot", "spot_id"),
]


@pytest.mark.parametrize(("method", "field"), UNKNOWN)
def test_an_id_that_names_nothing_is_error_32(
    sandbox: PosterSandbox, method: str, field: str
) -> None:
    """The one not-found convention, whatever the answer's shape: 32 naming the field."""
    assert code_of(sandbox, method, **{field: 987654, "spot_name": "x"}) == (32, field)
    assert not sandbox.sink.events  # type: ignore[attr-defined]


def test_the_seeded_world_survives_a_state_file(sandbox: PosterSandbox, tmp_path: Any) -> None:
    """--state FILE: the world written and read back answers the same reports."""
    sandbox.state_file = tmp_path / "poster.json"
    sandbox.save()
    again = PosterSandbox(load_world(sandbox.state_file), clock=sandbox.clock)
    for method, params in (
        ("dash.getAnalytics", {"dateFrom": "20170401", "dateTo": "20171130"}),
        ("storage.getStorageLeftovers", {}),
        ("finance.getAccounts", {}),
        ("dash.getTransaction", {"transaction_id": 1950, "include_history": "true"}),
    ):
        assert again.call(method, TOKEN, params) == sandbox.call(method, TOKEN, params)
