"""clients.getClients, clients.getClient and clients.createClient against the reference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

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
LIST_RESPONSE = reference("""{"response":[{"client_id":"55","firstname":"","lastname":"Антон",
 "patronymic":"","discount_per":"0","bonus":"10000","total_payed_sum":"0",
 "date_activale":"2017-10-09 15:28:14","phone":"+7 963 031-38-44","phone_number":"79630313844",
 "email":"bezmuki@gmail.com","birthday":"0000-00-00","card_number":"0","client_sex":"0",
 "country":"0","city":"0","comment":"0","address":"0","client_groups_id":"3",
 "client_groups_name":"Накопительная скидка","client_groups_discount":"0","loyalty_type":"1",
 "birthday_bonus":"0","delete":"0","ewallet":"0"}]}""")
ONE_RESPONSE = reference("""{"response":[{"client_id":"38","firstname":"Попова",
 "lastname":"000022","patronymic":"Елена","discount_per":"0","bonus":"0",
 "total_payed_sum":"417000","date_activale":"2016-04-23 05:14:26","phone":"+380 50 11-11-111",
 "phone_number":"380501111111","email":"contact@joinposter.com","birthday":"1986-11-23",
 "card_number":"0000000000222","client_sex":"0","country":"","city":"","comment":"",
 "address":"","client_groups_id":"7","client_groups_name":"Постоянный клиент",
 "client_groups_discount":"0","loyalty_type":"2","birthday_bonus":"0",
 "accumulation_products":{},"prize_products":[],"ewallet":"1000"}]}""")
CREATE_EXAMPLE = {
    "client_name": "Попова Елена Андреевна",
    "client_sex": 2,
    "client_groups_id_client": 7,
    "card_number": "0000000000222",
    "discount_per": 0,
    "phone": "+380519911122",
    "email": "contact@joinposter.com",
    "birthday": "1986-11-23",
    "bonus": 10,
    "total_payed_sum": 417000,
}


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_get_clients_example(orders_sandbox: PosterSandbox, encoding: str) -> None:
    answer = orders_sandbox.call(
        "clients.getClients", TOKEN, ENCODINGS[encoding]({"num": 100, "offset": 0})
    )
    assert_shape(answer, LIST_RESPONSE)
    ids = [int(c["client_id"]) for c in answer]
    assert ids == sorted(ids, reverse=True) and 4985 in ids


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_get_client_example(orders_sandbox: PosterSandbox, encoding: str) -> None:
    answer = orders_sandbox.call("clients.getClient", TOKEN, ENCODINGS[encoding]({"client_id": 6}))
    assert_shape(answer, ONE_RESPONSE)
    assert answer[0]["client_id"] == "6"
    with pytest.raises(PosterError) as missing:
        orders_sandbox.call("clients.getClient", TOKEN, {"client_id": 999})
    assert (missing.value.code, missing.value.field) == (32, "client_id")


def test_filters_paging_and_sorting(orders_sandbox: PosterSandbox) -> None:
    call = orders_sandbox.call
    by_phone = call("clients.getClients", TOKEN, {"phone": "+7 (963) 031 38 44"})
    assert [c["client_id"] for c in by_phone] == ["55"]
    group = call("clients.getClients", TOKEN, {"group_id": "7"})
    assert {c["client_id"] for c in group} == {"38"}
    first_two = call("clients.getClients", TOKEN, {"num": 2, "offset": 1, "sort": "asc"})
    assert [c["client_id"] for c in first_two] == ["3", "4"]
    birthday = call("clients.getClients", TOKEN, {"birthday": "1123"})
    assert {c["client_id"] for c in birthday} == {"4", "38"}
    only = call("clients.getClients", TOKEN, {"client_id_only": "true", "num": 1})
    assert only == [{"client_id": "4985"}]
    by_name = call("clients.getClients", TOKEN, {"order_by": "lastname", "sort": "asc", "num": 1})
    assert by_name[0]["lastname"] == "Антон"
    with pytest.raises(PosterError):
        call("clients.getClients", TOKEN, {"sort": "sideways"})


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_create_client_example(
    orders_sandbox: PosterSandbox, orders_sink: RecordingSink, encoding: str
) -> None:
    client_id = orders_sandbox.call(
        "clients.createClient", TOKEN, ENCODINGS[encoding](CREATE_EXAMPLE)
    )
    assert isinstance(client_id, int) and client_id > 4985
    [client] = orders_sandbox.call("clients.getClient", TOKEN, {"client_id": client_id})
    assert (client["lastname"], client["firstname"], client["patronymic"]) == (
        "Попова",
        "Елена",
        "Андреевна",
    )
    assert client["phone_number"] == "380519911122" and client["client_groups_id"] == "7"
    assert orders_sink.seen() == [("client", client_id, "added")]


BAD = [
    ({"client_name": ""}, 34),
    ({"client_groups_id_client": 99}, 32),
    ({"phone": "+380 68 411 22 24"}, 99),  # customer 4985's phone
    ({"client_sex": 5}, 400),
    ({"birthday": "1986/11/23"}, 400),
]


@pytest.mark.parametrize(("change", "code"), BAD)
def test_refused_create_changes_nothing(
    orders_sandbox: PosterSandbox, orders_sink: RecordingSink, change: dict[str, Any], code: int
) -> None:
    before = orders_sandbox.world.model_dump()
    with pytest.raises(PosterError) as error:
        orders_sandbox.call("clients.createClient", TOKEN, {**CREATE_EXAMPLE, **change})
    assert error.value.code == code
    assert orders_sandbox.world.model_dump() == before and orders_sink.events == []
