"""``orderbridge demo --showcase``: menus, money and times, happening on their own.

Once the demo's menus are imported, the showcase sets up what a restaurant judges a
hub by, each through the same services the admin API uses, and each ending by itself:

- a snoozed pastry at Podil (unavailable on the shop and in Wix until the snooze ends);
- busy mode at Pechersk (+15 minutes on promised times for half an hour);
- a pre-order at Podil for a time past the lead time: ``scheduled`` now, ``submitted``
  to the Poster sandbox after ``ORDERBRIDGE_DEMO_SHOWCASE_SECONDS`` (120 by default);
- a pause at Pechersk that ends by itself after as long, announced as
  ``location.status_changed`` and pushed to the channels.

Watch it on the dashboard (Overview, Menu, Orders) and the Poster register page.
"""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

from orderbridge.bootstrap import Hub
from orderbridge.domain.availability import SnoozeTarget
from orderbridge.domain.customers import Customer
from orderbridge.domain.drafts import DraftLine, DraftPayment, OrderDraft
from orderbridge.domain.locations import Location
from orderbridge.domain.order_details import Fulfilment, FulfilmentType, PaymentStatus
from orderbridge.domain.orders import OrderKey
from orderbridge.services import availability
from orderbridge.services import locations as location_service
from orderbridge.services.orders import place_order
from orderbridge.storage.codec import canonical_hash, draft_to_json

SHOWCASE_ENV = "ORDERBRIDGE_DEMO_SHOWCASE_SECONDS"
PODIL, PECHERSK = "loc_podil", "loc_pechersk"
SNOOZED_ITEM = "163"  # Pain au chocolat
PREORDER_ITEM = "4"  # Бріош з маслом


def showcase_seconds() -> float:
    """How long the pause lasts and how long the pre-order waits (env, default 120)."""
    return float(os.environ.get(SHOWCASE_ENV, "120"))


async def run_showcase(hub: Hub, *, tenant_id: str) -> list[str]:
    """Wait for the menus, then set everything up; returns what it did, for the console."""
    while True:
        with hub.uow() as tx:
            ready = all(tx.get_menu(i) is not None for i in (PODIL, PECHERSK))
        if ready:
            break
        await asyncio.sleep(0.2)
    return await asyncio.to_thread(_set_up, hub, tenant_id)


def _set_up(hub: Hub, tenant_id: str) -> list[str]:
    now = hub.clock()
    wait = timedelta(seconds=showcase_seconds())
    done: list[str] = []
    availability.add_snoozes(
        hub.uow,
        tenant_id=tenant_id,
        location_id=PODIL,
        targets=[(SnoozeTarget.ITEM, SNOOZED_ITEM)],
        until=now + timedelta(minutes=10),
        reason="showcase: the oven is being cleaned",
        clock=hub.clock,
    )
    done.append(f"snoozed item {SNOOZED_ITEM} at Podil for 10 minutes")

    def busy(location: Location) -> bool:
        return location.set_busy(now, extra_minutes=15, until=now + timedelta(minutes=30))

    def pause(location: Location) -> bool:
        location.pause(now, reason="showcase: a pause that ends by itself", until=now + wait)
        return True

    for location_id, change, what in (
        (PECHERSK, busy, "busy mode at Pechersk: +15 min for 30 minutes"),
        (PECHERSK, pause, f"paused Pechersk for {wait.total_seconds():.0f} s"),
    ):
        with hub.uow() as tx:
            location_service.change_status(
                tx, tenant_id=tenant_id, location_id=location_id, change=change, now=now
            )
        done.append(what)
    with hub.uow() as tx:
        record = tx.get_location(PODIL)
    assert record is not None
    wanted = now + record.options.timing.lead_time + wait
    draft = OrderDraft(
        key=OrderKey("storefront", f"showcase-{int(now.timestamp())}"),
        location_id=PODIL,
        items=(DraftLine(PREORDER_ITEM, 2),),
        customer=Customer(name="Showcase", phone="+380671234567"),
        fulfilment=Fulfilment(FulfilmentType.PICKUP, time=wanted),
        payment=DraftPayment(PaymentStatus.UNPAID, "UAH"),
        note="a pre-order: held by the hub until time minus lead time",
    )
    with hub.uow() as tx:
        placed = place_order(
            tx,
            tenant_id=tenant_id,
            draft=draft,
            request_hash=canonical_hash(draft_to_json(draft)),
            now=now,
        )
    order = placed.stored.order
    done.append(f"pre-order {order.id}: {order.status.value}, goes to Poster in {wait}")
    return done
