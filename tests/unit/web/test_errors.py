"""Every failure of a FastAPI app with the handlers installed answers the API's error body."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Query
from sqlalchemy.exc import DataError
from starlette.exceptions import HTTPException

from orderbridge.domain.drafts import DraftLine
from orderbridge.domain.errors import InvalidValueError
from orderbridge.domain.validation import validate_order
from orderbridge.web.errors import ApiError, install_error_handlers
from orderbridge.web.schemas import OrderIn
from tests.unit.domain.cafe import NOW, cafe_menu, draft, kyiv_location
from tests.unit.web.bodies import order_body

LIMIT = 4096
pytestmark = pytest.mark.anyio


class _DriverError(Exception):
    """A driver's error as psycopg raises them: a message and a SQLSTATE."""

    def __init__(self, message: str, *, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def build_app() -> FastAPI:
    """A tiny app with one route per kind of failure."""
    app = FastAPI()
    install_error_handlers(app, max_body_bytes=LIMIT)

    @app.post("/orders", status_code=201)
    def create_order(body: OrderIn) -> dict[str, str]:
        return {"channel_order_id": body.channel_order_id}

    @app.get("/orders")
    def list_orders(limit: int = Query(10, le=100)) -> dict[str, int]:
        return {"limit": limit}

    @app.get("/fail/api")
    def api_error() -> None:
        raise ApiError(404, "unknown_order", "no order ord_9", headers={"X-Why": "test"})

    @app.get("/fail/domain")
    def domain_error() -> None:
        raise InvalidValueError("bad phone", field="customer.phone", code="invalid_phone")

    @app.get("/fail/problems")
    def problems() -> None:
        order = draft(DraftLine("espresso", 1), DraftLine("latte", 1))
        status = kyiv_location().status_at(NOW)
        raise ApiError.from_problems(
            validate_order(order, menu=cafe_menu(), status=status, now=NOW)
        )

    @app.get("/fail/pydantic")
    def pydantic_error() -> None:
        OrderIn.model_validate({"location_id": "x"})

    @app.get("/fail/conflict")
    def conflict() -> None:
        raise HTTPException(409, "the order is already canceled")

    @app.get("/fail/teapot")
    def teapot() -> None:
        raise HTTPException(418)

    @app.get("/fail/bug")
    def bug() -> None:
        raise RuntimeError("token=s3cr3t in a traceback")

    @app.get("/fail/overflow")
    def overflow() -> None:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    @app.get("/fail/nul")
    def nul() -> None:
        orig = ValueError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
        raise DataError("SELECT …", {}, orig)

    @app.get("/fail/too-long")
    def too_long() -> None:
        raise DataError("INSERT …", {}, _DriverError("value too long", sqlstate="22001"))

    @app.get("/fail/data-bug")
    def data_bug() -> None:
        raise DataError("SELECT …", {}, _DriverError("invalid input syntax", sqlstate="22P02"))

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    # raise_app_exceptions=False: a bug's 500 is answered, then re-raised for the server log.
    transport = httpx.ASGITransport(app=build_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as test_client:
        yield test_client


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The ``error`` object of a response, after checking status and the body's outline."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"}
    assert (
        {"code", "message", "field"}
        <= set(body["error"])
        <= {"code", "message", "field", "problems"}
    )
    error: dict[str, Any] = body["error"]
    return error


async def post(client: httpx.AsyncClient, body: Any) -> httpx.Response:
    return await client.post("/orders", json=body)


async def test_a_valid_order_passes_through(client: httpx.AsyncClient) -> None:
    assert (await post(client, order_body())).status_code == 201


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ({k: v for k, v in order_body().items() if k != "items"}, "missing_field", "items"),
        (order_body(quantiy=2), "unknown_field", "quantiy"),
        (
            order_body(items=[{"item_id": "latte", "quantity": "2"}]),
            "invalid_type",
            "items[0].quantity",
        ),
        (
            order_body(items=[{"item_id": "latte", "quantity": 100}]),
            "value_out_of_range",
            "items[0].quantity",
        ),
        (
            order_body(
                items=[{"item_id": "latte", "quantity": 1, "modifiers": [{"modifier_id": ""}]}]
            ),
            "value_out_of_range",
            "items[0].modifiers[0].modifier_id",
        ),
        (order_body(items=[]), "value_out_of_range", "items"),
        (
            order_body(fulfillment={"type": "pickup", "time": "2026-11-22T18:30:00"}),
            "naive_datetime",
            "fulfillment.time",
        ),
        (order_body(fulfillment={"type": "takeaway"}), "invalid_value", "fulfillment.type"),
        (order_body(customer={"phone": "+380 00 000 00 00"}), "invalid_phone", "customer.phone"),
        (order_body(customer={"email": "olena@"}), "invalid_email", "customer.email"),
        ([], "invalid_type", None),
    ],
)
async def test_invalid_bodies_answer_422_at_the_field(
    client: httpx.AsyncClient, body: Any, code: str, field: str | None
) -> None:
    error = error_of(await post(client, body), 422)
    assert (error["code"], error["field"]) == (code, field)
    assert error["problems"][0] == {k: error[k] for k in ("code", "message", "field")}


async def test_every_problem_of_a_body_is_listed(client: httpx.AsyncClient) -> None:
    body = order_body(items=[{"item_id": "latte", "quantity": 0}], fulfilment={}, note=5)
    error = error_of(await post(client, body), 422)
    assert [(p["code"], p["field"]) for p in error["problems"]] == [
        ("value_out_of_range", "items[0].quantity"),
        ("invalid_type", "note"),
        ("unknown_field", "fulfilment"),
    ]


async def test_messages_do_not_repeat_personal_data(client: httpx.AsyncClient) -> None:
    response = await post(
        client, order_body(customer={"phone": "+380 00 000 00 00", "email": "olena@x"})
    )
    assert "000 00 00" not in response.text and "olena@x" not in response.text


async def test_malformed_json_answers_400(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/orders", content=b'{"location_id": ', headers={"content-type": "application/json"}
    )
    error = error_of(response, 400)
    assert (error["code"], error["field"]) == ("malformed_json", None)


async def test_an_empty_body_is_a_missing_body(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/orders", content=b"", headers={"content-type": "application/json"}
    )
    error = error_of(response, 422)
    assert (error["code"], error["field"]) == ("missing_field", None)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/xml", None]
)
async def test_a_body_that_is_not_sent_as_json_answers_415(
    client: httpx.AsyncClient, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post(
        "/orders", content=json.dumps(order_body()).encode(), headers=headers
    )
    assert error_of(response, 415)["code"] == "unsupported_media_type"


async def test_a_json_subtype_is_json(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/orders",
        content=json.dumps(order_body()).encode(),
        headers={"content-type": "application/vnd.orderbridge+json; charset=utf-8"},
    )
    assert response.status_code == 201


async def test_a_declared_body_over_the_limit_answers_413(client: httpx.AsyncClient) -> None:
    body = order_body(note="n" * 1000, items=[{"item_id": "x" * 100, "quantity": 1}] * 40)
    error = error_of(await post(client, body), 413)
    assert error["code"] == "payload_too_large" and str(LIMIT) in error["message"]


async def test_a_streamed_body_over_the_limit_answers_413(client: httpx.AsyncClient) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"note": "'
        for _ in range(10):
            yield b"n" * 1000
        yield b'"}'

    response = await client.post(
        "/orders", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    assert error_of(response, 413)["code"] == "payload_too_large"


async def test_an_unknown_route_answers_404(client: httpx.AsyncClient) -> None:
    error = error_of(await client.get("/nowhere"), 404)
    assert error["code"] == "not_found" and "/nowhere" in error["message"]


async def test_a_wrong_method_answers_405_with_allow(client: httpx.AsyncClient) -> None:
    """``Allow`` names every method of the path, though two routes serve them."""
    response = await client.delete("/orders")
    assert error_of(response, 405)["code"] == "method_not_allowed"
    assert response.headers["allow"] == "GET, POST"


async def test_a_bad_query_parameter_is_named(client: httpx.AsyncClient) -> None:
    error = error_of(await client.get("/orders", params={"limit": 1000}), 422)
    assert (error["code"], error["field"]) == ("value_out_of_range", "query.limit")


async def test_an_api_error_answers_its_status_code_and_headers(client: httpx.AsyncClient) -> None:
    response = await client.get("/fail/api")
    error = error_of(response, 404)
    assert error == {"code": "unknown_order", "message": "no order ord_9", "field": None}
    assert response.headers["x-why"] == "test"


async def test_a_domain_error_answers_422_with_its_code_and_field(
    client: httpx.AsyncClient,
) -> None:
    error = error_of(await client.get("/fail/domain"), 422)
    assert error == {"code": "invalid_phone", "message": "bad phone", "field": "customer.phone"}


async def test_validation_problems_answer_the_first_and_list_all(client: httpx.AsyncClient) -> None:
    error = error_of(await client.get("/fail/problems"), 422)
    assert (error["code"], error["field"]) == ("unknown_item", "items[0].item_id")
    assert [(p["code"], p["field"]) for p in error["problems"]] == [
        ("unknown_item", "items[0].item_id"),
        ("variant_required", "items[1].variant_id"),
    ]


async def test_a_pydantic_error_inside_a_route_answers_422(client: httpx.AsyncClient) -> None:
    error = error_of(await client.get("/fail/pydantic"), 422)
    assert (error["code"], error["field"]) == ("missing_field", "channel_order_id")


@pytest.mark.parametrize(
    ("path", "status", "code", "message"),
    [
        ("/fail/conflict", 409, "conflict", "the order is already canceled"),
        ("/fail/teapot", 418, "http_error", "I'm a Teapot"),
    ],
)
async def test_http_exceptions_answer_in_the_same_shape(
    client: httpx.AsyncClient, path: str, status: int, code: str, message: str
) -> None:
    error = error_of(await client.get(path), status)
    assert (error["code"], error["message"]) == (code, message)


async def test_a_bug_answers_a_bare_500(client: httpx.AsyncClient) -> None:
    response = await client.get("/fail/bug")
    assert error_of(response, 500) == {
        "code": "internal_error",
        "message": "internal error",
        "field": None,
    }
    assert "s3cr3t" not in response.text


@pytest.mark.parametrize("path", ["/fail/overflow", "/fail/nul", "/fail/too-long"])
async def test_a_value_the_database_cannot_store_answers_400(
    client: httpx.AsyncClient, path: str
) -> None:
    """The safety net behind the request models' bounds: never a 500 for bad input."""
    assert error_of(await client.get(path), 400)["code"] == "invalid_value"


async def test_another_database_data_error_is_still_a_500(client: httpx.AsyncClient) -> None:
    assert error_of(await client.get("/fail/data-bug"), 500)["code"] == "internal_error"


async def test_nul_in_a_body_string_answers_422_at_its_field(client: httpx.AsyncClient) -> None:
    error = error_of(await post(client, order_body(note="a\x00b")), 422)
    assert (error["code"], error["field"]) == ("invalid_value", "note")
