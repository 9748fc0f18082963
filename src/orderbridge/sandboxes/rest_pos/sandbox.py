"""The Countertop sandbox as an object: its world, what its API and register do, its events.

The HTTP API, the register page and the control API all change the world through these
methods, so every change fires the same webhooks (``ticket.status_changed``,
``product.updated``, ``store.availability_changed`` …) through ``sink``.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

from orderbridge.sandboxes.core import Clock, SandboxCore, Sleep, utcnow
from orderbridge.sandboxes.rest_pos import tickets
from orderbridge.sandboxes.rest_pos.errors import CountertopError, invalid, missing
from orderbridge.sandboxes.rest_pos.faults import Faults
from orderbridge.sandboxes.rest_pos.state import (
    BOOKING_MOVES,
    TICKET_MOVES,
    Booking,
    Change,
    OpeningHours,
    Store,
    Ticket,
    World,
    money,
)


class EventSink(Protocol):
    def publish(self, event: dict[str, Any]) -> None: ...


class _Nowhere:
    def publish(self, event: dict[str, Any]) -> None:
        return None


def stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


class CountertopSandbox(SandboxCore[World, Faults]):
    """One sandbox instance; it lives on one event loop."""

    state_prefix = ".countertop-state-"

    def __init__(
        self,
        world: World,
        *,
        faults: Faults | None = None,
        clock: Clock = utcnow,
        state_file: Path | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(
            world, faults=faults or Faults(), clock=clock, state_file=state_file, sleep=sleep
        )
        self.sink: EventSink = _Nowhere()

    # Keys, stores, events --------------------------------------------------------

    def authorize(self, header: str | None) -> None:
        scheme, _, key = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not key:
            raise CountertopError(401, "missing_api_key", "send Authorization: Bearer <API key>")
        if key in self.world.revoked_keys:
            raise CountertopError(403, "api_key_revoked", "this API key was revoked")
        if key not in self.world.api_keys:
            raise CountertopError(401, "invalid_api_key", "unknown API key")

    def store(self, store_id: str) -> Store:
        found = self.world.stores.get(store_id)
        if found is None:
            raise missing("store", store_id)
        return found

    def emit(self, kind: str, store_id: str, data: dict[str, Any]) -> None:
        number = self.world.next_event
        self.world.next_event += 1
        event = {
            "id": f"evt_{number:06d}",
            "type": kind,
            "created": int(self.clock().timestamp()),
            "storeId": store_id,
            "data": data,
        }
        self.dirty = True
        self.sink.publish(event)

    # Tickets ---------------------------------------------------------------------

    def create_ticket(self, store_id: str, body: dict[str, Any]) -> Ticket:
        store = self.store(store_id)
        if not store.online:
            raise CountertopError(409, "store_offline", f"{store.displayName} takes no orders now")
        kind, address, table = tickets.service(body)
        lines = tickets.lines(store, body.get("lines"))
        prepaid, paid = tickets.paid(body)
        reference = body.get("reference")
        if reference is not None and (not isinstance(reference, str) or len(reference) > 64):
            raise invalid("invalid_reference", "reference: a string of at most 64", "reference")
        now = stamp(self.clock())
        number = self.world.next_ticket
        self.world.next_ticket += 1
        ticket = Ticket(
            id=f"tk_{number}",
            number=number,
            storeId=store.id,
            reference=reference,
            source=str(body.get("source") or "api")[:40],
            serviceType=kind,
            dueAt=body.get("dueAt") if isinstance(body.get("dueAt"), str) else None,
            guest=tickets.guest(body.get("guest")),
            deliveryAddress=address,
            tableCode=table,
            lines=lines,
            total=money(sum((Decimal(line.lineTotal) for line in lines), Decimal(0))),
            prepaid=prepaid,
            paidAmount=money(paid),
            notes=str(body.get("notes") or "")[:500],
            createdAt=now,
            updatedAt=now,
            history=[Change(status="open", at=now)],
        )
        self.world.tickets[ticket.id] = ticket
        self.emit("ticket.created", store.id, {"ticketId": ticket.id, "reference": reference})
        return ticket

    def ticket(self, ticket_id: str) -> Ticket:
        found = self.world.tickets.get(ticket_id)
        if found is None:
            raise missing("ticket", ticket_id)
        return found

    def find_tickets(self, store_id: str, reference: str | None, after: str | None) -> list[Ticket]:
        self.store(store_id)
        found = [t for t in self.world.tickets.values() if t.storeId == store_id]
        if reference is not None:
            found = [t for t in found if t.reference == reference]
        if after:
            try:
                since = datetime.fromisoformat(after)
            except ValueError:
                raise invalid(
                    "invalid_time", "createdAfter: an ISO 8601 time", "createdAfter"
                ) from None
            if since.tzinfo is None:
                raise invalid("invalid_time", "createdAfter needs a time zone", "createdAfter")
            found = [t for t in found if datetime.fromisoformat(t.createdAt) >= since]
        return found

    def move_ticket(self, ticket_id: str, status: str, *, reason: str | None = None) -> Ticket:
        """The register (or the API's void) moves a ticket; webhook ``ticket.status_changed``."""
        ticket = self.ticket(ticket_id)
        allowed = TICKET_MOVES.get(ticket.status, frozenset())
        if status not in allowed:
            code = "ticket_closed" if not allowed else "invalid_transition"
            raise CountertopError(409, code, f"ticket {ticket.id} is {ticket.status}")
        now = stamp(self.clock())
        ticket.status = status
        ticket.updatedAt = now
        if reason is not None:
            ticket.voidReason = reason[:200]
        ticket.history.append(Change(status=status, at=now))
        self.emit(
            "ticket.status_changed",
            ticket.storeId,
            {"ticketId": ticket.id, "status": status, "reference": ticket.reference},
        )
        return ticket

    # Bookings --------------------------------------------------------------------

    def create_booking(self, store_id: str, body: dict[str, Any]) -> Booking:
        store = self.store(store_id)
        size = body.get("partySize")
        if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= 40:
            raise invalid("invalid_party_size", "partySize must be 1..40", "partySize")
        starts = body.get("startsAt")
        if not isinstance(starts, str) or not starts.endswith("Z"):
            raise invalid("invalid_time", "startsAt must be a UTC time (…Z)", "startsAt")
        table = body.get("tableCode")
        if table is not None and all(t.code != table for t in store.tables):
            raise invalid(
                "unknown_table", f"{store.displayName} has no table {table!r}", "tableCode"
            )
        minutes = body.get("durationMinutes", 90)
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 15 <= minutes <= 600:
            raise invalid("invalid_duration", "durationMinutes must be 15..600", "durationMinutes")
        now = stamp(self.clock())
        number = self.world.next_booking
        self.world.next_booking += 1
        booking = Booking(
            id=f"bk_{number}",
            storeId=store.id,
            reference=body.get("reference") if isinstance(body.get("reference"), str) else None,
            partySize=size,
            startsAt=starts,
            durationMinutes=minutes,
            tableCode=table,
            guest=tickets.guest(body.get("guest")),
            notes=str(body.get("notes") or "")[:500],
            createdAt=now,
            updatedAt=now,
        )
        self.world.bookings[booking.id] = booking
        self.emit("booking.created", store.id, {"bookingId": booking.id})
        return booking

    def booking(self, booking_id: str) -> Booking:
        found = self.world.bookings.get(booking_id)
        if found is None:
            raise missing("booking", booking_id)
        return found

    def move_booking(self, booking_id: str, state: str) -> Booking:
        booking = self.booking(booking_id)
        if state not in BOOKING_MOVES.get(booking.state, frozenset()):
            raise CountertopError(409, "invalid_transition", f"booking is {booking.state}")
        booking.state = state
        booking.updatedAt = stamp(self.clock())
        self.emit(
            "booking.state_changed", booking.storeId, {"bookingId": booking.id, "state": state}
        )
        return booking

    # Catalog and store -----------------------------------------------------------

    def change_product(
        self,
        sku: str,
        *,
        price: Decimal | None = None,
        available: bool | None = None,
        store_id: str | None = None,
    ) -> list[str]:
        """Reprice or switch a product (in one store, or every store selling it); each
        changed store sends ``product.updated``. Returns the stores changed."""
        stores = [self.store(store_id)] if store_id else list(self.world.stores.values())
        changed = []
        for store in stores:
            product = store.products.get(sku)
            if product is None:
                continue
            if price is not None:
                old = Decimal(product.price)
                product.price = money(price)
                for size in product.sizes:  # sizes keep their distance to the base price
                    size.price = money(max(Decimal(size.price) - old + price, Decimal(0)))
            if available is not None:
                product.soldOut = not available
            changed.append(store.id)
            self.emit("product.updated", store.id, {"sku": sku})
        if not changed:
            raise missing("product", sku)
        return changed

    def set_hours(self, hours: list[OpeningHours], store_id: str | None = None) -> list[str]:
        """Replace the opening hours of one store or all; ``store.hours_changed`` per store."""
        stores = [self.store(store_id)] if store_id else list(self.world.stores.values())
        for store in stores:
            store.openingHours = [h.model_copy() for h in hours]
            self.emit("store.hours_changed", store.id, {"intervals": len(hours)})
        return [s.id for s in stores]

    def set_online(self, online: bool, store_id: str | None = None) -> list[str]:
        """Switch online ordering off (or on) for one store or all; webhook per store."""
        stores = [self.store(store_id)] if store_id else list(self.world.stores.values())
        for store in stores:
            store.online = online
            self.emit("store.availability_changed", store.id, {"online": online})
        return [s.id for s in stores]
