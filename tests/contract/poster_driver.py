"""The contract suite's hands at Poster: the sandbox in-process, its control API, its webhooks."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from orderbridge.domain.orders import Order, OrderLine
from orderbridge.domain.reservations import Reservation
from orderbridge.ports import ConnectionRecord, LocationBinding, PosSystem
from orderbridge.sandboxes.poster.app import create_app
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import (
    DEMO_ACCOUNT,
    DEMO_TOKEN,
    OAUTH_APP_SECRET,
    demo_world,
)
from tests.connectors.poster.support import BASE_URL, cafe_order, table_reservation, uah
from tests.contract.support import Catcher, Hours, closing, connector_for, post, with_lines

PODIL = LocationBinding(
    location_id="podil", external_id="1", currency="UAH", timezone="Europe/Kyiv"
)


CONNECTION = ConnectionRecord(
    id="con_poster",
    tenant_id="ten_contract",
    kind="poster",
    role="pos",
    name="Poster (sandbox)",
    settings={"account": DEMO_ACCOUNT, "base_url": BASE_URL},
    credentials={"token": DEMO_TOKEN, "application_secret": OAUTH_APP_SECRET},
    external_account=DEMO_ACCOUNT,
    status="active",
)


@dataclass
class PosterDriver:
    connector: PosSystem
    control: httpx.AsyncClient
    hook: Catcher
    dispatcher: Any
    name: str = "poster"
    location: LocationBinding = PODIL
    item_id: str = "172"  # the cheeseburger
    connection: ConnectionRecord = field(default_factory=lambda: CONNECTION)

    def order(self, number: str) -> Order:
        return cafe_order(channel_order_id=number)

    def unknown_item_order(self, number: str) -> Order:
        ghost = OrderLine(item_id="999999", quantity=1, unit_price=uah(1000), name="ghost")
        return with_lines(cafe_order(channel_order_id=number), ghost)

    def reservation(self, number: str) -> Reservation:
        return table_reservation()

    async def _post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return await post(self.control, path, body)

    async def accept(self, pos_order_id: str) -> None:
        await self._post(f"/_sandbox/incoming-orders/{pos_order_id}/accept")

    async def decline(self, pos_order_id: str) -> None:
        await self._post(f"/_sandbox/incoming-orders/{pos_order_id}/decline")

    async def complete(self, pos_order_id: str) -> None:
        listed = (await self.control.get("/_sandbox/incoming-orders")).json()["incoming_orders"]
        found = next(o for o in listed if str(o["incoming_order_id"]) == pos_order_id)
        await self._post(f"/_sandbox/transactions/{found['transaction_id']}/close")

    async def orders_with(self, key: str) -> int:
        listed = (await self.control.get("/_sandbox/incoming-orders")).json()["incoming_orders"]
        return sum(1 for o in listed if f"[ob:{key}]" in (o["comment"] or ""))

    async def hang_next_create(self) -> None:
        await self._post("/_sandbox/faults", {"next_hang": 1, "hang_seconds": 30})

    async def fail_next(self, how: str) -> None:
        if how == "unavailable":
            await self._post("/_sandbox/faults", {"next_5xx": 1})
            return
        # Poster's rate limit is its error 700; the window lets one call through first.
        await self._post("/_sandbox/faults", {"rate_limit_calls": 1})
        await self.control.get("/api/settings.getAllSettings", params={"token": DEMO_TOKEN})

    async def go_offline(self) -> None:
        raise AssertionError("Poster tells no availability (availability_webhooks is off)")

    async def change_hours(self, hours: Hours) -> None:
        raise AssertionError("Poster keeps no opening hours (opening_hours is off)")

    async def settle(self) -> None:
        await self.dispatcher.idle(5)

    async def revoke_credentials(self) -> None:
        await self._post("/_sandbox/tokens/revoke", {"token": DEMO_TOKEN})

    async def change_item(self, *, price: int, available: bool) -> None:
        body = {"spot_id": 1, "price": price, "visible": available}
        await self._post(f"/_sandbox/products/{self.item_id}", body)


@contextlib.asynccontextmanager
async def poster_driver() -> AsyncIterator[PosterDriver]:
    """A fresh seeded Poster sandbox whose webhooks (application 76) go to a catcher."""
    hook = Catcher()
    sandbox = PosterSandbox(demo_world(webhook_url="http://hub.test/webhooks/poster"))
    sandbox.clock = lambda: datetime.now(UTC)
    app = create_app(sandbox, webhook_transport=httpx.ASGITransport(app=hook))
    transport = httpx.ASGITransport(app=app)
    connector = connector_for(CONNECTION, transport, timeout=1.0)
    async with (
        app.state.dispatcher.running(),
        httpx.AsyncClient(transport=transport, base_url=BASE_URL) as control,
    ):
        try:
            yield PosterDriver(
                connector=connector, control=control, hook=hook, dispatcher=app.state.dispatcher
            )
        finally:
            await closing(connector)
