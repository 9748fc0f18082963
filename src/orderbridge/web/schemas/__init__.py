"""Wire models of the storefront API; import them from here.

Field names are DESIGN.md's public contract: renaming one breaks every website built
on it, adding one does not. Inputs (``*In``) refuse unknown fields; outputs (``*Out``)
are built by :mod:`orderbridge.web.convert` from domain objects. Submodules group
them by resource: ``common`` (bounded types, customers), ``orders``, ``reservations``,
``locations``, ``menu``, ``webhooks`` and ``errors``.
"""

from orderbridge.web.schemas.common import (
    PHONE_REGION_CONTEXT,
    CustomerIn,
    CustomerOut,
    TimelineEntryOut,
)
from orderbridge.web.schemas.errors import ErrorBody, ErrorDetail, ProblemOut
from orderbridge.web.schemas.locations import LocationOut, LocationsOut, LocationStatusIn
from orderbridge.web.schemas.menu import (
    MenuCategoryOut,
    MenuItemOut,
    MenuModifierGroupOut,
    MenuModifierOut,
    MenuOut,
    MenuVariantOut,
)
from orderbridge.web.schemas.orders import (
    AddressIn,
    AddressOut,
    FulfillmentIn,
    FulfillmentOut,
    LineIn,
    LineOut,
    ModifierIn,
    ModifierOut,
    OrderIn,
    OrderOut,
    OrdersOut,
    PaymentIn,
    PaymentOut,
    TotalsOut,
)
from orderbridge.web.schemas.reservations import ReservationIn, ReservationOut
from orderbridge.web.schemas.webhooks import (
    WebhookEndpointCreatedOut,
    WebhookEndpointIn,
    WebhookEndpointOut,
    WebhookEvent,
)

__all__ = [
    "PHONE_REGION_CONTEXT",
    "AddressIn",
    "AddressOut",
    "CustomerIn",
    "CustomerOut",
    "ErrorBody",
    "ErrorDetail",
    "FulfillmentIn",
    "FulfillmentOut",
    "LineIn",
    "LineOut",
    "LocationOut",
    "LocationStatusIn",
    "LocationsOut",
    "MenuCategoryOut",
    "MenuItemOut",
    "MenuModifierGroupOut",
    "MenuModifierOut",
    "MenuOut",
    "MenuVariantOut",
    "ModifierIn",
    "ModifierOut",
    "OrderIn",
    "OrderOut",
    "OrdersOut",
    "PaymentIn",
    "PaymentOut",
    "ProblemOut",
    "ReservationIn",
    "ReservationOut",
    "TimelineEntryOut",
    "TotalsOut",
    "WebhookEndpointCreatedOut",
    "WebhookEndpointIn",
    "WebhookEndpointOut",
    "WebhookEvent",
]
