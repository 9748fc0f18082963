"""Wix's wire format, in Wix's vocabulary: eCommerce orders, fulfilments, operations,
locations, Restaurants menu entities and webhook events.

Models ignore fields they do not name (Wix adds fields freely) and default what Wix
may leave out. Amounts stay decimal strings here; ``mapping`` turns them into money.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

RESTAURANTS_APP_ID = "9a5d83fd-8570-482e-81ab-cfa88942ee60"
"""``catalogReference.appId`` of Wix Restaurants Orders line items."""


class WixModel(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class WixPrice(WixModel):
    amount: str = "0"
    formattedAmount: str = ""


class WixText(WixModel):
    original: str = ""


class WixCatalogReference(WixModel):
    catalogItemId: str = ""
    appId: str = ""
    options: dict[str, Any] = Field(default_factory=dict)


class WixLineItem(WixModel):
    id: str = ""
    productName: WixText = Field(default_factory=WixText)
    quantity: int = 1
    price: WixPrice = Field(default_factory=WixPrice)
    catalogReference: WixCatalogReference | None = None
    descriptionLines: list[dict[str, Any]] = Field(default_factory=list)

    @property
    def is_restaurant_item(self) -> bool:
        """True for Wix Restaurants menu items; Stores products, gift cards … are not."""
        ref = self.catalogReference
        return ref is not None and ref.appId == RESTAURANTS_APP_ID


class WixContactDetails(WixModel):
    firstName: str = ""
    lastName: str = ""
    phone: str = ""


class WixBuyerInfo(WixModel):
    contactId: str = ""
    email: str = ""


class WixPriceSummary(WixModel):
    subtotal: WixPrice = Field(default_factory=WixPrice)
    shipping: WixPrice = Field(default_factory=WixPrice)
    total: WixPrice = Field(default_factory=WixPrice)


class WixChannelInfo(WixModel):
    type: str = ""
    externalOrderId: str = ""


class WixOrder(WixModel):
    """An eCommerce order (restaurant orders are eCommerce orders)."""

    id: str
    number: str = ""
    status: str = ""
    paymentStatus: str = ""
    currency: str = ""
    lineItems: list[WixLineItem] = Field(default_factory=list)
    buyerInfo: WixBuyerInfo = Field(default_factory=WixBuyerInfo)
    billingInfo: dict[str, Any] = Field(default_factory=dict)
    shippingInfo: dict[str, Any] = Field(default_factory=dict)
    priceSummary: WixPriceSummary = Field(default_factory=WixPriceSummary)
    channelInfo: WixChannelInfo = Field(default_factory=WixChannelInfo)
    buyerNote: str | None = None
    businessLocation: dict[str, Any] | None = None

    @property
    def contact(self) -> WixContactDetails:
        details = self.billingInfo.get("contactDetails") or {}
        return WixContactDetails.model_validate(details)


class WixFulfillment(WixModel):
    id: str
    status: str | None = None
    completed: bool = False
    lineItems: list[dict[str, Any]] = Field(default_factory=list)


class WixOrderWithFulfillments(WixModel):
    orderId: str = ""
    fulfillments: list[WixFulfillment] = Field(default_factory=list)


class WixLocation(WixModel):
    id: str
    name: str = ""
    default: bool = False
    archived: bool = False
    status: str = ""


class WixOperation(WixModel):
    id: str
    revision: str = "0"
    businessLocationId: str = ""
    onlineOrderingStatus: str = ""
    pausedUntilOptions: dict[str, Any] | None = None

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
    """The innermost webhook event (``{id, entityFqdn, slug, entityId, …}``)."""

    id: str
    entityFqdn: str = ""
    slug: str = ""
    entityId: str = ""
    eventTime: str = ""
    createdEvent: dict[str, Any] | None = None
    actionEvent: dict[str, Any] | None = None
    updatedEvent: dict[str, Any] | None = None

    def order_document(self) -> dict[str, Any] | None:
        """The order the event carries: ``createdEvent.entity`` or ``actionEvent.body.order``."""
        if self.createdEvent is not None:
            entity = self.createdEvent.get("entity")
            return entity if isinstance(entity, dict) else None
        if self.actionEvent is not None:
            order = (self.actionEvent.get("body") or {}).get("order")
            return order if isinstance(order, dict) else None
        if self.updatedEvent is not None:
            entity = self.updatedEvent.get("currentEntity")
            return entity if isinstance(entity, dict) else None
        return None
