"""Kiosko: a second REST POS, as unlike Countertop as a real one could be (tests only).

Where Countertop takes a bearer key, Kiosko wants every request signed (HMAC-SHA256,
base64, over method, path, timestamp and body, with a key id); where Countertop nests
sections with products, Kiosko lists categories and products separately, JSON:API
style (``{"data": [{"id", "attributes": {…}}]}``); its prices are integer cents, its
order states numbers (10 new, 20 in progress, 30 done, 40 refused, 50 cancelled); it
finds an order by the client's external id at its own URL (404 when none), cannot
cancel or take bookings, refuses a closed location with HTTP 200 and an ``errors``
array, and signs its webhooks with a bare HMAC of the body. Its opening hours are one
record per day, numbered from Sunday (0) as JavaScript does, with the day's slots
nested; its sizes, option groups and options are lists of their own, joined to their
product (or group) by id. Adapting the hub to it is ``manifest.toml``, next to this
file: no Python in ``src``.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

KEY_ID = "kio_test_key"
SECRET = "kiosko-signing-secret"
WEBHOOK_SECRET = "kiosko-webhook-secret"
NEW, IN_PROGRESS, DONE, REFUSED, CANCELLED = 10, 20, 30, 40, 50


def sign(text: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), text, hashlib.sha256).digest()).decode()


@dataclass
class Kiosko:
    """The fake's state, its knobs, and what it sent (webhooks)."""

    categories: dict[str, dict[str, Any]] = field(default_factory=dict)
    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    sizes: dict[str, dict[str, Any]] = field(default_factory=dict)
    option_groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    options: dict[str, dict[str, Any]] = field(default_factory=dict)
    orders: dict[str, dict[str, Any]] = field(default_factory=dict)
    revoked: bool = False
    closed: bool = False
    next_status: list[int] = field(default_factory=list)  # next answers: 503, 429 …
    hang_next_write: bool = False
    outbox: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    # Opening hours: weekday (0 = Sunday … 6 = Saturday) → [(from, to), …]
    hours: dict[int, list[tuple[str, str]]] = field(default_factory=dict)

    def webhook(self, document: dict[str, Any]) -> None:
        body = json.dumps(document).encode()
        self.outbox.append(({"x-kiosko-hmac": sign(body, WEBHOOK_SECRET)}, body))

    def set_state(self, order_id: str, state: int) -> None:
        self.orders[order_id]["state"] = state
        self.webhook({"event": "order.updated", "order": {"id": order_id}})

    def set_hours(self, hours: dict[int, list[tuple[str, str]]]) -> None:
        self.hours = hours
        self.webhook({"event": "location.schedule_updated", "location": {"id": "L1"}})


def seeded() -> Kiosko:
    pos = Kiosko()
    pos.categories = {"c-drinks": {"name": "Drinks"}, "c-snacks": {"name": "Snacks"}}
    pos.products = {
        "p-cola": {
            "name": "Cola",
            "price_cents": 4500,
            "category_id": "c-drinks",
            "available": True,
        },
        "p-chips": {
            "name": "Chips",
            "price_cents": 6000,
            "category_id": "c-snacks",
            "available": True,
        },
        "p-nuts": {
            "name": "Nuts",
            "price_cents": 5000,
            "category_id": "c-snacks",
            "available": False,
        },
    }
    pos.sizes = {
        "s-cola-033": {"product_id": "p-cola", "label": "0.33 l", "price_cents": 4500},
        "s-cola-05": {"product_id": "p-cola", "label": "0.5 l", "price_cents": 5500},
    }
    pos.option_groups = {
        "g-dip": {"name": "Dip", "min": 0, "max": 2, "product_ids": ["p-chips", "p-nuts"]},
    }
    pos.options = {
        "o-salsa": {"group_id": "g-dip", "name": "Salsa", "price_cents": 1000, "stock": 5},
        "o-cheese": {"group_id": "g-dip", "name": "Cheese", "price_cents": 1200, "stock": 0},
    }
    return pos


def _errors(status: int, code: str, detail: str, http: int | None = None) -> JSONResponse:
    body = {"errors": [{"status": str(status), "code": code, "detail": detail}]}
    return JSONResponse(body, status_code=http or status)


def _resource(kind: str, ident: str, attributes: dict[str, Any]) -> dict[str, Any]:
    return {"type": kind, "id": ident, "attributes": attributes}


def create_app(pos: Kiosko) -> Starlette:
    async def guarded(request: Request) -> Response | None:
        body = await request.body()
        stamp = request.headers.get("x-kiosko-timestamp", "")
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        text = f"{request.method}\n{target}\n{stamp}\n".encode() + body
        given = request.headers.get("x-kiosko-signature", "")
        if request.headers.get("x-kiosko-key") != KEY_ID or not stamp.isdigit():
            return _errors(401, "UNAUTHENTICATED", "sign your requests")
        if abs(time.time() - int(stamp)) > 300 or not hmac.compare_digest(
            given, sign(text, SECRET)
        ):
            return _errors(401, "BAD_SIGNATURE", "the signature does not match")
        if pos.revoked:
            return _errors(401, "KEY_REVOKED", "this key was revoked")
        if pos.next_status:
            status = pos.next_status.pop(0)
            headers = {"Retry-After": "3"} if status == 429 else {}
            return JSONResponse({"errors": [{"code": "TRY_LATER"}]}, status, headers=headers)
        return None

    def route(handler: Any, *, write: bool = False) -> Any:
        async def run(request: Request) -> Response:
            refused = await guarded(request)
            if refused is not None:
                return refused
            answer: Response = await handler(request)
            if write and pos.hang_next_write:
                pos.hang_next_write = False
                await asyncio.sleep(30)
            return answer

        return run

    async def categories(request: Request) -> Response:
        data = [_resource("category", k, v) for k, v in pos.categories.items()]
        return JSONResponse({"data": data})

    async def products(request: Request) -> Response:
        data = [_resource("product", k, v) for k, v in pos.products.items()]
        return JSONResponse({"data": data, "meta": {"count": len(data)}})

    def listing(kind: str, table: dict[str, dict[str, Any]]) -> Any:
        async def answer(request: Request) -> Response:
            return JSONResponse({"data": [_resource(kind, k, v) for k, v in table.items()]})

        return answer

    async def product(request: Request) -> Response:
        found = pos.products.get(request.path_params["id"])
        if found is None:
            return _errors(404, "NOT_FOUND", "no such product")
        return JSONResponse({"data": _resource("product", request.path_params["id"], found)})

    async def locations(request: Request) -> Response:
        place = {"title": "Corner kiosk", "tz": "Europe/Kyiv", "street": "Khreshchatyk 1"}
        return JSONResponse({"data": [_resource("location", "L1", place)]})

    async def schedule(request: Request) -> Response:
        data = [
            _resource(
                "day",
                str(day),
                {"weekday": day, "slots": [{"from": a, "to": b} for a, b in slots]},
            )
            for day, slots in sorted(pos.hours.items())
        ]
        return JSONResponse({"data": data})

    async def create(request: Request) -> Response:
        if pos.closed:  # Kiosko's way: a 200 that says no
            return _errors(409, "LOCATION_CLOSED", "the location is closed", http=200)
        attributes = json.loads(await request.body())["data"]["attributes"]
        for item in attributes["items"]:
            if item["product_id"] not in pos.products:
                return _errors(422, "UNKNOWN_PRODUCT", f"no product {item['product_id']}")
        ident = str(1 + len(pos.orders))
        pos.orders[ident] = {**attributes, "state": NEW}
        return JSONResponse({"data": _resource("order", ident, pos.orders[ident])}, 201)

    async def order(request: Request) -> Response:
        found = pos.orders.get(request.path_params["id"])
        if found is None:
            return _errors(404, "NOT_FOUND", "no such order")
        return JSONResponse({"data": _resource("order", request.path_params["id"], found)})

    async def by_external(request: Request) -> Response:
        key = request.path_params["key"]
        for ident, found in pos.orders.items():
            if found.get("external_id") == key:
                return JSONResponse({"data": _resource("order", ident, found)})
        return _errors(404, "NOT_FOUND", "no order with that external id")

    return Starlette(
        routes=[
            Route("/api/v1/locations/{loc}/categories", route(categories)),
            Route("/api/v1/locations/{loc}/products", route(products)),
            Route("/api/v1/locations/{loc}/products/{id}", route(product)),
            Route("/api/v1/locations/{loc}/sizes", route(listing("size", pos.sizes))),
            Route(
                "/api/v1/locations/{loc}/option-groups",
                route(listing("option_group", pos.option_groups)),
            ),
            Route("/api/v1/locations/{loc}/options", route(listing("option", pos.options))),
            Route("/api/v1/locations", route(locations)),
            Route("/api/v1/locations/{loc}/schedule", route(schedule)),
            Route("/api/v1/locations/{loc}/orders", route(create, write=True), methods=["POST"]),
            Route("/api/v1/orders/by-external-id/{key}", route(by_external)),
            Route("/api/v1/orders/{id}", route(order)),
        ]
    )
