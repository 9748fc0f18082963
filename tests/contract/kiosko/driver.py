"""The contract suite's hands at Kiosko (the fake in ``app.py``), through ``manifest.toml``."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from orderbridge.domain.customers import Customer
from orderbridge.domain.locations import Weekday
from orderbridge.domain.money import Money
from orderbridge.domain.orders import Fulfilment, FulfilmentType, Order, OrderKey, OrderLine
from orderbridge.domain.reservations import Reservation, ReservationKey
from orderbridge.ports import ConnectionRecord, LocationBinding, PosSystem
from tests.contract.kiosko.app import (
    DONE,
    IN_PROGRESS,
    REFUSED,
    SECRET,
    WEBHOOK_SECRET,
    Kiosko,
    create_app,
    seeded,
)
from tests.contract.support import Catcher, Hours, closing, connector_for, with_lines

MANIFEST = (Path(__file__).parent / "manifest.toml").read_text(encoding="utf-8")
LOCATION = LocationBinding(
    location_id="corner", external_id="L1", currency="UAH", timezone="Europe/Kyiv"
)
CONNECTION = ConnectionRecord(
    id="con_kiosko",
    tenant_id="ten_contract",
    kind="rest_pos",
    role="pos",
    name="Kiosko",
    settings={"manifest_toml": MANIFEST, "timeout_seconds": 1},
    credentials={"signing_secret": SECRET, "webhook_secret": WEBHOOK_SECRET},
    external_account=None,
    status="active",
)


def kiosko_order(number: str) -> Order:
    lines = (
        OrderLine("p-cola", 2, Money(4500, "UAH")),
        OrderLine("p-chips", 1, Money(6000, "UAH")),
    )
    return Order.receive(
        id=f"ord_{number}",
        key=OrderKey("web", number),
        location_id="corner",
        lines=lines,
        customer=Customer(name="Taras", phone="+380671234567"),
        fulfilment=Fulfilment(FulfilmentType.PICKUP),
        at=datetime.now(UTC),
    )


@dataclass
class KioskoDriver:
    connector: PosSystem
    fake: Kiosko
    hook: Catcher
    name: str = "kiosko"
    location: LocationBinding = LOCATION
    item_id: str = "p-chips"
    connection: ConnectionRecord = field(default_factory=lambda: CONNECTION)

    def order(self, number: str) -> Order:
        return kiosko_order(number)

    def unknown_item_order(self, number: str) -> Order:
        return with_lines(kiosko_order(number), OrderLine("p-ghost", 1, Money(100, "UAH")))

    def reservation(self, number: str) -> Reservation:
        return Reservation.receive(
            id=f"res_{number}",
            key=ReservationKey("web", number),
            location_id="corner",
            time=datetime.now(UTC) + timedelta(days=1),
            duration=timedelta(minutes=60),
            guests=2,
            customer=Customer(name="Taras"),
            at=datetime.now(UTC),
        )

    def _sent(self) -> None:
        self.hook.received.extend(self.fake.outbox)
        self.fake.outbox.clear()

    async def accept(self, pos_order_id: str) -> None:
        self.fake.set_state(pos_order_id, IN_PROGRESS)
        self._sent()

    async def decline(self, pos_order_id: str) -> None:
        self.fake.set_state(pos_order_id, REFUSED)
        self._sent()

    async def complete(self, pos_order_id: str) -> None:
        self.fake.set_state(pos_order_id, DONE)
        self._sent()

    async def orders_with(self, key: str) -> int:
        return sum(1 for o in self.fake.orders.values() if o.get("external_id") == key)

    async def hang_next_create(self) -> None:
        self.fake.hang_next_write = True

    async def fail_next(self, how: str) -> None:
        self.fake.next_status.append(503 if how == "unavailable" else 429)

    async def revoke_credentials(self) -> None:
        self.fake.revoked = True

    async def change_item(self, *, price: int, available: bool) -> None:
        product = self.fake.products[self.item_id]
        product.update(price_cents=price, available=available)
        self.fake.webhook({"event": "product.changed", "product": {"id": self.item_id}})
        self._sent()

    async def go_offline(self) -> None:
        self.fake.closed = True
        self.fake.webhook(
            {"event": "location.availability", "location": {"id": "L1", "accepting": False}}
        )
        self._sent()

    async def change_hours(self, hours: Hours) -> None:
        js_day = {day: (day + 1) % 7 for day in Weekday}  # Kiosko counts from Sunday
        self.fake.set_hours({js_day[day]: slots for day, slots in hours.items()})
        self._sent()

    async def settle(self) -> None:
        self._sent()


@contextlib.asynccontextmanager
async def kiosko_driver() -> AsyncIterator[KioskoDriver]:
    fake = seeded()
    transport = httpx.ASGITransport(app=create_app(fake))
    connector = connector_for(CONNECTION, transport, timeout=1.0)
    try:
        yield KioskoDriver(connector=connector, fake=fake, hook=Catcher())
    finally:
        await closing(connector)
