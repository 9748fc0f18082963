"""The sandbox's world: one site with its app instance, locations, operations, menus,
orders and their fulfilments, and the key pair that signs webhooks.

Everything is a pydantic model so that ``--state FILE`` can write the world as one
JSON document and load it back. Entities Wix defines field by field that the sandbox
only stores and hands back (menu entities, orders, fulfilments) are kept as their wire
JSON (``dict``): the handlers own their shape, and persisting them needs no mapping.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

MenuKind = Literal["menus", "sections", "items", "variants", "modifierGroups", "modifiers"]
MENU_KINDS: tuple[MenuKind, ...] = (
    "menus",
    "sections",
    "items",
    "variants",
    "modifierGroups",
    "modifiers",
)


class AccessToken(BaseModel):
    """An access token of the app instance; ``read_only`` tokens get 403 on writes."""

    token: str
    read_only: bool = False
    revoked: bool = False


class Location(BaseModel):
    """A business location as List Locations returns it (wire JSON in ``data``)."""

    id: str
    data: dict[str, Any]


class Operation(BaseModel):
    """An online-ordering operation of one business location."""

    id: str
    revision: int = 1
    created_date: str
    updated_date: str
    name: str
    default: bool = True
    business_location_id: str
    online_ordering_status: Literal["ENABLED", "DISABLED", "PAUSED_UNTIL"] = "ENABLED"
    paused_until: str | None = None
    default_fulfillment_type: Literal["PICKUP", "DELIVERY"] = "PICKUP"
    order_scheduling: dict[str, Any] = Field(default_factory=dict)
    operation_group_id: str = ""
    fulfillment_ids: list[str] = Field(default_factory=list)

    def wire(self) -> dict[str, Any]:
        """The operation in Wix's shape (revision as a string, as Wix's int64 are)."""
        body: dict[str, Any] = {
            "id": self.id,
            "revision": str(self.revision),
            "createdDate": self.created_date,
            "updatedDate": self.updated_date,
            "name": self.name,
            "default": self.default,
            "fulfillmentIds": list(self.fulfillment_ids),
            "onlineOrderingStatus": self.online_ordering_status,
            "defaultFulfillmentType": self.default_fulfillment_type,
            "orderScheduling": self.order_scheduling,
            "businessLocationId": self.business_location_id,
            "operationGroupId": self.operation_group_id,
        }
        if self.online_ordering_status == "PAUSED_UNTIL":
            body["pausedUntilOptions"] = {"time": self.paused_until}
        return body

    def accepts_orders(self, now: datetime) -> bool:
        """ENABLED, or paused until a moment that has passed."""
        if self.online_ordering_status == "ENABLED":
            return True
        if self.online_ordering_status == "PAUSED_UNTIL" and self.paused_until:
            until = datetime.fromisoformat(self.paused_until.replace("Z", "+00:00"))
            return until <= now
        return False


class StoredOrder(BaseModel):
    """An eCommerce order (wire JSON) and its fulfilments (wire JSON, oldest first)."""

    order: dict[str, Any]
    fulfillments: list[dict[str, Any]] = Field(default_factory=list)


class Site(BaseModel):
    """The site with the app installed: its instance, currency and webhook receiver."""

    instance_id: str
    app_id: str
    site_name: str = "Бріош"
    currency: str = "UAH"
    webhook_url: str = ""
    tokens: list[AccessToken] = Field(default_factory=list)


def _empty_menus() -> dict[str, dict[str, dict[str, Any]]]:
    return {kind: {} for kind in MENU_KINDS}


class World(BaseModel):
    """The whole sandbox, persisted as one JSON document."""

    site: Site
    # PEM (PKCS#8) of the RSA key that signs webhooks; generated at first start.
    private_key_pem: str = ""
    locations: dict[str, Location] = Field(default_factory=dict)
    operations: dict[str, Operation] = Field(default_factory=dict)
    menus: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=_empty_menus)
    orders: dict[str, StoredOrder] = Field(default_factory=dict)
    # Fulfillment methods and availability exceptions, as wire JSON by id.
    fulfillment_methods: dict[str, dict[str, Any]] = Field(default_factory=dict)
    availability_exceptions: dict[str, dict[str, Any]] = Field(default_factory=dict)
    next_order_number: int = 10001
    # Per entity: the last ``entityEventSequence`` its events carried.
    event_sequences: dict[str, int] = Field(default_factory=dict)

    def token(self, value: str) -> AccessToken | None:
        return next((t for t in self.site.tokens if t.token == value and not t.revoked), None)

    def menu(self, kind: MenuKind) -> dict[str, dict[str, Any]]:
        return self.menus.setdefault(kind, {})
