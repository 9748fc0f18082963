"""The pieces the handlers are made of: field paths and error bodies from each cause."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from orderbridge.domain.errors import CurrencyMismatchError, DomainError
from orderbridge.domain.validation import ProblemCode, ValidationProblem
from orderbridge.web.errors import (
    ApiError,
    body_from_domain_error,
    body_from_problems,
    body_from_validation_error,
    error_body,
    field_path,
)
from orderbridge.web.schemas import LocationStatusIn, OrderIn


@pytest.mark.parametrize(
    ("loc", "path"),
    [
        (("body", "items", 0, "item_id"), "items[0].item_id"),
        (("items", 0, "modifiers", 1, "quantity"), "items[0].modifiers[1].quantity"),
        (("body", "customer", "phone"), "customer.phone"),
        (("query", "limit"), "query.limit"),
        (("body",), None),
        ((), None),
        (("body", 3), "[3]"),
    ],
)
def test_pydantic_locations_become_designs_field_paths(
    loc: tuple[int | str, ...], path: str | None
) -> None:
    assert field_path(loc) == path


def test_a_body_without_problems_leaves_the_list_out() -> None:
    assert error_body("not_found", "gone").model_dump(mode="json") == {
        "error": {"code": "not_found", "message": "gone", "field": None}
    }


def test_a_domain_error_keeps_its_code_message_and_field() -> None:
    error = CurrencyMismatchError("paid in EUR", field="payment.currency")
    assert body_from_domain_error(error).model_dump(mode="json")["error"] == {
        "code": "currency_mismatch",
        "message": "paid in EUR",
        "field": "payment.currency",
    }
    assert body_from_domain_error(DomainError("odd")).error.code == "domain_error"


def test_problems_give_the_first_as_the_error_and_all_in_the_list() -> None:
    problems = [
        ValidationProblem(ProblemCode.LOCATION_PAUSED, "paused", "location_id"),
        ValidationProblem(ProblemCode.UNKNOWN_ITEM, "no such item", "items[2].item_id"),
    ]
    error = body_from_problems(problems).model_dump(mode="json")["error"]
    assert (error["code"], error["field"]) == ("location_paused", "location_id")
    assert [p["code"] for p in error["problems"]] == ["location_paused", "unknown_item"]


def test_an_empty_problem_list_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        body_from_problems([])


def test_an_api_error_from_problems_keeps_them_all() -> None:
    problems = [ValidationProblem(ProblemCode.UNKNOWN_ITEM, "no such item", "items[0].item_id")]
    api_error = ApiError.from_problems(problems, status=409)
    assert (api_error.status, api_error.code, api_error.field) == (
        409,
        "unknown_item",
        "items[0].item_id",
    )
    assert api_error.body().error.problems is not None


def test_an_api_error_from_a_domain_error_is_a_422() -> None:
    api_error = ApiError.from_domain(DomainError("bad", field="note", code="odd_note"))
    assert (api_error.status, api_error.code, api_error.message, api_error.field) == (
        422,
        "odd_note",
        "bad",
        "note",
    )


def test_a_whole_model_rule_is_reported_without_a_field() -> None:
    with pytest.raises(ValidationError) as caught:
        LocationStatusIn.model_validate({"action": "resume", "reason": "x"})
    error = body_from_validation_error(caught.value).error
    assert (error.code, error.field) == ("invalid_value", None)
    assert error.message == "a resume takes no until and no reason"


def test_missing_and_unknown_fields_get_messages_that_name_them() -> None:
    with pytest.raises(ValidationError) as caught:
        OrderIn.model_validate({"itemz": []})
    problems = body_from_validation_error(caught.value).error.problems or []
    messages = {p.field: p.message for p in problems}
    assert messages["location_id"] == "location_id is required"
    assert messages["itemz"] == "itemz is not a field of this request"


def test_an_unclassified_validator_error_is_an_invalid_request() -> None:
    odd = {"type": "value_error", "loc": ("note",), "input": 1, "ctx": {"error": ValueError("odd")}}
    error = ValidationError.from_exception_data("Thing", [odd])  # type: ignore[list-item]
    detail = body_from_validation_error(error).error
    assert (detail.code, detail.message, detail.field) == ("invalid_request", "odd", "note")
