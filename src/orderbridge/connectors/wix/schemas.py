"""Wix's wire format, in Wix's vocabulary: eCommerce orders, fulfilments, operations,
locations, Restaurants menu entities and webhook events.

Field names follow Wix's REST reference (the examples in ``wix-incubator/wix-rest-docs``
and, where no example shows a field, the types of ``@wix/auto_sdk_ecom_orders``; see
``tests/payloads/wix/README.md``). REST and the SDK name a few fields differently: REST
says ``addressLine`` and ``geocode`` where the SDK says ``addressLine1`` and
``location``; these models read the REST names. Models ignore fields they do not name
(Wix adds fields freely) and default what Wix may leave out, but a field they name must
have Wix's type: an order whose ``lineItems`` is not a list, or whose quantity is not
1..100000, is not a Wix order and fails validation. Amounts stay decimal strings here;
``mapping`` turns them into money.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RESTAURANTS_APP_ID = "9a5d83fd-8570-482e-81ab-cfa88942ee60"
"""``catalogReference.appId`` of Wix Restaurants Orders line items."""
MAX_QUANTITY = 100_000
"""Wix's upper bound for a line item's quantity (``@max 100000`` in the SDK types)."""


EVENT_ID_LENGTH = 128
"""The longest webhook event id or entity id taken (Wix's are 36-character GUIDs)."""


class WixModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class WixPrice(WixModel):
    amount: str = "0"
    formattedAmount: str = ""


class WixText(WixModel):
    """Wix's ``ProductName`` / ``TranslatableString``: ``original`` and ``translated``."""

    original: str = ""
    translated: str | None = None


class WixCatalogReference(WixModel):
    catalogItemId: str = ""
    appId: str = ""
    options: dict[str, Any] = Field(default_factory=dict)


class WixItemModifier(WixModel):
    """One chosen modifier of a restaurant line (``lineItems[].modifierGroups[].modifiers[]``)."""

    id: str
    quantity: int | None = Field(default=None, ge=1, le=MAX_QUANTITY)
    label: WixText = Field(default_factory=WixText)
    price: WixPrice | None = None


class WixModifierGroup(WixModel):
    """A modifier group of a line item: ``{id, name, modifiers}``."""

    id: str = ""
    name: WixText = Field(default_factory=WixText)
    modifiers: list[WixItemModifier] = Field(default_factory=list)


class WixLineItem(WixModel):
    id: str = ""
    productName: WixText = Field(default_factory=WixText)
    quantity: int = Field(default=1, ge=1, le=MAX_QUANTITY)
    price: WixPrice = Field(default_factory=WixPrice)
    totalPriceAfterTax: WixPrice | None = None
    catalogReference: WixCatalogReference | None = None
    descriptionLines: list[dict[str, Any]] = Field(default_factory=list)
    modifierGroups: list[WixModifierGroup] = Field(default_factory=list)

    @property
    def is_restaurant_item(self) -> bool:
        """True for Wix Restaurants menu items; Stores products, gift cards … are not."""
        ref = self.catalogReference
        return ref is not None and ref.appId == RESTAURANTS_APP_ID


class WixGeocode(WixModel):
    latitude: float | None = None
    longitude: float | None = None


class WixAddress(WixModel):
    """An eCommerce address as REST names it (``addressLine``, ``geocode``)."""

    country: str | None = None
    subdivision: str | None = None
    city: str | None = None
    postalCode: str | None = None
    addressLine: str | None = None
    addressLine2: str | None = None
    streetAddress: dict[str, Any] | None = None
    geocode: WixGeocode | None = None


class WixContactDetails(WixModel):
    firstName: str | None = None
    lastName: str | None = None
    phone: str | None = None
    company: str | None = None


class WixAddressWithContact(WixModel):
    address: WixAddress | None = None
    contactDetails: WixContactDetails | None = None


class WixDeliveryTimeSlot(WixModel):
    # Kept as strings: Wix's timestamps are ISO 8601 with ``Z``; mapping parses them.
    # (The SDK types them as ``from``/``to`` Dates.)
    from_: str | None = Field(default=None, alias="from")
    to: str | None = None


class WixLogistics(WixModel):
    shippingDestination: WixAddressWithContact | None = None
    pickupDetails: dict[str, Any] | None = None
    deliveryTime: str | None = None
    instructions: str | None = None
    deliveryTimeSlot: WixDeliveryTimeSlot | None = None


class WixShippingInfo(WixModel):
    title: str | None = None
    logistics: WixLogistics | None = None


class WixBuyerInfo(WixModel):
    contactId: str | None = None
    email: str | None = None


class WixPriceSummary(WixModel):
    """Totals; ``totalPrice`` is the deprecated name of ``total`` that older orders
    (and Wix's older examples) carry alone."""

    subtotal: WixPrice | None = None
    shipping: WixPrice | None = None
    tax: WixPrice | None = None
    discount: WixPrice | None = None
    total: WixPrice | None = None
    totalPrice: WixPrice | None = None


class WixChannelInfo(WixModel):
    type: str = ""
    externalOrderId: str | None = None


class WixBusinessLocation(WixModel):
    """``businessLocation`` (``{id, name}``): in the SDK's Order type, not in the REST
    examples; read as a hint only."""

    id: str = ""
    name: str | None = None


class WixOrder(WixModel):
    """An eCommerce order (restaurant orders are eCommerce orders)."""

    id: str
    number: str = ""
    status: str = ""
    paymentStatus: str = ""
    currency: str = ""
    lineItems: list[WixLineItem] = Field(default_factory=list)
    buyerInfo: WixBuyerInfo = Field(default_factory=WixBuyerInfo)
    billingInfo: WixAddressWithContact = Field(default_factory=WixAddressWithContact)
    shippingInfo: WixShippingInfo = Field(default_factory=WixShippingInfo)
    priceSummary: WixPriceSummary = Field(default_factory=WixPriceSummary)
    channelInfo: WixChannelInfo = Field(default_factory=WixChannelInfo)
    buyerNote: str | None = None
    businessLocation: WixBusinessLocation | None = None

    @property
    def contact(self) -> WixContactDetails:
        """The buyer's contact: billing details, else the delivery destination's."""
        for holder in (self.billingInfo, self.destination):
            if holder is not None and holder.contactDetails is not None:
                return holder.contactDetails
        return WixContactDetails()

    @property
    def destination(self) -> WixAddressWithContact | None:
        logistics = self.shippingInfo.logistics
        return logistics.shippingDestination if logistics is not None else None


class WixFulfillment(WixModel):
    id: str
    status: str | None = None
    completed: bool = False
    lineItems: list[dict[str, Any]] = Field(default_factory=list)
    trackingInfo: dict[str, Any] | None = None


class WixOrderWithFulfillments(WixModel):
    orderId: str = ""
    fulfillments: list[WixFulfillment] = Field(default_factory=list)


class WixLocationAddress(WixModel):
    """A business location's address (Locations API: ``formattedAddress``, ``geocode``)."""

    country: str | None = None
    city: str | None = None
    formattedAddress: str | None = None


class WixLocation(WixModel):
    id: str
    name: str = ""
    default: bool = False
    archived: bool = False
    status: str = ""
    address: WixLocationAddress | None = None


class WixOperation(WixModel):
    id: str
    revision: str = "0"
    businessLocationId: str = ""
    onlineOrderingStatus: str = ""
    pausedUntilOptions: dict[str, Any] | None = None
    fulfillmentIds: list[str] = Field(default_factory=list)
    orderScheduling: dict[str, Any] = Field(default_factory=dict)

    @property
    def paused_until(self) -> str | None:
        return (self.pausedUntilOptions or {}).get("time")


class WixEntity(WixModel):
    """A Restaurants menu entity (menu, section, item, variant, modifier group, modifier):
    the connector reads only its id and revision; the rest it wrote itself."""

    model_config = ConfigDict(extra="allow", frozen=True)

    id: str
    revision: str = "0"


class WixEvent(WixModel):
    """The innermost webhook event (``{id, entityFqdn, slug, entityId, …}``).

    ``id`` and ``entityId`` are GUIDs at Wix; they become the inbox key and the job
    key (``VARCHAR(255)``), so anything longer than :data:`EVENT_ID_LENGTH` is refused.
    """

    id: str = Field(max_length=EVENT_ID_LENGTH)
    entityFqdn: str = ""
    slug: str = ""
    entityId: str = Field("", max_length=EVENT_ID_LENGTH)
    eventTime: str = ""
    entityEventSequence: str | None = None
    createdEvent: dict[str, Any] | None = None
    actionEvent: dict[str, Any] | None = None
    updatedEvent: dict[str, Any] | None = None

    def order_document(self) -> Any:
        """The order the event carries: ``createdEvent.entity``, ``actionEvent.body.order``
        or ``updatedEvent.currentEntity`` (not checked: the caller validates it)."""
        if self.createdEvent is not None:
            return self.createdEvent.get("entity")
        if self.actionEvent is not None:
            body = self.actionEvent.get("body")
            return body.get("order") if isinstance(body, dict) else None
        if self.updatedEvent is not None:
            return self.updatedEvent.get("currentEntity")
        return None
