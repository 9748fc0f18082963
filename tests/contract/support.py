"""What the contract suite shares: the driver each POS brings, a webhook catcher, a fake
unit of work that knows one order.

A **driver** is the test's hands at one POS: it builds the hub's connector through the
registry (as the hub does), makes orders and reservations the POS can take, and plays
the register (accept, decline, close), the catalogue (reprice an item) and the
weather (a hang, a 503, a 429, a revoked key). The suite asks only these questions, so
any POS that can answer them is held to the same contract (dlt's "one suite over every
destination").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

import httpx

from orderbridge import connectors
from orderbridge.connectors import BuildContext, InboundEvent
from orderbridge.domain.locations import Weekday
from orderbridge.domain.orders import Order, OrderLine
from orderbridge.domain.reservations import Reservation
from orderbridge.ports import (
    ConnectionRecord,
    LocationBinding,
    PosSystem,
    StoredOrder,
)
from tests.asgi import request_body


class Driver(Protocol):
    """One POS as the contract suite drives it (see the module docstring)."""

    name: str
    connection: ConnectionRecord
    location: LocationBinding
    connector: PosSystem
    item_id: str  # an item on the menu that the catalogue tests reprice
    hook: Catcher  # the webhooks the POS sent

    def order(self, number: str) -> Order:
        """An order this POS can take (its items, its location)."""
        ...

    def unknown_item_order(self, number: str) -> Order:
        """An order naming an item the POS does not sell."""
        ...

    def reservation(self, number: str) -> Reservation:
        """A table reservation for the location."""
        ...

    async def accept(self, pos_order_id: str) -> None: ...

    async def decline(self, pos_order_id: str) -> None: ...

    async def complete(self, pos_order_id: str) -> None:
        """Close the accepted order's check (paid, handed over)."""
        ...

    async def orders_with(self, key: str) -> int:
        """How many orders the POS holds that carry the hub's key."""
        ...

    async def hang_next_create(self) -> None:
        """The next create is done at the POS but never answered."""
        ...

    async def fail_next(self, how: str) -> None:
        """The next call fails: ``"unavailable"`` (a 503) or ``"rate_limited"``."""
        ...

    async def revoke_credentials(self) -> None: ...

    async def change_item(self, *, price: int, available: bool) -> None:
        """Reprice :attr:`item_id` (minor units) and sell or stop selling it."""
        ...

    async def go_offline(self) -> None:
        """Switch online orders off for the place at the register (only where
        ``capabilities.availability_webhooks``)."""
        ...

    async def change_hours(self, hours: Hours) -> None:
        """Set the place's weekly opening hours at the POS, as its owner would (only
        where ``capabilities.opening_hours``)."""
        ...

    async def settle(self) -> None:
        """Wait until the POS has sent the webhooks it queued."""
        ...


Hours = Mapping[Weekday, Sequence[tuple[str, str]]]
"""Opening hours a driver sets: weekday → [("09:00", "14:00"), …] (local times)."""


def connector_for(
    connection: ConnectionRecord, transport: httpx.AsyncBaseTransport, timeout: float
) -> PosSystem:
    """The connector the hub would build for ``connection`` (through the registry)."""
    context = BuildContext(transport=transport, timeout_seconds=timeout, allow_private_urls=True)
    return connectors.build_pos(connection, context)


@dataclass
class Catcher:
    """An ASGI app standing in for the hub's webhook URL: keeps what the POS posts and
    answers ``status`` with ``answer``."""

    answer: bytes = b'{"status":"accept"}'
    status: int = 200
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = await request_body(receive)
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        self.received.append((headers, body))
        await send({"type": "http.response.start", "status": self.status, "headers": []})
        await send({"type": "http.response.body", "body": self.answer})

    def clear(self) -> None:
        self.received.clear()


def read(
    connection: ConnectionRecord, headers: Mapping[str, str], body: bytes, now: datetime
) -> Sequence[InboundEvent]:
    """The registry's webhook reader for ``connection`` (the route's first step)."""
    reader = connectors.entry(connection.kind).webhooks
    assert reader is not None, f"{connection.kind} reads no webhooks"
    return reader(connection, headers, body, now=now)


class OneOrder:
    """A unit of work that knows one stored order and records what is queued."""

    def __init__(
        self, stored: StoredOrder, connection: ConnectionRecord, binding: LocationBinding
    ) -> None:
        self.stored = stored
        self.connection = connection
        self.binding = binding
        self.queued: list[tuple[str, dict[str, Any]]] = []

    def __call__(self) -> OneOrder:
        return self

    def __enter__(self) -> OneOrder:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def commit(self) -> None:
        return None

    def find_order_by_pos(self, connection_id: str, pos_order_id: str) -> StoredOrder | None:
        return self.stored if pos_order_id == self.stored.pos_order_id else None

    def find_order_by_check(self, connection_id: str, check_id: str) -> StoredOrder | None:
        return self.stored if check_id == self.stored.pos_check_id else None

    def find_reservation_by_pos(self, connection_id: str, pos_id: str) -> None:
        return None

    def get_connection(self, connection_id: str) -> ConnectionRecord | None:
        return self.connection if connection_id == self.connection.id else None

    def locations_of_connection(self, connection_id: str) -> list[LocationBinding]:
        return [self.binding]

    def get_menu(self, location_id: str) -> None:
        return None

    def enqueue(self, kind: str, payload: dict[str, Any], **_: Any) -> int:
        self.queued.append((kind, payload))
        return len(self.queued)


async def post(control: httpx.AsyncClient, path: str, body: dict[str, Any] | None = None) -> Any:
    """POST to a sandbox's control API and return its JSON (which must be a 200)."""
    answer = await control.post(path, json=body or {})
    assert answer.status_code == 200, answer.text
    return answer.json()


async def closing(connector: PosSystem) -> None:
    """Close a connector's HTTP client (connectors that hold one have ``aclose``)."""
    close = getattr(connector, "aclose", None)
    if close is not None:
        await close()


def with_lines(order: Order, *lines: OrderLine) -> Order:
    """``order`` with other lines (an order the POS should refuse)."""
    return Order.receive(
        id=order.id,
        key=order.key,
        location_id=order.location_id,
        lines=lines,
        customer=order.customer,
        fulfilment=order.fulfilment,
        at=order.created_at,
        note=order.note,
    )
