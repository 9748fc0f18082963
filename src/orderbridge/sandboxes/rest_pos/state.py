"""Countertop's world: stores with their catalogs, tickets, bookings, keys and webhooks.

Field names are Countertop's own (camelCase, as its API writes them), so the API
answers with ``model_dump(by_alias=False)`` of these models as they are.
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

TICKET_FINAL = frozenset({"rejected", "voided", "closed"})
TICKET_MOVES: dict[str, frozenset[str]] = {
    "open": frozenset({"accepted", "rejected", "voided"}),
    "accepted": frozenset({"preparing", "ready", "closed", "voided"}),
    "preparing": frozenset({"ready", "closed", "voided"}),
    "ready": frozenset({"closed", "voided"}),
}
BOOKING_MOVES: dict[str, frozenset[str]] = {
    "requested": frozenset({"confirmed", "declined", "cancelled"}),
    "confirmed": frozenset({"seated", "cancelled"}),
    "seated": frozenset({"finished"}),
}


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


def money(value: Decimal) -> str:
    """Countertop writes amounts as strings with two decimals."""
    return f"{value.quantize(Decimal('0.01'))}"


class Addon(Model):
    id: str
    title: str
    price: str = "0.00"
    soldOut: bool = False


class AddonGroup(Model):
    id: str
    title: str
    minPick: int = 0
    maxPick: int = 1
    addons: list[Addon]


class Size(Model):
    code: str
    label: str
    price: str
    soldOut: bool = False


class Product(Model):
    sku: str
    sectionId: str
    title: str
    description: str = ""
    price: str
    imageUrl: str | None = None
    visible: bool = True
    soldOut: bool = False
    sizes: list[Size] = Field(default_factory=list)
    addonGroups: list[AddonGroup] = Field(default_factory=list)

    def addon(self, addon_id: str) -> Addon | None:
        return next((a for g in self.addonGroups for a in g.addons if a.id == addon_id), None)

    def size(self, code: str) -> Size | None:
        return next((s for s in self.sizes if s.code == code), None)


class Section(Model):
    id: str
    title: str
    position: int
    visible: bool = True


class Address(Model):
    line: str
    city: str


class Table(Model):
    code: str
    seats: int
    area: str


WEEKDAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
HOUR = r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$"


class OpeningHours(Model):
    """One opening interval of a store, Countertop-style: ``{"day": "MON", "opens":
    "09:00", "closes": "22:00"}`` (a closing at or before the opening runs past midnight)."""

    day: str = Field(pattern="^(MON|TUE|WED|THU|FRI|SAT|SUN)$")
    opens: str = Field(pattern=HOUR)
    closes: str = Field(pattern=HOUR)


class Store(Model):
    id: str
    displayName: str
    timeZone: str
    currency: str
    address: Address
    online: bool = True
    openingHours: list[OpeningHours] = Field(default_factory=list)
    tables: list[Table] = Field(default_factory=list)
    sections: list[Section] = Field(default_factory=list)
    products: dict[str, Product] = Field(default_factory=dict)


class Guest(Model):
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class TicketAddon(Model):
    id: str
    title: str
    quantity: int
    price: str


class TicketLine(Model):
    sku: str
    title: str
    sizeCode: str | None = None
    quantity: int
    unitPrice: str
    addons: list[TicketAddon] = Field(default_factory=list)
    note: str = ""
    lineTotal: str


class Change(Model):
    status: str
    at: str


class Ticket(Model):
    id: str
    number: int
    storeId: str
    reference: str | None = None
    source: str = "api"
    status: str = "open"
    serviceType: str
    dueAt: str | None = None
    guest: Guest = Field(default_factory=Guest)
    deliveryAddress: dict[str, str | float | None] | None = None
    tableCode: str | None = None
    lines: list[TicketLine]
    total: str
    prepaid: bool = False
    paidAmount: str = "0.00"
    notes: str = ""
    voidReason: str | None = None
    createdAt: str
    updatedAt: str
    history: list[Change] = Field(default_factory=list)


class Booking(Model):
    id: str
    storeId: str
    reference: str | None = None
    state: str = "requested"
    partySize: int
    startsAt: str
    durationMinutes: int = 90
    tableCode: str | None = None
    guest: Guest = Field(default_factory=Guest)
    notes: str = ""
    createdAt: str
    updatedAt: str


class WebhookEndpoint(Model):
    url: str = ""
    secret: str = ""


class World(Model):
    stores: dict[str, Store] = Field(default_factory=dict)
    tickets: dict[str, Ticket] = Field(default_factory=dict)
    bookings: dict[str, Booking] = Field(default_factory=dict)
    api_keys: list[str] = Field(default_factory=list)
    revoked_keys: list[str] = Field(default_factory=list)
    webhook: WebhookEndpoint = Field(default_factory=WebhookEndpoint)
    next_ticket: int = 1001
    next_booking: int = 1
    next_event: int = 1
