"""The contract suite's hands at Countertop (the REST POS sandbox), through its manifest."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from orderbridge.domain.customers import Customer
from orderbridge.domain.money import Money
from orderbridge.domain.orders import (
    Fulfilment,
    FulfilmentType,
    LineModifier,
    Order,
    OrderKey,
    OrderLine,
    Payment,
    PaymentStatus,
)
from orderbridge.domain.reservations import Reservation, ReservationKey
from orderbridge.ports import ConnectionRecord, LocationBinding, PosSystem
from orderbridge.sandboxes.rest_pos.app import create_app
from orderbridge.sandboxes.rest_pos.sandbox import CountertopSandbox
from orderbridge.sandboxes.rest_pos.seed import DEMO_API_KEY, DEMO_WEBHOOK_SECRET, demo_world
from tests.contract.support import Catcher, Hours, closing, connector_for, post, with_lines

BASE_URL = "http://countertop.test"
PODIL = LocationBinding(
    location_id="podil", external_id="st_podil", currency="UAH", timezone="Europe/Kyiv"
)
CONNECTION = ConnectionRecord(
    id="con_countertop",
    tenant_id="ten_contract",
    kind="rest_pos",
    role="pos",
    name="Countertop (sandbox)",
    settings={"manifest": "sandbox", "base_url": "http://127.0.0.1:8030", "timeout_seconds": 1},
    credentials={"api_key": DEMO_API_KEY, "webhook_secret": DEMO_WEBHOOK_SECRET},
    external_account=None,
    status="active",
)


def uah(amount: int) -> Money:
    return Money(amount, "UAH")


def countertop_order(number: str, *, at: datetime | None = None) -> Order:
    """A Pepperoni Ø35 with BBQ sauce and two croissants, picked up, paid."""
    lines = (
        OrderLine(
            "PZ-PEP",
            1,
            uah(21900),
            name="Пепероні",
            variant_id="PZ-PEP-35",
            modifiers=(LineModifier("ad_bbq", 1, uah(1500)),),
            note="well done",
        ),
        OrderLine("DS-CRS", 2, uah(5500), name="Круасан"),
    )
    total = sum(line.total.amount for line in lines)
    return Order.receive(
        id=f"ord_{number}",
        key=OrderKey("web", number),
        location_id="podil",
        lines=lines,
        customer=Customer(name="Олена", phone="+380671234567", email="olena@example.com"),
        fulfilment=Fulfilment(FulfilmentType.PICKUP),
        at=at or datetime.now(UTC),
        payment=Payment(PaymentStatus.PAID, uah(total)),
        note="ring twice",
    )


@dataclass
class CountertopDriver:
    connector: PosSystem
    control: httpx.AsyncClient
    hook: Catcher
    dispatcher: Any
    name: str = "rest_pos"
    location: LocationBinding = PODIL
    item_id: str = "DS-CRS"
    connection: ConnectionRecord = field(default_factory=lambda: CONNECTION)

    def order(self, number: str) -> Order:
        return countertop_order(number)

    def unknown_item_order(self, number: str) -> Order:
        ghost = OrderLine("NO-SUCH-SKU", 1, uah(1000), name="ghost")
        return with_lines(countertop_order(number), ghost)

    def reservation(self, number: str) -> Reservation:
        return Reservation.receive(
            id=f"res_{number}",
            key=ReservationKey("web", number),
            location_id="podil",
            time=datetime.now(UTC) + timedelta(days=1),
            duration=timedelta(minutes=90),
            guests=4,
            customer=Customer(name="Іван", phone="+380501112233"),
            at=datetime.now(UTC),
            table="T4",
            note="window seat",
        )

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return await post(self.control, path, body)

    async def accept(self, pos_order_id: str) -> None:
        await self._post(f"/_sandbox/orders/{pos_order_id}/accept")

    async def decline(self, pos_order_id: str) -> None:
        await self._post(f"/_sandbox/orders/{pos_order_id}/decline")

    async def complete(self, pos_order_id: str) -> None:
        await self._post(f"/_sandbox/orders/{pos_order_id}/close")

    async def orders_with(self, key: str) -> int:
        listed = (await self.control.get("/_sandbox/orders")).json()["orders"]
        return sum(1 for o in listed if o["reference"] == key)

    async def hang_next_create(self) -> None:
        await self._post("/_sandbox/faults", {"next_hang": 1, "hang_seconds": 30})

    async def fail_next(self, how: str) -> None:
        knob = "next_5xx" if how == "unavailable" else "next_429"
        await self._post("/_sandbox/faults", {knob: 1})

    async def settle(self) -> None:
        await self.dispatcher.idle(5)

    async def go_offline(self) -> None:
        await self._post("/_sandbox/availability", {"online": False, "store": "st_podil"})

    async def change_hours(self, hours: Hours) -> None:
        rows = [
            {"day": day.name[:3], "opens": opens, "closes": closes}
            for day, slots in sorted(hours.items())
            for opens, closes in slots
        ]
        await self._post("/_sandbox/hours", {"hours": rows, "store": "st_podil"})

    async def revoke_credentials(self) -> None:
        await self._post("/_sandbox/keys/revoke", {"key": DEMO_API_KEY})

    async def change_item(self, *, price: int, available: bool) -> None:
        body = {"price": price, "available": available, "store": "st_podil"}
        await self._post(f"/_sandbox/products/{self.item_id}", body)


@contextlib.asynccontextmanager
async def countertop_driver() -> AsyncIterator[CountertopDriver]:
    """A fresh Countertop sandbox whose webhooks go to a catcher."""
    hook = Catcher(answer=b"{}")
    sandbox = CountertopSandbox(demo_world(webhook_url="http://hub.test/webhooks/pos/x"))
    app = create_app(sandbox, webhook_transport=httpx.ASGITransport(app=hook))
    transport = httpx.ASGITransport(app=app)
    connector = connector_for(CONNECTION, transport, timeout=1.0)
    async with (
        app.state.dispatcher.running(),
        httpx.AsyncClient(transport=transport, base_url=BASE_URL) as control,
    ):
        try:
            yield CountertopDriver(
                connector=connector, control=control, hook=hook, dispatcher=app.state.dispatcher
            )
        finally:
            await closing(connector)
