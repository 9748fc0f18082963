"""The generic REST POS: the ``PosSystem`` port over any POS its manifest describes.

One instance serves one connection: one manifest, one base URL, that connection's
credentials. What it can do is what the manifest declares (:func:`capabilities`): a
POS without ``cancel_order`` cannot cancel, one without ``get_order`` is followed by
its webhooks only. Every method raises only the ports' ``TransientError`` and
``PermanentError``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal

from orderbridge.connectors.rest_pos import hours, mapping
from orderbridge.connectors.rest_pos.canonical import (
    location_document,
    order_document,
    reservation_document,
)
from orderbridge.connectors.rest_pos.client import RestPosClient
from orderbridge.connectors.rest_pos.manifest import Manifest
from orderbridge.domain.locations import WeeklySchedule
from orderbridge.domain.menu import Menu
from orderbridge.domain.orders import Order
from orderbridge.domain.register_checks import RegisterCheck
from orderbridge.domain.reservations import Reservation
from orderbridge.ports import (
    Capabilities,
    LocationBinding,
    PermanentError,
    PosItem,
    PosLocationInfo,
    PosOrderRef,
)

Kind = Literal["order", "reservation"]


def capabilities(manifest: Manifest) -> Capabilities:
    """What a POS can do, from the services (and webhook meanings) its manifest declares."""
    services = set(manifest.services)
    means = {e.means for e in manifest.webhooks.events.values()} if manifest.webhooks else set()
    lookup = manifest.idempotency.strategy == "find"
    return Capabilities(
        orders="create_order" in services,
        reservations="create_reservation" in services,
        menu_import="menu" in services,
        menu_item_refresh="menu_item" in services,
        status_webhooks="order_status_changed" in means,
        status_polling="get_order" in services,
        order_lookup_by_key=lookup and "find_order" in services,
        cancel_orders="cancel_order" in services,
        availability_webhooks="availability_changed" in means,
        opening_hours="schedule" in services,
    )


class RestPosConnector:
    """The hub's door to one REST POS connection. ``await connector.aclose()`` at shutdown."""

    def __init__(self, client: RestPosClient, clock: Callable[[], datetime] | None = None) -> None:
        self.client = client
        self.manifest = client.manifest
        self.capabilities = capabilities(self.manifest)
        self._clock = clock

    async def aclose(self) -> None:
        await self.client.aclose()

    def _now(self) -> datetime:
        return self._clock() if self._clock is not None else datetime.now(UTC)

    async def _call(self, name: str, location: LocationBinding | None, **values: Any) -> Any:
        if name not in self.manifest.services:
            raise PermanentError(
                "not_supported", f"the {self.manifest.name} manifest declares no {name}"
            )
        if location is not None:
            values["location"] = location_document(location)
        values["now"] = self._now()
        timezone = location.timezone if location is not None else "UTC"
        return await self.client.call(name, values, timezone=timezone)

    def _ref(self, name: str, kind: Kind, answer: Any) -> PosOrderRef:
        service = self.manifest.services[name]
        record = mapping.Reader(self.manifest, name).one(answer, service.record)
        return mapping.ref(self.manifest, name, kind, service, record)

    # Orders ---------------------------------------------------------------------

    async def submit_order(
        self, order: Order, *, location: LocationBinding, key: str
    ) -> PosOrderRef:
        """Create the order (``create_order``); the key goes where the manifest writes it."""
        answer = await self._call("create_order", location, key=key, order=order_document(order))
        return self._ref("create_order", "order", answer)

    async def find_order(
        self, *, location: LocationBinding, key: str, since: datetime
    ) -> PosOrderRef | None:
        """The order created with ``key`` (``find_order``), or None."""
        return await self._find("find_order", "order", location, key, since)

    async def order_state(self, pos_order_id: str, *, location: LocationBinding) -> PosOrderRef:
        answer = await self._call("get_order", location, pos_order_id=pos_order_id)
        if answer is None:
            raise PermanentError(
                "unknown_order", f"{self.manifest.name} has no order {pos_order_id}"
            )
        return self._ref("get_order", "order", answer)

    async def cancel_order(
        self, pos_order_id: str, *, location: LocationBinding, reason: str
    ) -> PosOrderRef:
        """Cancel (``cancel_order``); the order's state after it, as the POS tells."""
        answer = await self._call(
            "cancel_order", location, pos_order_id=pos_order_id, reason=reason
        )
        if self.manifest.services["cancel_order"].fields.get("status") and answer:
            return self._ref("cancel_order", "order", answer)
        return await self.order_state(pos_order_id, location=location)

    # Reservations ---------------------------------------------------------------

    async def submit_reservation(
        self, reservation: Reservation, *, location: LocationBinding, key: str
    ) -> PosOrderRef:
        document = reservation_document(reservation)
        answer = await self._call("create_reservation", location, key=key, reservation=document)
        return self._ref("create_reservation", "reservation", answer)

    async def find_reservation(
        self, *, location: LocationBinding, key: str, since: datetime
    ) -> PosOrderRef | None:
        return await self._find("find_reservation", "reservation", location, key, since)

    async def reservation_state(
        self, pos_reservation_id: str, *, location: LocationBinding
    ) -> PosOrderRef:
        answer = await self._call("get_reservation", location, pos_order_id=pos_reservation_id)
        if answer is None:
            raise PermanentError(
                "unknown_reservation", f"{self.manifest.name} has no booking {pos_reservation_id}"
            )
        return self._ref("get_reservation", "reservation", answer)

    async def _find(
        self, name: str, kind: Kind, location: LocationBinding, key: str, since: datetime
    ) -> PosOrderRef | None:
        if name not in self.manifest.services:
            return None
        answer = await self._call(name, location, key=key, since=since)
        if answer is None:
            return None
        service = self.manifest.services[name]
        found = mapping.matching(self.manifest, name, service, answer, key)
        if not found:
            return None
        refs = [mapping.ref(self.manifest, name, kind, service, r) for r in found]
        first = refs[0]
        if len(refs) > 1:  # an earlier run created it twice: a person must look
            others = ", ".join(r.pos_order_id for r in refs[1:])
            detail = f"{first.detail}; duplicates at {self.manifest.name}: {others}"
            first = PosOrderRef(first.pos_order_id, first.state, first.pos_check_id, detail)
        return first

    # Menu and places ------------------------------------------------------------

    async def fetch_menu(self, *, location: LocationBinding) -> Menu:
        """The whole menu (``menu``, and ``menu_items`` for a flat one, and the
        variants, option groups and options a POS lists apart)."""
        answer = await self._call("menu", location)
        items = None
        if "menu_items" in self.manifest.services:
            items = await self._call("menu_items", location)
        return mapping.menu(
            self.manifest,
            answer,
            items,
            location_id=location.location_id,
            currency=location.currency,
            parts=await self._parts(location),
        )

    async def _parts(self, location: LocationBinding) -> mapping.Parts:
        declared = [n for n in mapping.PART_SERVICES if n in self.manifest.services]
        answers = {name: await self._call(name, location) for name in declared}
        return mapping.parts(self.manifest, answers) if answers else mapping.Parts()

    async def fetch_item(self, item_id: str, *, location: LocationBinding) -> PosItem | None:
        """One item (``menu_item``); None when the POS answers it has none."""
        answer = await self._call("menu_item", location, item_id=item_id)
        if answer is None:
            return None
        parts = await self._parts(location)
        return mapping.pos_item(self.manifest, answer, location.currency, parts)

    async def fetch_register_check(
        self, check_id: str, *, location: LocationBinding
    ) -> RegisterCheck | None:
        """A manifest describes no register checks (``register_checks`` is off)."""
        return None

    async def fetch_schedule(self, *, location: LocationBinding) -> WeeklySchedule | None:
        """The place's weekly opening hours (``schedule``); None when the manifest
        declares no such call or the POS answers it keeps none (``not_found``)."""
        if "schedule" not in self.manifest.services:
            return None
        answer = await self._call("schedule", location)
        return None if answer is None else hours.schedule(self.manifest, answer)

    async def fetch_locations(self) -> list[PosLocationInfo]:
        """The POS's places (``locations``); none when the manifest declares no such call."""
        if "locations" not in self.manifest.services:
            return []
        return mapping.locations(self.manifest, await self._call("locations", None))
