"""The OpenAPI document's examples are exactly what the routes' models accept and send."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from orderbridge.web import openapi_examples as examples
from orderbridge.web.schemas import (
    LocationStatusIn,
    MenuOut,
    OrderIn,
    OrderOut,
    ReservationIn,
    ReservationOut,
)

REQUESTS: dict[tuple[str, str], type[BaseModel]] = {
    ("post", "/api/v1/orders"): OrderIn,
    ("post", "/api/v1/reservations"): ReservationIn,
    ("post", "/api/v1/locations/{location_id}/status"): LocationStatusIn,
}
RESPONSES: dict[tuple[str, str, str], type[BaseModel]] = {
    ("post", "/api/v1/orders", "201"): OrderOut,
    ("get", "/api/v1/orders/{order_id}", "200"): OrderOut,
    ("post", "/api/v1/reservations", "201"): ReservationOut,
    ("get", "/api/v1/reservations/{reservation_id}", "200"): ReservationOut,
    ("get", "/api/v1/locations/{location_id}/menu", "200"): MenuOut,
}


def test_every_example_is_checked_here() -> None:
    assert set(examples.REQUEST_EXAMPLES) == set(REQUESTS)
    assert set(examples.RESPONSE_EXAMPLES) == set(RESPONSES)


@pytest.mark.parametrize(
    ("operation", "name", "body"),
    [
        (operation, name, body)
        for operation, named in examples.REQUEST_EXAMPLES.items()
        for name, (_summary, body) in named.items()
    ],
)
def test_request_examples_are_accepted_by_the_route_model(
    operation: tuple[str, str], name: str, body: dict[str, Any]
) -> None:
    REQUESTS[operation].model_validate(body)


@pytest.mark.parametrize(("operation", "body"), list(examples.RESPONSE_EXAMPLES.items()))
def test_response_examples_are_complete_and_exact(
    operation: tuple[str, str, str], body: dict[str, Any]
) -> None:
    """Parsed by the answer's model and dumped again, the example comes back unchanged:
    no field missing, none extra, every value in the form the API sends it. When this
    fails after a schema change, update the example in web/openapi_examples.py."""
    model = RESPONSES[operation]
    assert model.model_validate(body).model_dump(mode="json") == body
