"""The register page, ``/register``: what a cashier at Countertop sees and does.

Tickets with accept, decline, close and void buttons, bookings to confirm or decline,
the menu with each product's price and an "on sale" switch, the store's opening hours
(one interval a day; empty is a day off), and the store's online switch. Every form
posts, changes the world through the sandbox (so Countertop's webhooks go out as after
any change) and redirects back with a banner.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urlencode

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from orderbridge.sandboxes.rest_pos.control import BOOKING_ACTIONS, close_ticket
from orderbridge.sandboxes.rest_pos.errors import CountertopError
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox
from orderbridge.sandboxes.rest_pos.state import WEEKDAYS, OpeningHours, Store

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
ACTIONS = {
    "open": [("accept", "Accept", "primary"), ("decline", "Decline", "danger")],
    "accepted": [("close", "Close", "primary"), ("void", "Void", "danger")],
    "preparing": [("close", "Close", "primary"), ("void", "Void", "danger")],
    "ready": [("close", "Close", "primary"), ("void", "Void", "danger")],
}


def register_routes(sandbox: CountertopSandbox) -> list[BaseRoute]:
    def current(request: Request) -> Store:
        wanted = request.query_params.get("store")
        stores = sandbox.world.stores
        if wanted in stores:
            return stores[wanted]
        return next(iter(stores.values()))

    def back(store: Store, message: str, *, error: bool = False) -> Response:
        query = urlencode({"store": store.id, "message": message, "error": "1" if error else ""})
        return RedirectResponse(f"/register?{query}", status_code=303)

    async def page(request: Request) -> Response:
        store = current(request)
        tickets = [t for t in sandbox.world.tickets.values() if t.storeId == store.id]
        bookings = [b for b in sandbox.world.bookings.values() if b.storeId == store.id]
        return TEMPLATES.TemplateResponse(
            request,
            "register.html",
            {
                "store": store,
                "stores": list(sandbox.world.stores.values()),
                "tickets": sorted(tickets, key=lambda t: t.number, reverse=True)[:50],
                "bookings": sorted(bookings, key=lambda b: b.startsAt),
                "products": list(store.products.values()),
                "sections": {s.id: s.title for s in store.sections},
                "weekdays": WEEKDAYS,
                "hours": {h.day: h for h in store.openingHours},
                "actions": ACTIONS,
                "message": request.query_params.get("message", ""),
                "error": bool(request.query_params.get("error")),
            },
        )

    async def ticket_action(request: Request) -> Response:
        store = current(request)
        action = request.path_params["action"]
        try:
            ticket = close_ticket(
                sandbox, request.path_params["id"], action, "voided at the register"
            )
        except CountertopError as error:
            return back(store, error.message, error=True)
        return back(store, f"Ticket {ticket.number}: {ticket.status}")

    async def booking_action(request: Request) -> Response:
        store = current(request)
        state = BOOKING_ACTIONS.get(request.path_params["action"], "")
        try:
            booking = sandbox.move_booking(request.path_params["id"], state)
        except CountertopError as error:
            return back(store, error.message, error=True)
        return back(store, f"Booking {booking.id}: {booking.state}")

    async def product(request: Request) -> Response:
        store = current(request)
        form = await request.form()
        sku = request.path_params["sku"]
        found = store.products.get(sku)
        if found is None:
            return back(store, f"No product {sku}", error=True)
        try:
            price = Decimal(str(form.get("price", found.price)))
        except InvalidOperation:
            return back(store, "The price must be a number like 189.00", error=True)
        if not price.is_finite() or price < 0 or price != price.quantize(Decimal("0.01")):
            return back(store, "The price must be a number like 189.00", error=True)
        available = form.get("available") == "true"
        new_price = price if price != Decimal(found.price) else None
        switched = available if available == found.soldOut else None
        if new_price is None and switched is None:
            return back(store, f"{found.title}: nothing changed")
        sandbox.change_product(sku, store_id=store.id, price=new_price, available=switched)
        return back(store, f"{found.title} saved")

    async def hours(request: Request) -> Response:
        store = current(request)
        form = await request.form()
        rows = []
        for day in WEEKDAYS:
            opens = str(form.get(f"{day}-opens", "")).strip()
            closes = str(form.get(f"{day}-closes", "")).strip()
            if not opens and not closes:
                continue  # a day off
            try:
                rows.append(OpeningHours(day=day, opens=opens, closes=closes))
            except ValidationError:
                return back(store, f"{day}: hours are like 09:00 and 22:00", error=True)
        sandbox.set_hours(rows, store.id)
        return back(store, "Opening hours saved")

    async def availability(request: Request) -> Response:
        store = current(request)
        form = await request.form()
        online = form.get("online") == "true"
        sandbox.set_online(online, store.id)
        return back(store, f"Online orders {'on' if online else 'off'}")

    return [
        Route("/register", page),
        Route("/register/tickets/{id}/{action}", ticket_action, methods=["POST"]),
        Route("/register/bookings/{id}/{action}", booking_action, methods=["POST"]),
        Route("/register/products/{sku}", product, methods=["POST"]),
        Route("/register/availability", availability, methods=["POST"]),
        Route("/register/hours", hours, methods=["POST"]),
    ]
