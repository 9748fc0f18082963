"""Countertop's REST API v2, as a client of the real one would meet it.

=====  ==========================================  ======================================
GET    /v2/stores                                  ``{"stores": [...]}``
GET    /v2/stores/{store}/hours                    ``{"storeId", "timeZone", "openingHours":
                                                   [{"day": "MON", "opens", "closes"}]}``
GET    /v2/stores/{store}/catalog                  ``{"storeId", "currency", "sections":
                                                   [{..., "products": [...]}]}``
GET    /v2/stores/{store}/products/{sku}           ``{"product": {...}}`` (404 if not sold)
POST   /v2/stores/{store}/tickets                  201 ``{"ticket": {...}}``
GET    /v2/stores/{store}/tickets?reference=&createdAfter=  ``{"tickets": [...], "hasMore"}``
GET    /v2/tickets/{id}                            ``{"ticket": {...}}``
POST   /v2/tickets/{id}/void                       ``{"ticket": {...}}`` (409 once closed)
POST   /v2/stores/{store}/bookings                 201 ``{"booking": {...}}``
GET    /v2/stores/{store}/bookings?reference=      ``{"bookings": [...]}``
GET    /v2/bookings/{id}                           ``{"booking": {...}}``
=====  ==========================================  ======================================

Every call needs ``Authorization: Bearer <API key>`` (401 ``invalid_api_key``, 403
``api_key_revoked``). Errors are ``{"error": {"type", "code", "message", "param"}}``:
422 for what cannot be sold or is malformed, 404 ``resource_missing``, 409 for a store
that is offline or a ticket that cannot move, 429 with ``Retry-After``, 503 when down.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.rest_pos.errors import CountertopError
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox
from orderbridge.sandboxes.rest_pos.state import Store

Handler = Callable[[Request], Awaitable[Any]]


def _answer(body: Any, status: int = 200) -> Response:
    return JSONResponse(body, status_code=status)


async def _body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        decoded = json.loads(raw) if raw else {}
    except ValueError:
        raise CountertopError(400, "invalid_json", "the body is not JSON") from None
    if not isinstance(decoded, dict):
        raise CountertopError(400, "invalid_json", "the body must be a JSON object")
    return decoded


def catalog(store: Store, *, public: bool = True) -> dict[str, Any]:
    """A store's catalog as ``GET …/catalog`` answers it (hidden products left out)."""
    sections = []
    for section in sorted(store.sections, key=lambda s: s.position):
        products = [
            p.model_dump(exclude={"sectionId"})
            for p in store.products.values()
            if p.sectionId == section.id and (p.visible or not public)
        ]
        sections.append({**section.model_dump(), "products": products})
    return {"storeId": store.id, "currency": store.currency, "sections": sections}


def api_routes(sandbox: CountertopSandbox) -> list[BaseRoute]:
    def endpoint(handler: Handler, *, writes: bool = False, status: int = 200) -> Handler:
        async def run(request: Request) -> Response:
            faults = sandbox.faults
            try:
                sandbox.authorize(request.headers.get("authorization"))
                if faults.config.latency_ms:
                    await sandbox.sleep(faults.config.latency_ms / 1000)
                fault = faults.before_call()
                if fault == "http_5xx":
                    raise CountertopError(503, "service_unavailable", "try again shortly")
                if fault == "rate_limit":
                    error = CountertopError(429, "rate_limited", "too many requests")
                    wait = str(faults.config.retry_after_seconds)
                    return JSONResponse(error.body(), 429, headers={"Retry-After": wait})
                result = await handler(request)
            except CountertopError as error:
                return JSONResponse(error.body(), status_code=error.status)
            if writes:
                sandbox.dirty = True
                if faults.hang_after_write():  # done, but the answer never comes
                    await sandbox.sleep(faults.config.hang_seconds)
            return _answer(result, status)

        return run

    async def stores(request: Request) -> Any:
        shown = [
            s.model_dump(exclude={"sections", "products", "openingHours"})
            for s in sandbox.world.stores.values()
        ]
        return {"stores": shown}

    async def store_hours(request: Request) -> Any:
        store = sandbox.store(request.path_params["store"])
        hours = [h.model_dump() for h in store.openingHours]
        return {"storeId": store.id, "timeZone": store.timeZone, "openingHours": hours}

    async def store_catalog(request: Request) -> Any:
        return catalog(sandbox.store(request.path_params["store"]))

    async def product(request: Request) -> Any:
        store = sandbox.store(request.path_params["store"])
        found = store.products.get(request.path_params["sku"])
        if found is None or not found.visible:
            raise CountertopError(404, "resource_missing", "No such product")
        return {"product": found.model_dump()}

    async def create_ticket(request: Request) -> Any:
        ticket = sandbox.create_ticket(request.path_params["store"], await _body(request))
        return {"ticket": ticket.model_dump()}

    async def list_tickets(request: Request) -> Any:
        query = request.query_params
        found = sandbox.find_tickets(
            request.path_params["store"], query.get("reference"), query.get("createdAfter")
        )
        return {"tickets": [t.model_dump() for t in found[-100:]], "hasMore": len(found) > 100}

    async def get_ticket(request: Request) -> Any:
        return {"ticket": sandbox.ticket(request.path_params["id"]).model_dump()}

    async def void_ticket(request: Request) -> Any:
        body = await _body(request)
        reason = body.get("reason")
        ticket = sandbox.move_ticket(
            request.path_params["id"], "voided", reason=reason if isinstance(reason, str) else ""
        )
        return {"ticket": ticket.model_dump()}

    async def create_booking(request: Request) -> Any:
        booking = sandbox.create_booking(request.path_params["store"], await _body(request))
        return {"booking": booking.model_dump()}

    async def list_bookings(request: Request) -> Any:
        store = sandbox.store(request.path_params["store"])
        reference = request.query_params.get("reference")
        found = [
            b.model_dump()
            for b in sandbox.world.bookings.values()
            if b.storeId == store.id and (reference is None or b.reference == reference)
        ]
        return {"bookings": found}

    async def get_booking(request: Request) -> Any:
        return {"booking": sandbox.booking(request.path_params["id"]).model_dump()}

    return [
        Route("/v2/stores", endpoint(stores)),
        Route("/v2/stores/{store}/hours", endpoint(store_hours)),
        Route("/v2/stores/{store}/catalog", endpoint(store_catalog)),
        Route("/v2/stores/{store}/products/{sku}", endpoint(product)),
        Route(
            "/v2/stores/{store}/tickets",
            endpoint(create_ticket, writes=True, status=201),
            methods=["POST"],
        ),
        Route("/v2/stores/{store}/tickets", endpoint(list_tickets), methods=["GET"]),
        Route("/v2/tickets/{id}", endpoint(get_ticket)),
        Route("/v2/tickets/{id}/void", endpoint(void_ticket, writes=True), methods=["POST"]),
        Route(
            "/v2/stores/{store}/bookings",
            endpoint(create_booking, writes=True, status=201),
            methods=["POST"],
        ),
        Route("/v2/stores/{store}/bookings", endpoint(list_bookings), methods=["GET"]),
        Route("/v2/bookings/{id}", endpoint(get_booking)),
    ]


def decimal_of_minor(value: Any) -> Decimal:
    """A price given in minor units (the control API's, as the issue fixes it) → decimal."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise CountertopError(422, "invalid_price", "price must be whole minor units ≥ 0")
    return Decimal(value) / 100
