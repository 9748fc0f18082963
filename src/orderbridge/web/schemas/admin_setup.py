"""Connections and locations as the admin API takes and shows them.

Credentials go in and never come out: a connection shows the *names* of the
credentials it holds (``["application_secret", "token"]``), not their values.
Credentials and settings are free-form objects here because each kind of connection
knows its own (``connectors/<kind>/settings.py``); the kind checks them, and an
unknown name is an error naming the field (``settings.acount`` → did you mean
``account``?).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, Field, StringConstraints

from orderbridge.domain.locations import LocationState
from orderbridge.web.schemas.common import Currency, Id, InModel, OutModel

Kind = Annotated[str, StringConstraints(min_length=1, max_length=32)]
Label = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ConnectionIn(InModel):
    """``POST /api/v1/admin/connections``.

    A POS (``poster``): ``{"kind": "poster", "credentials": {"token": "…"}, "settings":
    {"base_url": …}}``; a hub location is created per place it has, unless
    ``locations`` maps the place's id to an existing location. A channel (``wix``)
    serves the hub location ``location_id``.
    """

    kind: Kind = Field(examples=["poster"])
    name: Label | None = None
    credentials: dict[str, Any] = Field(default_factory=dict)
    settings: dict[str, Any] = Field(default_factory=dict)
    location_id: Id | None = None
    locations: dict[str, Id] = Field(default_factory=dict)


class ConnectionPatchIn(InModel):
    """``PATCH /api/v1/admin/connections/{id}``: rename, or replace credentials and change
    settings — only the names given change (null or ``""`` removes one). New
    credentials are tried first; once stored, a ``needs_reauth`` connection is active
    again and its parked jobs are released."""

    name: Label | None = None
    credentials: dict[str, Any] | None = None
    settings: dict[str, Any] | None = None


class LinkedLocationOut(OutModel):
    location_id: str
    name: str
    external_id: str = Field(description="the place's id in the connected system")
    created: bool = Field(False, description="made by this call")


class ConnectionOut(OutModel):
    id: str
    kind: str
    role: Literal["pos", "channel"] | str
    name: str
    status: str = Field(description="active | needs_reauth | disabled")
    status_reason: str
    external_account: str | None
    settings: dict[str, Any]
    credentials: list[str] = Field(description="the names of the credentials held")
    locations: list[LinkedLocationOut]
    webhook_url: str | None = Field(description="where the system must send its webhooks")
    created_at: AwareDatetime
    updated_at: AwareDatetime


class ConnectionsOut(OutModel):
    connections: list[ConnectionOut]


class ConnectionChangedOut(ConnectionOut):
    released: int = Field(description="parked jobs sent back to the queue")


class ConnectionProbeOut(OutModel):
    """``POST …/{id}/test``: what one harmless call found."""

    ok: bool
    said: str
    code: str = Field("", description="the system's refusal code when not ok")


class LocationLinkOut(OutModel):
    connection_id: str
    kind: str
    role: str
    external_id: str


class PublishedMenuOut(OutModel):
    version: str
    updated_at: AwareDatetime
    source_connection_id: str | None
    items: int


class AdminLocationOut(OutModel):
    """A location as its operator sees it."""

    id: str
    name: str
    timezone: str
    currency: str
    price_policy: Literal["menu", "strict"] | str
    status: LocationState
    paused_until: AwareDatetime | None
    pause_reason: str
    links: list[LocationLinkOut]
    menu: PublishedMenuOut | None
    stuck_after_minutes: int = Field(
        description="an order the POS has not accepted this long after it arrived raises "
        "the order.stuck incident (0: never)"
    )


class AdminLocationsOut(OutModel):
    locations: list[AdminLocationOut]


class LocationIn(InModel):
    """``POST /api/v1/admin/locations``: a location made by hand, for a POS that does
    not say its places' currency; link it when connecting the POS
    (``"locations": {"PLACE": "loc_…"}``)."""

    name: Label = Field(examples=["Brioche Podil"])
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] = Field(
        examples=["Europe/Kyiv"]
    )
    currency: Currency
    price_policy: Literal["menu", "strict"] = "menu"


class LocationPatchIn(InModel):
    """``PATCH /api/v1/admin/locations/{id}``: only what is named changes.

    ``price_policy``: ``menu`` (the menu's prices are charged, whatever the channel
    sends) or ``strict`` (a channel's price that differs from the menu's refuses the
    order with ``price_mismatch``).
    """

    name: Label | None = None
    timezone: Annotated[str, StringConstraints(min_length=1, max_length=64)] | None = None
    price_policy: Literal["menu", "strict"] | None = None
    stuck_after_minutes: Annotated[int, Field(ge=0, le=24 * 60, strict=True)] | None = Field(
        default=None,
        description="minutes before an order not accepted by the POS raises order.stuck "
        "(0 turns it off; docs/alerts.md)",
    )


class InstallLinkOut(OutModel):
    """``POST /api/v1/admin/connections/poster/install-links``: a link to give the
    restaurant's owner, which starts the Poster install for the key's tenant."""

    url: str = Field(
        description="`{base_url}/connect/poster?link=…`; signed, names the tenant.",
        examples=["https://hub.example.com/connect/poster?link=eyJ0ZW5hbnQi….Xk3"],
    )
    expires_at: AwareDatetime = Field(description="The link works until then (30 minutes).")
