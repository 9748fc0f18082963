"""Helpers for the Poster connector tests: payload files, a sandbox wiring, sample orders.

The sandbox is the seeded café (``demo_world``) served in-process through
``httpx.ASGITransport``; register actions go through the sandbox's cashier functions,
as the register page does.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from pydantic import SecretStr

from orderbridge.connectors.poster.settings import PosterSettings
from orderbridge.domain.customers import Customer
from orderbridge.domain.money import Money
from orderbridge.domain.orders import (
    Address,
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
from orderbridge.ports import LocationBinding
from orderbridge.sandboxes.poster import cashier
from orderbridge.sandboxes.poster.sandbox import PosterSandbox
from orderbridge.sandboxes.poster.seed import DEMO_TOKEN

PAYLOADS = Path(__file__).parents[2] / "payloads" / "poster"
BASE_URL = "http://api-demo.localhost"
PODIL = LocationBinding(
    location_id="podil", external_id="1", currency="UAH", timezone="Europe/Kyiv"
)
PECHERSK = LocationBinding(
    location_id="pechersk", external_id="2", currency="UAH", timezone="Europe/Kyiv"
)
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


def payload(name: str) -> Any:
    """The ``response`` of a saved Poster answer in ``tests/payloads/poster``."""
    data = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data["response"]


def settings(**overrides: Any) -> PosterSettings:
    """Settings for the sandbox's demo account (personal integration token)."""
    values: dict[str, Any] = {
        "account": "api-demo",
        "base_url": BASE_URL,
        "token": SecretStr(DEMO_TOKEN),
        "timeout_seconds": 1.0,
    }
    return PosterSettings(**(values | overrides))


async def set_faults(transport: httpx.AsyncBaseTransport, **knobs: Any) -> None:
    """Turn the sandbox's fault knobs through its control API."""
    async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as control:
        answer = await control.post("/_sandbox/faults", json=knobs)
        assert answer.status_code == 200, answer.text


def accept(sandbox: PosterSandbox, incoming_order_id: int) -> int:
    """The cashier accepts the order; returns the check's id."""
    ctx = sandbox.context(sandbox.world.accounts["api-demo"])
    check = cashier.accept_order(ctx, incoming_order_id)
    sandbox.commit(ctx)
    return check.transaction_id


def decline(sandbox: PosterSandbox, incoming_order_id: int) -> None:
    """The cashier declines (or, once accepted, cancels) the order."""
    ctx = sandbox.context(sandbox.world.accounts["api-demo"])
    cashier.decline_order(ctx, incoming_order_id)
    sandbox.commit(ctx)


def close_check(sandbox: PosterSandbox, transaction_id: int) -> None:
    """The cashier closes the check, taking what is left to pay in cash."""
    ctx = sandbox.context(sandbox.world.accounts["api-demo"])
    cashier.close_transaction(ctx, transaction_id)
    sandbox.commit(ctx)


def uah(amount: int) -> Money:
    return Money(amount, "UAH")


def cafe_order(
    *, paid: bool = True, fulfilment: Fulfilment | None = None, channel_order_id: str = "1001"
) -> Order:
    """Two Borjomi 0,33 (variant 148) and a Cheeseburger with a side and two BBQ sauces."""
    lines = (
        OrderLine(
            item_id="139", variant_id="148", quantity=2, unit_price=uah(4500), name="Borjomi"
        ),
        OrderLine(
            item_id="172",
            quantity=1,
            unit_price=uah(19500),
            name="Cheeseburger",
            modifiers=(
                LineModifier(modifier_id="62", quantity=1, unit_price=uah(0)),
                LineModifier(modifier_id="59", quantity=2, unit_price=uah(1500)),
            ),
            note="no onions",
        ),
    )
    total = sum(line.total.amount for line in lines)
    return Order.receive(
        id=f"ord_{channel_order_id}",
        key=OrderKey("web", channel_order_id),
        location_id="podil",
        lines=lines,
        customer=Customer(name="Олена Коваленко", phone="+380671234567", email="olena@example.com"),
        fulfilment=fulfilment
        or Fulfilment(
            FulfilmentType.DELIVERY,
            time=NOW + timedelta(hours=8, minutes=30),
            address=Address(line1="вул. Хрещатик, 1", city="Київ", line2="кв. 5"),
        ),
        at=NOW,
        payment=Payment(PaymentStatus.PAID if paid else PaymentStatus.UNPAID, uah(total)),
        note="call at the door",
    )


def table_reservation(*, table: str | None = "3", minutes: int = 90) -> Reservation:
    """Four guests at table 3 of spot 1, tomorrow at 19:00 Kyiv time."""
    return Reservation.receive(
        id="res_1",
        key=ReservationKey("web", "r-77"),
        location_id="podil",
        time=datetime(2026, 11, 23, 17, 0, tzinfo=UTC),
        duration=timedelta(minutes=minutes),
        guests=4,
        customer=Customer(name="Іван", phone="+380501112233"),
        at=NOW,
        table=table,
        note="window seat",
    )
