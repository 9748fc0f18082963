"""Checks as dash.* and transactions.getTransactions read them; spots.*; entity extras."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from orderbridge.sandboxes.poster import cashier
from orderbridge.sandboxes.poster.errors import PosterError
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from tests.sandboxes.poster.orders_support import (
    TOKEN,
    RecordingSink,
    as_form,
    assert_shape,
    reference,
)

ENCODINGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "json": lambda data: data,
    "form": as_form,
}
DASH_TX = reference("""{"response":[{"transaction_id":"330660","date_start":"1518873040083",
 "date_start_new":"1518873041556","date_close":"1518873046314","status":"2",
 "guests_count":"2","discount":"0","bonus":"0","pay_type":"3","payed_bonus":"0",
 "payed_card":"0","payed_cash":"2750","payed_sum":"2750","payed_cert":"0",
 "payed_third_party":"0","round_sum":"0","tip_sum":"0","sum":"2750","spot_id":"1",
 "table_id":"94","name":"Анна","user_id":"1","client_id":"0","card_number":"0",
 "transaction_comment":null,"reason":"","print_fiscal":"0","total_profit":"-8786",
 "table_name":"5","client_firstname":null,"client_lastname":null,
 "date_close_date":"2018-02-17 16:10:46","products":[{"product_id":"162",
 "modification_id":"0","num":"1","product_price":"1050","payed_sum":"1050",
 "product_cost":"4536","product_profit":"-3486"}],"history":[{"history_id":"2485357",
 "type_history":"open","spot_tablet_id":"1","time":"1518873040083","user_id":"1",
 "value":"1","value2":"94","value3":"2","value4":"0","value5":"0","value_text":null}]}]}""")
DASH_LIST = reference("""{"response":[{"transaction_id":"384960","date_start":"1504641602936",
 "date_start_new":"1504641602941","date_close":"1504641603008","status":"2",
 "guests_count":"4","discount":"0","bonus":"0","pay_type":"3","payed_bonus":"0",
 "payed_card":"0","payed_cash":"199140","payed_sum":"199140","payed_cert":"0","tip_sum":"0",
 "sum":"180600","spot_id":"1","table_id":"90","name":"Demo","user_id":"1","client_id":"0",
 "card_number":"0","transaction_comment":null,"reason":"","print_fiscal":"0",
 "total_profit":"172828","table_name":"1","client_firstname":null,"client_lastname":null,
 "date_close_date":"2017-09-05 23:00:03"}]}""")
DASH_PRODUCTS = reference("""{"response":[{"product_id":"169",
 "product_name":"Речная форель в фольге","modification_id":"0","modificator_name":null,
 "modificator_barcode":null,"modificator_product_code":null,"weight_flag":"0","num":"1",
 "time":"1507703509384","workshop":"2","barcode":"","product_code":"","tax_id":"4",
 "nodiscount":"1","payed_sum":"55000","product_sum":"55000","discount":"0","bonus_sum":"0",
 "round_sum":0,"client_id":"0","promotion_id":"0","cert_sum":"0","product_cost":"4340",
 "product_profit":"47910","bonus_accrual":"0","tax_value":"5","tax_type":"2",
 "tax_fiscal":"1","category_id":"33"}]}""")
REPORT = reference("""{"response":{"count":41,"page":{"per_page":10,"page":5,"count":1},
 "data":[{"transaction_id":25221,"table_id":1,"spot_id":1,"client_id":68,"sum":360,
 "payed_sum":0,"payed_cash":0,"payed_card":0,"payed_cert":0,"payed_bonus":0,
 "payed_third_party":0,"round_sum":0,"pay_type":3,"reason":0,"tip_sum":0,"bonus":0,
 "discount":100,"print_fiscal":0,"date_close":"2017-11-30 13:48:09","products":[
 {"product_id":469,"modification_id":0,"type":2,"workshop_id":2,"num":2,"product_sum":360,
 "payed_sum":0,"cert_sum":0,"bonus_sum":0,"bonus_accrual":0,"round_sum":0,"discount":100,
 "tax_fiscal":1}]}]}}""")
HALLS = reference("""{"response":[{"hall_id":"3","hall_name":"Зал в кафе на Полянке",
 "hall_order":"1","spot_id":"1","delete":"0","last_modified_time":"2017-06-22 13:54:58"}]}""")
TABLES = reference("""{"response":[{"table_id":"3","table_num":"1",
 "table_title":"Возле барной стойки","spot_id":"1","table_shape":"square","hall_id":"1",
 "table_x":"9","table_y":"12","table_height":"4","table_width":"8","is_deleted":"0",
 "status":"1"}]}""")


def _closed_check(sandbox: PosterSandbox) -> int:
    order = sandbox.call(
        "incomingOrders.createIncomingOrder",
        TOKEN,
        {"spot_id": 1, "client_id": 68, "products": [{"product_id": 169, "count": 2}]},
    )
    ctx = sandbox.context(sandbox.world.accounts["api-demo"])
    tx = cashier.accept_order(ctx, order["incoming_order_id"])
    cashier.close_transaction(ctx, tx.transaction_id, payed_cash=11000)
    sandbox.commit(ctx)
    return tx.transaction_id


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_dash_get_transaction_reads_a_closed_check(
    orders_sandbox: PosterSandbox, encoding: str
) -> None:
    tx_id = _closed_check(orders_sandbox)
    params = {"transaction_id": tx_id, "include_history": "true", "include_products": "true"}
    answer = orders_sandbox.call("dash.getTransaction", TOKEN, ENCODINGS[encoding](params))
    assert_shape(answer, DASH_TX)
    [check] = answer
    assert check["status"] == "2" and check["payed_cash"] == "11000" and check["sum"] == "11000"
    assert check["date_close_date"] == "2018-03-22 17:02:41"
    assert [h["type_history"] for h in check["history"]] == ["open", "additem", "close"]
    with pytest.raises(PosterError) as missing:
        orders_sandbox.call("dash.getTransaction", TOKEN, {"transaction_id": 999})
    assert missing.value.code == 32


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_dash_lists_and_products(orders_sandbox: PosterSandbox, encoding: str) -> None:
    tx_id = _closed_check(orders_sandbox)
    example = {"dateFrom": "20170905", "dateTo": "20170908"}
    assert orders_sandbox.call("dash.getTransactions", TOKEN, ENCODINGS[encoding](example)) == []
    listed = orders_sandbox.call("dash.getTransactions", TOKEN, {"dateFrom": "20180322"})
    assert_shape(listed, DASH_LIST)
    assert [t["transaction_id"] for t in listed] == [str(tx_id)]
    assert orders_sandbox.call("dash.getTransactions", TOKEN, {"status": 1}) == []
    products = orders_sandbox.call(
        "dash.getTransactionProducts", TOKEN, ENCODINGS[encoding]({"transaction_id": tx_id})
    )
    assert_shape(products, DASH_PRODUCTS)
    assert products[0]["num"] == "2" and products[0]["product_sum"] == "11000"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_transactions_get_transactions(orders_sandbox: PosterSandbox, encoding: str) -> None:
    tx_id = _closed_check(orders_sandbox)
    example = {"date_from": "2017-11-30", "date_to": "2017-11-30", "per_page": 10, "page": 5}
    empty = orders_sandbox.call("transactions.getTransactions", TOKEN, ENCODINGS[encoding](example))
    assert empty == {"count": 0, "page": {"per_page": 10, "page": 5, "count": 0}, "data": []}
    params = {"date_from": "2018-03-22", "date_to": "2018-03-22"}
    answer = orders_sandbox.call("transactions.getTransactions", TOKEN, ENCODINGS[encoding](params))
    assert_shape(answer, REPORT)
    assert answer["data"][0]["transaction_id"] == tx_id and answer["data"][0]["client_id"] == 68
    with pytest.raises(PosterError):
        orders_sandbox.call("transactions.getTransactions", TOKEN, {"per_page": 5000})


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_spots_halls_and_tables(orders_sandbox: PosterSandbox, encoding: str) -> None:
    halls = orders_sandbox.call("spots.getSpotTablesHalls", TOKEN, {})
    assert_shape(halls, HALLS)
    assert {h["hall_id"] for h in halls} >= {"3", "5"}
    example = {"spot_id": 1, "hall_id": 3, "without_deleted": 1}
    tables = orders_sandbox.call("spots.getTableHallTables", TOKEN, ENCODINGS[encoding](example))
    assert_shape(tables, TABLES)
    assert {t["table_id"] for t in tables} >= {"1", "3", "4"}
    assert all(t["status"] == "1" for t in tables)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_entity_extras_examples(orders_sandbox: PosterSandbox, encoding: str) -> None:
    product = {"entity_type": "product", "entity_id": 169, "extras": {"sideId": "1"}}
    settings = {"entity_type": "settings", "extras": {"token": "lva23gds1793skd0123apsod10"}}
    for example in (product, settings):
        assert orders_sandbox.call(
            "application.setEntityExtras", TOKEN, ENCODINGS[encoding](example)
        )
    account = orders_sandbox.world.accounts["api-demo"]
    assert account.products[169].extras == {"sideId": "1"}
    assert account.settings.extras == {"token": "lva23gds1793skd0123apsod10"}
    more = {"entity_type": "product", "entity_id": 169, "extras": json.dumps({"other": 2})}
    orders_sandbox.call("application.setEntityExtras", TOKEN, more)
    assert account.products[169].extras == {"sideId": "1", "other": 2}


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"entity_type": "product", "entity_id": 999, "extras": {"a": 1}}, 32),
        ({"entity_type": "product", "extras": {"a": 1}}, 34),
        ({"entity_type": "product", "entity_id": 169}, 34),
        ({"entity_type": "product", "entity_id": 169, "extras": "not json"}, 36),
        ({"entity_type": "planet", "entity_id": 1, "extras": {"a": 1}}, 400),
        ({"entity_type": "tablet", "entity_id": 1, "extras": {"a": 1}}, 400),
    ],
)
def test_refused_extras_change_nothing(
    orders_sandbox: PosterSandbox, orders_sink: RecordingSink, params: dict[str, Any], code: int
) -> None:
    before = orders_sandbox.world.model_dump()
    with pytest.raises(PosterError) as error:
        orders_sandbox.call("application.setEntityExtras", TOKEN, params)
    assert error.value.code == code
    assert orders_sandbox.world.model_dump() == before and orders_sink.events == []
