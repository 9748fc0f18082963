"""The Wix Restaurants channel connector: client and mapping behind the channel jobs.

One instance serves one Wix site (one connection). What the hub tells Wix:

===================  =========================================================  ========
hub status / event   Wix call                                                   timeline
===================  =========================================================  ========
received             none (the order came from Wix)                             yes
submitted            none (Wix has no "sent to the kitchen" status)             yes
accepted             Create Fulfillment for every restaurant line (Wix starts
                     it ``Pending``), then Update Fulfillment ``Accepted``      yes
completed            Update Fulfillment ``Fulfilled``, ``completed: true``
                     (the fulfilment is created first if accepted never ran)    yes
declined, canceled   Cancel Order (an order Wix already canceled is fine)       yes
failed               none (an operator fixes and replays it)                    yes
===================  =========================================================  ========

Store status: paused until a time → operation ``PAUSED_UNTIL`` with that time; paused
with no end → ``DISABLED`` (Wix needs a time for a pause); open → ``ENABLED``; closed
by the schedule → no status change (Wix closes by the hours the hub pushed to it).
The preparation time (with busy mode's minutes) rides on the same update, and the
opening hours go to the fulfillment methods and availability exceptions
(:mod:`~orderbridge.connectors.wix.schedule_sync`). Each update carries the entity's
revision (re-read and retried when stale) and is read back to confirm.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import httpx

from orderbridge.connectors.wix import mapping_hours, schedule_sync
from orderbridge.connectors.wix import refs as r
from orderbridge.connectors.wix.client import RevisionConflict, WixClient
from orderbridge.connectors.wix.mapping import (
    STATUS_TABLE,
    PosLine,
    fulfilment_lines,
    pos_external_id,
    pos_order_body,
    restaurant_lines,
)
from orderbridge.connectors.wix.publisher import MenuPublisher, PublishStats
from orderbridge.connectors.wix.schemas import WixLocation, WixOrder
from orderbridge.connectors.wix.settings import WixSettings
from orderbridge.domain.locations import LocationState, LocationStatus, WeeklySchedule
from orderbridge.domain.menu import Menu
from orderbridge.domain.orders import Order
from orderbridge.ports import Capabilities, PermanentError, TransientError

CAPABILITIES = Capabilities(
    orders=True, menu_publish=True, location_status=True, pos_orders_import=True
)
ALREADY_CANCELED = frozenset({"order_already_canceled", "order_canceled"})


def _utcnow() -> datetime:
    return datetime.now(UTC)


class WixConnector:
    """The hub's door to one Wix site. ``await connector.aclose()`` at shutdown."""

    capabilities: Capabilities = CAPABILITIES

    def __init__(
        self,
        client: WixClient,
        settings: WixSettings,
        refs: r.RefStore,
        *,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.client = client
        self.settings = settings
        self.refs = refs
        self.clock = clock
        self.menu_name = "Menu"
        self._country: str | None = None

    @classmethod
    def from_settings(
        cls,
        settings: WixSettings,
        refs: r.RefStore,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], datetime] = _utcnow,
    ) -> WixConnector:
        client = WixClient.from_settings(settings, transport=transport)
        return cls(client, settings, refs, clock=clock)

    async def aclose(self) -> None:
        await self.client.aclose()

    # Orders ---------------------------------------------------------------------

    async def order_changed(self, order: Order, *, event: str) -> None:
        """Tell Wix the order moved (see the module's table). Records what it did in the
        order's timeline and keeps the fulfilment id in ``order.external_refs``; the
        caller saves the order."""
        action = STATUS_TABLE.get(event)
        wix_order_id = order.external_refs.get("wix_order_id")
        now = self.clock()
        if action is None or wix_order_id is None:
            order.record(now, "wix.no_call", f"{event}: nothing to tell Wix")
            return
        if action.cancel:
            try:
                await self.client.cancel_order(wix_order_id)
                order.record(now, "wix.order_canceled", f"{event}: Wix order canceled")
            except PermanentError as error:
                if error.code not in ALREADY_CANCELED:
                    raise
                order.record(now, "wix.order_canceled", f"{event}: already canceled at Wix")
            return
        if action.fulfilment_status is None:
            order.record(now, "wix.no_call", f"{event}: {action.note}")
            return
        fulfilment_id = await self._fulfilment(order, wix_order_id, now)
        fields: dict[str, object] = {"status": action.fulfilment_status}
        if action.fulfilment_status == "Fulfilled":
            fields["completed"] = True
        await self.client.update_fulfillment(wix_order_id, fulfilment_id, fields)
        order.record(now, "wix.fulfillment_updated", f"{event}: {action.fulfilment_status}")

    async def _fulfilment(self, order: Order, wix_order_id: str, now: datetime) -> str:
        """The order's fulfilment at Wix, created (whole order) when it has none yet.

        An earlier try may have created it before failing, so Wix is asked first.
        """
        known = order.external_refs.get("wix_fulfillment_id")
        if known:
            return known
        existing = await self.client.list_fulfillments(wix_order_id)
        if existing.fulfillments:
            fulfilment_id = existing.fulfillments[0].id
        else:
            lines = fulfilment_lines(order.external_refs)
            if not lines:
                raise PermanentError("no_line_items", "the order keeps no Wix line items")
            fulfilment_id = await self.client.create_fulfillment(wix_order_id, {"lineItems": lines})
            order.record(now, "wix.fulfillment_created", f"fulfilment {fulfilment_id}")
        order.external_refs["wix_fulfillment_id"] = fulfilment_id
        return fulfilment_id

    # Menu -----------------------------------------------------------------------

    async def publish(self, menu: Menu) -> PublishStats:
        """Bring the Wix menu in step with ``menu`` (the publisher diffs against what it
        last published to this site)."""
        publisher = MenuPublisher(
            self.client,
            self.refs,
            business_location_id=self.settings.business_location_id,
            revision_retries=self.settings.revision_retries,
        )
        return await publisher.publish(menu, menu_name=self.menu_name)

    # Store status ---------------------------------------------------------------

    async def set_operation_status(
        self, status: LocationStatus, *, prep_minutes: int | None = None
    ) -> str | None:
        """Pause, disable or enable the operation and read it back; returns the status
        Wix confirmed (None when the status needs no call).

        ``prep_minutes`` (the location's preparation time with busy mode's extra
        minutes) goes into the same update as the ASAP preparation time, when the
        operation states another (see :mod:`~orderbridge.connectors.wix.mapping_hours`).
        """
        operation_id = self._operation_id()
        fields: dict[str, object]
        if status.state is LocationState.PAUSED and status.paused_until is not None:
            until = status.paused_until.isoformat()
            fields = {"onlineOrderingStatus": "PAUSED_UNTIL", "pausedUntilOptions": {"time": until}}
        elif status.state is LocationState.PAUSED:
            fields = {"onlineOrderingStatus": "DISABLED"}
        elif status.state is LocationState.OPEN:
            fields = {"onlineOrderingStatus": "ENABLED"}
        else:
            fields = {}
        for _ in range(self.settings.revision_retries + 1):
            current = await self.client.get_operation(operation_id)
            change = dict(fields)
            scheduling = self._scheduling_change(current.orderScheduling, prep_minutes)
            if scheduling is not None:
                change["orderScheduling"] = scheduling
            if not change:
                return None
            try:
                await self.client.update_operation(
                    operation_id, {**change, "revision": current.revision}
                )
                break
            except RevisionConflict:
                continue
        else:
            raise TransientError(f"Wix operation {operation_id} kept changing (stale revision)")
        confirmed = await self.client.get_operation(operation_id)
        if fields and confirmed.onlineOrderingStatus != fields["onlineOrderingStatus"]:
            raise TransientError(
                f"Wix operation reads {confirmed.onlineOrderingStatus} after the update"
            )
        if prep_minutes is not None and scheduling is not None:
            read = mapping_hours.prep_minutes(confirmed.orderScheduling)
            if read != prep_minutes:
                raise TransientError(f"Wix operation reads {read} preparation minutes")
        return confirmed.onlineOrderingStatus if fields else None

    @staticmethod
    def _scheduling_change(
        scheduling: dict[str, object], prep_minutes: int | None
    ) -> dict[str, object] | None:
        if prep_minutes is None or mapping_hours.prep_minutes(scheduling) == prep_minutes:
            return None
        return mapping_hours.with_prep_minutes(scheduling, prep_minutes)

    async def push_hours(
        self, schedule: WeeklySchedule | None, *, timezone: str
    ) -> schedule_sync.HoursPushed:
        """The location's opening hours onto the operation's fulfillment methods and
        availability exceptions (see :mod:`~orderbridge.connectors.wix.schedule_sync`)."""
        return await schedule_sync.push_hours(
            self.client,
            operation_id=self._operation_id(),
            schedule=schedule,
            timezone=timezone,
            now=self.clock(),
            revision_retries=self.settings.revision_retries,
        )

    def _operation_id(self) -> str:
        operation_id = self.settings.operation_id
        if not operation_id:
            raise PermanentError("no_operation", "the Wix connection names no operation_id")
        return operation_id

    # The site --------------------------------------------------------------------

    async def business_location(self) -> WixLocation:
        """The Wix business location this connection serves: the configured one, else
        the site's default, else its first live one (List Locations)."""
        locations = await self.client.list_locations()
        wanted = self.settings.business_location_id
        live = [x for x in locations if not x.archived]
        chosen = next((x for x in live if x.id == wanted), None) or next(
            (x for x in live if x.default), live[0] if live else None
        )
        if chosen is None:
            raise PermanentError("no_business_location", "the Wix site lists no location")
        return chosen

    async def country(self) -> str | None:
        """The restaurant's country (for phones in national form): the setting, else
        the business location's ``address.country``; read once per connector."""
        if self.settings.country:
            return self.settings.country.upper()
        if self._country is None:
            address = (await self.business_location()).address
            self._country = (address.country or "") if address else ""
        return self._country or None

    # POS orders into Wix --------------------------------------------------------

    async def create_pos_order(
        self, lines: Sequence[PosLine], *, external_order_id: str, paid: bool, done: bool
    ) -> WixOrder:
        """Create a register's order in Wix with restaurant catalog references at the
        business location List Locations names, then give it its fulfilment (set
        ``Fulfilled`` when the register already closed the check).

        A try that crashed after Wix created the order but before the hub stored its id
        must not create it again: Wix is searched for the order's ``externalOrderId``
        first (as the Poster path looks its orders up by key), and a fulfilment is only
        created when the order has none."""
        existing = await self.client.find_order_by_external_id(pos_external_id(external_order_id))
        if existing is not None:
            await self._fulfil_pos_order(existing, done=done)
            return existing
        chosen = await self.business_location()
        body = pos_order_body(
            lines,
            operation_id=self.settings.operation_id,
            business_location_id=chosen.id,
            external_order_id=external_order_id,
            paid=paid,
        )
        order = await self.client.create_order(body)
        await self._fulfil_pos_order(order, done=done)
        return order

    async def _fulfil_pos_order(self, order: WixOrder, *, done: bool) -> None:
        known = await self.client.list_fulfillments(order.id)
        if known.fulfillments:
            fulfilment_id = known.fulfillments[0].id
            finished = known.fulfillments[0].status == "Fulfilled"
        else:
            restaurant = [
                {"id": line.id, "quantity": line.quantity} for line in restaurant_lines(order)
            ]
            fulfilment_id = await self.client.create_fulfillment(
                order.id, {"lineItems": restaurant}
            )
            finished = False
        if done and not finished:
            fields = {"status": "Fulfilled", "completed": True}
            await self.client.update_fulfillment(order.id, fulfilment_id, fields)
