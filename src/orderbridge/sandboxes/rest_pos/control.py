"""The sandbox's control API under ``/_sandbox/``: what a test or a demo does at the register.

Not part of Countertop's API. Register actions send Countertop's own webhooks, exactly
as a cashier's would:

====  ====================================  ==============================================
GET   /_sandbox/orders                      every ticket (``?store=``)
POST  /_sandbox/orders/{id}/accept          open → accepted
POST  /_sandbox/orders/{id}/decline         open → rejected
POST  /_sandbox/orders/{id}/close           → closed (accepted first if still open)
POST  /_sandbox/orders/{id}/void            → voided (``{"reason"}``)
GET   /_sandbox/bookings                    every booking
POST  /_sandbox/bookings/{id}/{action}      confirm, decline, seat, finish, cancel
POST  /_sandbox/products/{sku}              ``{"price": minor units, "available": bool,
                                            "store": id}`` → ``product.updated``
POST  /_sandbox/availability                ``{"online": bool, "store": id}`` →
                                            ``store.availability_changed``
POST  /_sandbox/hours                       ``{"hours": [{"day": "MON", "opens": "09:00",
                                            "closes": "22:00"}], "store": id}`` →
                                            ``store.hours_changed``
GET   /_sandbox/faults, POST (merge; ``?replace=1``)
GET   /_sandbox/webhooks (``?type=``), DELETE; POST /_sandbox/webhooks/idle (wait)
POST  /_sandbox/webhook-endpoint            ``{"url", "secret"}``
POST  /_sandbox/keys/revoke, /restore       ``{"key"}``
POST  /_sandbox/state/save
====  ====================================  ==============================================

Errors answer 4xx ``{"error": {"code", "message"}}``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from orderbridge.sandboxes.rest_pos.api import decimal_of_minor
from orderbridge.sandboxes.rest_pos.errors import CountertopError
from orderbridge.sandboxes.rest_pos.faults import FaultConfig
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox
from orderbridge.sandboxes.rest_pos.state import OpeningHours
from orderbridge.sandboxes.rest_pos.webhooks import WebhookDispatcher

TICKET_ACTIONS: dict[str, tuple[str, ...]] = {
    "accept": ("accepted",),
    "decline": ("rejected",),
    "void": ("voided",),
    "close": ("accepted", "closed"),  # a cashier closing an open ticket accepts it first
}
BOOKING_ACTIONS = {
    "confirm": "confirmed",
    "decline": "declined",
    "seat": "seated",
    "finish": "finished",
    "cancel": "cancelled",
}
Handler = Callable[[Request], Awaitable[Any]]


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


async def _json(request: Request) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        raise CountertopError(400, "invalid_json", "the body is not JSON") from None
    if not isinstance(body, dict):
        raise CountertopError(400, "invalid_json", "the body must be a JSON object")
    return body


def close_ticket(sandbox: CountertopSandbox, ticket_id: str, action: str, reason: str = "") -> Any:
    """A register action on a ticket (the page and the control API share it)."""
    steps = TICKET_ACTIONS.get(action)
    if steps is None:
        raise CountertopError(404, "unknown_action", f"no ticket action {action!r}")
    ticket = sandbox.ticket(ticket_id)
    for status in steps:
        if action == "close" and status == "accepted" and ticket.status != "open":
            continue
        ticket = sandbox.move_ticket(ticket_id, status, reason=reason if action == "void" else None)
    return ticket


def control_routes(sandbox: CountertopSandbox, dispatcher: WebhookDispatcher) -> list[BaseRoute]:
    def endpoint(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            try:
                result = await handler(request)
            except CountertopError as error:
                return _error(error.status, error.code, error.message)
            return result if isinstance(result, Response) else JSONResponse(result)

        return run

    async def orders(request: Request) -> Any:
        store = request.query_params.get("store")
        found = [t for t in sandbox.world.tickets.values() if store is None or t.storeId == store]
        return {"orders": [t.model_dump() for t in found]}

    async def order_action(request: Request) -> Any:
        body = await _json(request)
        reason = body.get("reason") if isinstance(body.get("reason"), str) else ""
        ticket = close_ticket(
            sandbox, request.path_params["id"], request.path_params["action"], str(reason)
        )
        return {"order": ticket.model_dump()}

    async def bookings(request: Request) -> Any:
        return {"bookings": [b.model_dump() for b in sandbox.world.bookings.values()]}

    async def booking_action(request: Request) -> Any:
        state = BOOKING_ACTIONS.get(request.path_params["action"])
        if state is None:
            raise CountertopError(404, "unknown_action", "no such booking action")
        return {"booking": sandbox.move_booking(request.path_params["id"], state).model_dump()}

    async def product(request: Request) -> Any:
        body = await _json(request)
        unknown = set(body) - {"price", "available", "store"}
        if unknown or not ({"price", "available"} & set(body)):
            raise CountertopError(
                422, "invalid_change", 'send {"price": minor units, "available": bool}'
            )
        available = body.get("available")
        if available is not None and not isinstance(available, bool):
            raise CountertopError(422, "invalid_change", "available must be true or false")
        price = decimal_of_minor(body["price"]) if "price" in body else None
        store = body.get("store") if isinstance(body.get("store"), str) else None
        sku = request.path_params["sku"]
        changed = sandbox.change_product(sku, price=price, available=available, store_id=store)
        return {"sku": sku, "stores": changed}

    async def availability(request: Request) -> Any:
        body = await _json(request)
        online = body.get("online")
        if not isinstance(online, bool):
            raise CountertopError(422, "invalid_change", 'send {"online": true|false}')
        store = body.get("store") if isinstance(body.get("store"), str) else None
        return {"online": online, "stores": sandbox.set_online(online, store)}

    async def hours(request: Request) -> Any:
        body = await _json(request)
        given = body.get("hours")
        store = body.get("store") if isinstance(body.get("store"), str) else None
        if not isinstance(given, list) or set(body) - {"hours", "store"}:
            raise CountertopError(
                422, "invalid_change", 'send {"hours": [{"day", "opens", "closes"}, …]}'
            )
        try:
            parsed = [OpeningHours.model_validate(h) for h in given]
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise CountertopError(422, "invalid_change", f"{where}: {first['msg']}") from None
        return {"hours": len(parsed), "stores": sandbox.set_hours(parsed, store)}

    async def faults(request: Request) -> Any:
        if request.method == "POST":
            body = await _json(request)
            merged = (
                body
                if request.query_params.get("replace") == "1"
                else {
                    **sandbox.faults.config.model_dump(),
                    **body,
                }
            )
            try:
                sandbox.faults.configure(FaultConfig.model_validate(merged))
            except ValidationError as exc:
                first = exc.errors(include_url=False)[0]
                where = ".".join(str(p) for p in first["loc"])
                return _error(422, "invalid_faults", f"{where}: {first['msg']}")
        return sandbox.faults.config.model_dump()

    async def webhooks(request: Request) -> Any:
        if request.method == "DELETE":
            dispatcher.log.clear()
            return {"deleted": True}
        limit = request.query_params.get("limit", "1000")
        if not limit.isdigit():
            raise CountertopError(400, "invalid_limit", "limit must be a whole number")
        return {
            "deliveries": dispatcher.entries(
                kind=request.query_params.get("type"), limit=int(limit)
            )
        }

    async def idle(request: Request) -> Any:
        try:
            await dispatcher.idle()
        except TimeoutError:
            raise CountertopError(409, "still_busy", "webhook deliveries still pending") from None
        return {"idle": True}

    async def endpoint_config(request: Request) -> Any:
        body = await _json(request)
        url, secret = body.get("url"), body.get("secret")
        if not isinstance(url, str) or (secret is not None and not isinstance(secret, str)):
            raise CountertopError(422, "invalid_endpoint", 'send {"url": "…", "secret": "…"}')
        sandbox.world.webhook.url = url
        if secret:
            sandbox.world.webhook.secret = secret
        sandbox.dirty = True
        return {"url": url}

    async def keys(request: Request) -> Any:
        body = await _json(request)
        key = body.get("key")
        if not isinstance(key, str) or not key:
            raise CountertopError(422, "missing_key", 'send {"key": "…"}')
        revoked = sandbox.world.revoked_keys
        if request.path_params["action"] == "revoke" and key not in revoked:
            revoked.append(key)
        elif request.path_params["action"] == "restore" and key in revoked:
            revoked.remove(key)
        sandbox.dirty = True
        return {"revoked": list(revoked)}

    async def save(request: Request) -> Any:
        if sandbox.state_file is None:
            raise CountertopError(409, "no_state_file", "the sandbox was started without --state")
        sandbox.save()
        return {"saved": str(sandbox.state_file)}

    return [
        Route("/_sandbox/orders", endpoint(orders)),
        Route("/_sandbox/orders/{id}/{action}", endpoint(order_action), methods=["POST"]),
        Route("/_sandbox/bookings", endpoint(bookings)),
        Route("/_sandbox/bookings/{id}/{action}", endpoint(booking_action), methods=["POST"]),
        Route("/_sandbox/products/{sku}", endpoint(product), methods=["POST"]),
        Route("/_sandbox/availability", endpoint(availability), methods=["POST"]),
        Route("/_sandbox/hours", endpoint(hours), methods=["POST"]),
        Route("/_sandbox/faults", endpoint(faults), methods=["GET", "POST"]),
        Route("/_sandbox/webhooks", endpoint(webhooks), methods=["GET", "DELETE"]),
        Route("/_sandbox/webhooks/idle", endpoint(idle), methods=["POST"]),
        Route("/_sandbox/webhook-endpoint", endpoint(endpoint_config), methods=["POST"]),
        Route("/_sandbox/keys/{action:str}", endpoint(keys), methods=["POST"]),
        Route("/_sandbox/state/save", endpoint(save), methods=["POST"]),
    ]
