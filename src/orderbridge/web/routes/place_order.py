"""``POST /api/v1/orders``: one order placed, answered 201 once it has committed.

The storefront's busiest request. It is declared on the API's router
(``routes.storefront.create_order``: the OpenAPI document, and the generic way for the
requests the direct lane leaves to it, those with a query string) and served on the
direct lane (``web.direct``) by :class:`PlaceOrder`. FastAPI's route walk, dependency
solving and body handling cost 300–800 µs of CPU per order, a quarter of placing it
(``bench/request_cpu.py``; docs/benchmarks.md, round 4). :class:`PlaceOrder` does the
same work itself, in FastAPI's order and with its errors, so a client cannot tell the two apart
(``tests/integration/api/test_place_order_lane.py`` sends every kind of bad request
both ways):

1. the body (:func:`body_value`): empty is missing; with a JSON ``Content-Type``
   (``application/json`` or ``…+json``) it is parsed, and JSON that does not parse is
   answered 400 ``malformed_json`` before the key is looked at, as FastAPI parses it
   before solving dependencies; with any other ``Content-Type``, or none, it stays
   bytes, which the model refuses (415);
2. the API key (``deps.authenticate``: 401, 429);
3. the ``Idempotency-Key`` header (at most 255 characters) and the body, validated by
   adapters built once; their errors together, the header's first, as one
   ``RequestValidationError`` answered by the app's handler like FastAPI's own.

The body is parsed with ``json.loads`` and validated in pydantic's python mode, as
FastAPI does, rather than with ``validate_json`` in one step: the two differ at the
edges (strict fields, UTF-16 bodies, ``NaN``), and one step saved 3 µs of ~25 (the
customer's phone number is most of it).
"""

from __future__ import annotations

import email.message
import functools
import json
from typing import Annotated, Any

from fastapi import APIRouter
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import Field, TypeAdapter, ValidationError
from starlette.datastructures import State
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from orderbridge.log_context import bind_log_context
from orderbridge.messaging.pressure import INTAKE
from orderbridge.services.errors import ServiceError
from orderbridge.storage.api_keys import Caller
from orderbridge.web.convert import order_to_out
from orderbridge.web.deps import authenticate
from orderbridge.web.direct import DirectRoute, read_body
from orderbridge.web.errors import api_error
from orderbridge.web.metrics import HubMetrics
from orderbridge.web.order_intake import Placement, order_intake
from orderbridge.web.schemas import OrderIn

PATH = "/api/v1/orders"
IDEMPOTENCY_KEY_LONGEST = 255
IdempotencyKey = Annotated[str | None, Field(max_length=IDEMPOTENCY_KEY_LONGEST)]

_ORDER_IN: TypeAdapter[OrderIn] = TypeAdapter(OrderIn)
_KEY: TypeAdapter[str | None] = TypeAdapter(IdempotencyKey)
_KEY_HEADER = b"idempotency-key"
_WANTED = frozenset({b"authorization", b"content-type", _KEY_HEADER})
# What FastAPI answers when reading or decoding the body fails other than as bad JSON.
_UNPARSABLE = "There was an error parsing the body"


async def place_order(
    request: Request, who: Caller, body: OrderIn, idempotency_key: str | None
) -> Response:
    """Place ``body`` for ``who`` with the app's intake and answer it: 201 with the
    order (``Idempotent-Replayed`` on a repeat), or the service's refusal raised as
    :class:`ApiError`. Both ways in (the lane, FastAPI's route) end here.

    The answer is serialised here, once, straight from the ``OrderOut`` built for it.
    """
    placement = Placement(
        body=body,
        tenant_id=who.tenant_id,
        placed_by=who.owner_id,
        sees_all=who.is_admin,
        idempotency_key=idempotency_key,
    )
    metrics: HubMetrics = request.app.state.metrics
    intake = order_intake(request)
    try:
        with INTAKE:  # the worker defers while orders wait (messaging/pressure.py)
            placed = await intake.place(placement)
    except ServiceError as error:
        metrics.count_ingested("storefront_order", "rejected")
        raise api_error(error) from None
    metrics.count_ingested("storefront_order", "stored" if placed.created else "duplicate")
    out = order_to_out(placed.stored.order, updated_at=placed.stored.updated_at)
    bind_log_context(order_id=out.id)
    headers = {"Location": f"{PATH}/{out.id}"}
    if not placed.created:
        headers["Idempotent-Replayed"] = "true"
    return Response(
        out.model_dump_json(by_alias=True),
        status_code=201,
        headers=headers,
        media_type="application/json",
    )


@functools.lru_cache(maxsize=64)
def is_json_media(content_type: str) -> bool:
    """Whether FastAPI parses a body sent with ``content_type`` as JSON (values repeat:
    each is parsed once)."""
    message = email.message.Message()
    message["content-type"] = content_type
    if message.get_content_maintype() != "application":
        return False
    subtype = message.get_content_subtype()
    return subtype == "json" or subtype.endswith("+json")


def body_value(body: bytes, content_type: str | None) -> Any:
    """What FastAPI hands the body's model: None for an empty body, the parsed JSON
    when ``content_type`` says JSON, else the bytes. Raises as FastAPI does for a body
    that does not parse."""
    if not body:
        return None
    if not content_type or not is_json_media(content_type):
        return body
    try:
        return json.loads(body)
    except json.JSONDecodeError as error:
        problem = {
            "type": "json_invalid",
            "loc": ("body", error.pos),
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": error.msg},
        }
        raise RequestValidationError([problem], body=error.doc) from None
    except Exception:  # not UTF-8/16/32, nested too deep …
        raise HTTPException(400, _UNPARSABLE) from None


def _located(prefix: tuple[str, ...], error: ValidationError) -> list[dict[str, Any]]:
    return [{**e, "loc": prefix + tuple(e["loc"])} for e in error.errors(include_url=False)]


def validated(value: Any, key: str | None) -> tuple[OrderIn, str | None]:
    """The body as :class:`OrderIn` and the ``Idempotency-Key``, or
    ``RequestValidationError`` with the errors of both (the header's first)."""
    errors: list[dict[str, Any]] = []
    try:
        key = _KEY.validate_python(key)
    except ValidationError as error:
        errors += _located(("header", "idempotency-key"), error)
    order = None
    if value is None:
        errors.append({"type": "missing", "loc": ("body",), "msg": "Field required", "input": None})
    else:
        try:
            order = _ORDER_IN.validate_python(value, from_attributes=True)
        except ValidationError as error:
            errors += _located(("body",), error)
    if errors or order is None:
        raise RequestValidationError(errors)
    return order, key


def _headers(scope: Scope) -> dict[bytes, str]:
    """The first value of each header the endpoint reads, as Starlette's ``Headers.get``."""
    found: dict[bytes, str] = {}
    for name, value in scope["headers"]:
        if name in _WANTED and name not in found:
            found[name] = value.decode("latin-1")
    return found


class PlaceOrder:
    """The direct lane's ASGI endpoint of ``POST /api/v1/orders`` (module docstring)."""

    def __init__(self, state: State) -> None:
        self._state = state  # the app's: its context and API keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = _headers(scope)
        try:
            body = await read_body(receive)
        except ClientDisconnect:
            raise HTTPException(400, _UNPARSABLE) from None
        value = body_value(body, headers.get(b"content-type"))
        state = self._state
        who = await authenticate(
            headers.get(b"authorization", ""), state.api_keys, state.context.rate_limits
        )
        order, key = validated(value, headers.get(_KEY_HEADER))
        response = await place_order(Request(scope), who, order, key)
        await response(scope, receive, send)


def mount(state: State, declared_in: APIRouter) -> None:
    """Serve ``POST /api/v1/orders`` on the direct lane of the app whose ``state`` this
    is; the route itself is declared in ``declared_in`` (``routes.storefront``)."""
    declared = next(
        route
        for route in declared_in.routes
        if isinstance(route, APIRoute) and route.path == PATH and "POST" in (route.methods or ())
    )
    routes = getattr(state, "direct_routes", {})
    state.direct_routes = {**routes, PATH: DirectRoute(PlaceOrder(state), declared)}
