"""POS changes reach Wix: fulfilments, cancels, the operation's status; register orders."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from orderbridge.connectors.wix import refs as r
from orderbridge.connectors.wix.connector import WixConnector
from orderbridge.connectors.wix.mapping import PosLine, external_refs, item_key
from orderbridge.connectors.wix.schemas import WixOrder
from orderbridge.domain.locations import LocationState, LocationStatus
from orderbridge.domain.orders import Order
from orderbridge.sandboxes.wix.checkout import checkout
from orderbridge.sandboxes.wix.sandbox import WixSandbox
from orderbridge.sandboxes.wix.seed import OPERATION_ID
from tests.connectors.wix.support import MemoryRefs, connector, new_sandbox
from tests.sandboxes.wix.support import NOW
from tests.unit.domain import cafe

pytestmark = pytest.mark.anyio
LOC = cafe.LOCATION_ID


async def _ordered() -> tuple[WixSandbox, WixConnector, Order]:
    """A published menu, a customer's checkout, and the hub's copy of the order."""
    sandbox, refs = new_sandbox(), MemoryRefs()
    wix = connector(sandbox, refs)
    await wix.publish(cafe.cafe_menu())
    croissant = refs.rows[(r.ITEM, item_key(LOC, "croissant"))].external_id
    placed = checkout(
        sandbox,
        {
            "operationId": OPERATION_ID,
            "items": [{"catalogItemId": croissant, "quantity": 2}],
            "buyer": {"firstName": "Олена", "phone": "+380671234567"},
        },
    )
    order = cafe.order()
    order.external_refs.update(external_refs(WixOrder.model_validate(placed), "con_wix"))
    return sandbox, wix, order


async def test_accepting_creates_the_whole_order_fulfilment_and_accepts_it() -> None:
    sandbox, wix, order = await _ordered()
    await wix.order_changed(order, event="order.accepted")
    stored = sandbox.world.orders[order.external_refs["wix_order_id"]]
    (fulfilment,) = stored.fulfillments
    assert fulfilment["status"] == "Accepted" and fulfilment["lineItems"][0]["quantity"] == 2
    assert order.external_refs["wix_fulfillment_id"] == fulfilment["id"]
    assert [e.event for e in order.timeline][-2:] == [
        "wix.fulfillment_created",
        "wix.fulfillment_updated",
    ]


async def test_a_repeat_or_a_lost_fulfilment_id_creates_no_second_fulfilment() -> None:
    sandbox, wix, order = await _ordered()
    await wix.order_changed(order, event="order.accepted")
    order.external_refs.pop("wix_fulfillment_id")
    await wix.order_changed(order, event="order.accepted")
    await wix.order_changed(order, event="order.completed")
    stored = sandbox.world.orders[order.external_refs["wix_order_id"]]
    (fulfilment,) = stored.fulfillments
    assert (fulfilment["status"], fulfilment["completed"]) == ("Fulfilled", True)
    assert stored.order["fulfillmentStatus"] == "FULFILLED"


@pytest.mark.parametrize("event", ["order.declined", "order.canceled"])
async def test_declining_or_canceling_cancels_the_wix_order_once(event: str) -> None:
    sandbox, wix, order = await _ordered()
    await wix.order_changed(order, event=event)
    await wix.order_changed(order, event=event)  # already canceled: fine
    assert sandbox.world.orders[order.external_refs["wix_order_id"]].order["status"] == "CANCELED"


@pytest.mark.parametrize("event", ["order.submitted", "order.failed", "order.received"])
async def test_statuses_without_a_wix_call_are_recorded(event: str) -> None:
    sandbox, wix, order = await _ordered()
    await wix.order_changed(order, event=event)
    assert order.timeline[-1].event == "wix.no_call"
    assert sandbox.world.orders[order.external_refs["wix_order_id"]].fulfillments == []


async def test_pausing_and_resuming_the_location_sets_the_operation() -> None:
    sandbox = new_sandbox()
    wix = connector(sandbox)
    until = NOW + timedelta(hours=2)
    paused = LocationStatus(LocationState.PAUSED, paused_until=until)
    assert await wix.set_operation_status(paused) == "PAUSED_UNTIL"
    operation = sandbox.world.operations[OPERATION_ID]
    assert operation.online_ordering_status == "PAUSED_UNTIL"
    assert await wix.set_operation_status(LocationStatus(LocationState.OPEN)) == "ENABLED"
    assert sandbox.world.operations[OPERATION_ID].online_ordering_status == "ENABLED"


async def test_a_register_order_is_created_with_catalog_references_and_fulfilled() -> None:
    sandbox, refs = new_sandbox(), MemoryRefs()
    wix = connector(sandbox, refs)
    await wix.publish(cafe.cafe_menu())
    line = PosLine(
        wix_item_id=refs.rows[(r.ITEM, item_key(LOC, "croissant"))].external_id,
        menu_id=refs.rows[(r.MENU, LOC)].external_id,
        section_id=refs.rows[(r.SECTION, item_key(LOC, "food"))].external_id,
        quantity=3,
        unit_price=replace(cafe.uah(5500)),
        name="Круасан",
    )
    order = await wix.create_pos_order(
        [line], external_order_id="con_poster/77", paid=True, done=True
    )
    stored = sandbox.world.orders[order.id]
    assert stored.order["channelInfo"]["externalOrderId"] == "orderbridge-pos:con_poster/77"
    assert stored.order["businessLocation"]["id"] == wix.settings.business_location_id
    assert stored.fulfillments[0]["status"] == "Fulfilled"
