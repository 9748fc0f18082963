"""Storefront webhook subscriptions: where the hub posts events, and which ones.

Deliveries follow the Standard Webhooks scheme, signed with the endpoint's secret.
The secret is shown once, in the answer to the ``POST`` that creates the endpoint
(:class:`WebhookEndpointCreatedOut`); every later read (:class:`WebhookEndpointOut`)
leaves it out, as a password form would.

The URL is checked here for shape only (an ``http``/``https`` URL with a host and no
credentials in it). Whether it points at a loopback, link-local or private address
depends on DNS and on the deployment's settings, so the SSRF check belongs to the
one hardened HTTP client that delivers, not to this schema.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import urlsplit

from annotated_types import MaxLen
from pydantic import AwareDatetime, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from orderbridge.web.schemas.common import InModel, Name, OutModel

MAX_URL_LENGTH = 2000


class WebhookEvent(StrEnum):
    """Every event a storefront can subscribe to; the names are part of the public API."""

    ORDER_RECEIVED = "order.received"
    ORDER_SCHEDULED = "order.scheduled"
    ORDER_SUBMITTED = "order.submitted"
    ORDER_ACCEPTED = "order.accepted"
    ORDER_DECLINED = "order.declined"
    ORDER_COMPLETED = "order.completed"
    ORDER_CANCEL_REQUESTED = "order.cancel_requested"
    ORDER_CANCELED = "order.canceled"
    ORDER_FAILED = "order.failed"
    RESERVATION_RECEIVED = "reservation.received"
    RESERVATION_SUBMITTED = "reservation.submitted"
    RESERVATION_CONFIRMED = "reservation.confirmed"
    RESERVATION_DECLINED = "reservation.declined"
    RESERVATION_COMPLETED = "reservation.completed"
    RESERVATION_CANCEL_REQUESTED = "reservation.cancel_requested"
    RESERVATION_CANCELED = "reservation.canceled"
    RESERVATION_FAILED = "reservation.failed"
    MENU_UPDATED = "menu.updated"
    LOCATION_STATUS_CHANGED = "location.status_changed"


def http_url(value: str) -> str:
    """``value`` if it is an http(s) URL with a host and no credentials (a 422 else)."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PydanticCustomError("invalid_url", "url must be an http or https URL with a host")
    if parts.username is not None or parts.password is not None:
        raise PydanticCustomError("invalid_url", "url must not carry credentials")
    return value


class SubscriptionIn(InModel):
    """What every subscription body checks: ``url`` is an http(s) URL with a host and no
    credentials, and ``events`` listed twice count once (webhook endpoints here, alert
    destinations in ``schemas.alerts``)."""

    @field_validator("url", check_fields=False)
    @classmethod
    def _http_url(cls, value: str) -> str:
        return http_url(value)

    @field_validator("events", mode="before", check_fields=False)
    @classmethod
    def _merge_duplicates(cls, value: object) -> object:
        # Merged only within the documented ``maxItems``: a longer list is refused (422),
        # as the OpenAPI document says, even when its duplicates would bring it under.
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            limit = _max_items(cls.model_fields["events"].metadata)
            if limit is None or len(value) <= limit:
                return list(dict.fromkeys(value))
        return value


def _max_items(metadata: list[Any]) -> int | None:
    return next((int(m.max_length) for m in metadata if isinstance(m, MaxLen)), None)


class WebhookEndpointIn(SubscriptionIn):
    """``POST /api/v1/webhooks``: subscribe ``url`` to ``events`` (duplicates are merged)."""

    url: Annotated[str, StringConstraints(min_length=1, max_length=MAX_URL_LENGTH)] = Field(
        examples=["https://shop.example.com/hooks/orderbridge"]
    )
    events: Annotated[list[WebhookEvent], Field(min_length=1, max_length=len(WebhookEvent))]
    description: Name = ""


class WebhookEndpointOut(OutModel):
    """A webhook endpoint as listed and read: never with its secret."""

    id: str
    url: str
    events: list[WebhookEvent]
    description: str
    created_at: AwareDatetime


class WebhookEndpointCreatedOut(WebhookEndpointOut):
    """The answer to creating an endpoint: the only time ``secret`` is shown."""

    secret: str = Field(description="the signing secret (whsec_…); store it now")
