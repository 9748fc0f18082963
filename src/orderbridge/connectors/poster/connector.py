"""The Poster POS connector: the ``PosSystem`` port, built from the client and mapping.

One instance serves one Poster account (one connection); a hub location is one spot of
it (``LocationBinding.external_id`` is the ``spot_id``). Every method raises only the
ports' ``TransientError`` and ``PermanentError``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

import anyio
import httpx

from orderbridge.connectors.poster.checks import PosterCheck, register_check
from orderbridge.connectors.poster.client import PosterClient
from orderbridge.connectors.poster.lookup import MarkerLookup
from orderbridge.connectors.poster.mapping import (
    HOME_CATEGORY_ID,
    POSTER,
    item_from_product,
    location_infos,
    menu_from_poster,
)
from orderbridge.connectors.poster.mapping_orders import (
    incoming_order_body,
    pos_order_ref,
    poster_id,
    reservation_body,
)
from orderbridge.connectors.poster.schemas import PosterIncomingOrder
from orderbridge.connectors.poster.settings import PosterSettings
from orderbridge.domain.locations import WeeklySchedule
from orderbridge.domain.menu import Item, Menu
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

CAPABILITIES = Capabilities(
    orders=True,
    reservations=True,
    menu_import=True,
    menu_item_refresh=True,
    status_webhooks=True,
    status_polling=True,
    order_lookup_by_key=True,
    register_checks=True,
)


class PosterConnector:
    """The hub's door to one Poster account.

    Build it with ``PosterConnector.from_settings(settings)`` (the composition root
    does), call the port's methods, and ``await connector.aclose()`` at shutdown.
    """

    capabilities: Capabilities = CAPABILITIES

    def __init__(self, client: PosterClient, settings: PosterSettings) -> None:
        self.client = client
        self.settings = settings
        # Look-ups by marker, bounded and shared by the uncertain orders of a batch.
        self.order_lookup = MarkerLookup(
            lambda date_from, date_to: client.get_own_incoming_orders(
                date_from=date_from, date_to=date_to
            )
        )
        self.reservation_lookup = MarkerLookup(
            lambda date_from, date_to: client.get_own_reservations(
                date_from=date_from, date_to=date_to
            )
        )

    @classmethod
    def from_settings(
        cls, settings: PosterSettings, *, transport: httpx.AsyncBaseTransport | None = None
    ) -> PosterConnector:
        """A connector with its own client; ``transport`` is for tests."""
        return cls(PosterClient.from_settings(settings, transport=transport), settings)

    async def aclose(self) -> None:
        await self.client.aclose()

    # Orders ---------------------------------------------------------------------

    async def submit_order(
        self, order: Order, *, location: LocationBinding, key: str
    ) -> PosOrderRef:
        """Create the incoming order; its comment carries ``key``'s marker."""
        body = incoming_order_body(
            order,
            spot_id=_spot_id(location),
            key=key,
            timezone=location.timezone,
            price_policy=self.settings.price_policy,
        )
        return pos_order_ref(await self.client.create_incoming_order(body))

    async def find_order(
        self, *, location: LocationBinding, key: str, since: datetime
    ) -> PosOrderRef | None:
        """The order created with ``key`` since ``since`` (its first try), found by its
        comment's marker in a narrow, paged window (:mod:`.lookup`)."""
        found = await self.order_lookup.find(
            spot_id=_spot_id(location), key=key, since=since, timezone=location.timezone
        )
        return await self._first_match(found)

    async def order_state(self, pos_order_id: str, *, location: LocationBinding) -> PosOrderRef:
        """The order's status, and whether its check was closed (dash.getTransaction)."""
        incoming = await self.client.get_incoming_order(poster_id(pos_order_id, "order"))
        return await self._ref(incoming)

    async def cancel_order(
        self, pos_order_id: str, *, location: LocationBinding, reason: str
    ) -> PosOrderRef:
        """Poster's API has no call that cancels an incoming order (``cancel_orders`` is
        off): the cashier does it at the register."""
        raise PermanentError(
            "cancel_not_supported", "Poster cannot cancel an incoming order through its API"
        )

    # Reservations ---------------------------------------------------------------

    async def submit_reservation(
        self, reservation: Reservation, *, location: LocationBinding, key: str
    ) -> PosOrderRef:
        """Create the table reservation; its comment carries ``key``'s marker."""
        body = reservation_body(
            reservation, spot_id=_spot_id(location), key=key, timezone=location.timezone
        )
        return pos_order_ref(await self.client.create_reservation(body))

    async def find_reservation(
        self, *, location: LocationBinding, key: str, since: datetime
    ) -> PosOrderRef | None:
        """The reservation created with ``key`` since ``since``, if Poster has it."""
        found = await self.reservation_lookup.find(
            spot_id=_spot_id(location), key=key, since=since, timezone=location.timezone
        )
        return await self._first_match(found)

    async def reservation_state(
        self, pos_reservation_id: str, *, location: LocationBinding
    ) -> PosOrderRef:
        """The reservation's status at Poster."""
        incoming = await self.client.get_reservation(poster_id(pos_reservation_id, "reservation"))
        return await self._ref(incoming)

    async def _first_match(self, matches: Sequence[PosterIncomingOrder]) -> PosOrderRef | None:
        if not matches:
            return None
        # Two matches mean an earlier run created it twice; the oldest is the one the hub
        # reports, the other needs a person (its id is in the detail).
        first = min(matches, key=lambda o: o.incoming_order_id)
        ref = await self._ref(first)
        if len(matches) > 1:
            others = ", ".join(str(o.incoming_order_id) for o in matches if o is not first)
            detail = f"{ref.detail}; duplicates at Poster: {others}"
            ref = PosOrderRef(ref.pos_order_id, ref.state, ref.pos_check_id, detail)
        return ref

    async def _ref(self, incoming: PosterIncomingOrder) -> PosOrderRef:
        check = None
        if incoming.transaction_id and incoming.status != 7:
            check = await self.client.get_transaction(incoming.transaction_id)
        return pos_order_ref(incoming, check)

    # Menu and places ------------------------------------------------------------

    async def fetch_menu(
        self, *, location: LocationBinding, out_of_stock: Collection[int] = frozenset()
    ) -> Menu:
        """The spot's whole menu: one menu.getCategories and one menu.getProducts call.

        Both run at once; no per-product calls, so 10,000 products cost two requests.
        """
        results: dict[str, Any] = {}

        async def load(name: str, call: Any) -> None:
            results[name] = await call()

        async with anyio.create_task_group() as group:
            group.start_soon(load, "categories", self.client.get_categories)
            group.start_soon(load, "products", self.client.get_products)
        return menu_from_poster(
            results["categories"],
            results.pop("products"),
            location_id=location.location_id,
            spot_id=_spot_id(location),
            currency=location.currency,
            photo_base=self.settings.photo_base_url,
            out_of_stock=out_of_stock,
        )

    async def fetch_item(self, item_id: str, *, location: LocationBinding) -> PosItem | None:
        """One product after a ``product``/``dish`` webhook (menu.getProduct).

        None when Poster no longer has it or the spot does not sell it: the hub removes
        it. A hidden product comes back not visible, exactly as a full import has it.
        """
        product = await self.client.get_product(poster_id(item_id, "product"))
        if product is None:
            return None
        item = item_from_product(
            product,
            spot_id=_spot_id(location),
            currency=location.currency,
            photo_base=self.settings.photo_base_url,
        )
        if item is None:
            return None
        category = str(product.menu_category_id) if product.menu_category_id else HOME_CATEGORY_ID
        return PosItem(item, category)

    async def fetch_register_check(
        self, check_id: str, *, location: LocationBinding
    ) -> RegisterCheck | None:
        """A check made at the register (``dash.getTransaction`` with its products), for
        channels that mirror register orders; None if Poster has no such check."""
        found: list[PosterCheck] = await self.client.call(
            "dash.getTransaction",
            list[PosterCheck],
            params={"transaction_id": check_id, "include_products": "true"},
        )
        return register_check(found[0], location.currency) if found else None

    async def fetch_schedule(self, *, location: LocationBinding) -> WeeklySchedule | None:
        """Poster's API has no opening hours (a spot has none; the restaurant sets its
        hours in the hub), so ``opening_hours`` is off and this reads nothing."""
        return None

    async def fetch_locations(self) -> list[PosLocationInfo]:
        """Every spot with its halls' live tables, timezone and currency."""
        results: dict[str, Any] = {}

        async def load(name: str, call: Any) -> None:
            results[name] = await call()

        try:
            async with anyio.create_task_group() as group:
                group.start_soon(load, "spots", self.client.get_spots)
                group.start_soon(load, "halls", self.client.get_halls)
                group.start_soon(load, "tables", self.client.get_tables)
                group.start_soon(load, "settings", self.client.get_settings)
        except ExceptionGroup as failed:
            # The four calls fail together (a revoked token): raise one classified error,
            # as the port promises, the permanent one first.
            raise _one_error(failed) from None
        return location_infos(
            results["spots"], results["halls"], results["tables"], results["settings"]
        )

    async def write_product_extras(self, items: Iterable[Item]) -> int:
        """Keep the channels' ids on Poster's products (application.setEntityExtras).

        The online-ordering guide suggests extras instead of a mapping table; the hub
        keeps its own mapping too, so this is a courtesy for other Poster tools and does
        nothing unless the connection's ``write_extras`` is on. Returns how many products
        were written.
        """
        if not self.settings.write_extras:
            return 0
        written = 0
        for item in items:
            others = {system: ref for system, ref in item.refs.items() if system != POSTER}
            product = item.refs.get(POSTER)
            if others and product is not None:
                extras = {"orderbridge": others}
                await self.client.set_entity_extras("product", poster_id(product, "item"), extras)
                written += 1
        return written


def _one_error(failed: ExceptionGroup[Exception]) -> Exception:
    """The group's first ``PermanentError``, else its first error (a ``TransientError``)."""
    errors = list(failed.exceptions)
    permanent = [e for e in errors if isinstance(e, PermanentError)]
    return (permanent or errors)[0]


def _spot_id(location: LocationBinding) -> int:
    if not location.external_id.isdigit():
        raise PermanentError(
            "unknown_location", f"location {location.location_id} is not bound to a Poster spot"
        )
    return int(location.external_id)
