"""The configuration of one Poster connection, described for the dashboard's form.

A connection is one Poster account. In personal-integration mode the restaurant pastes
the token from Access → Integrations; in marketplace mode the token comes from the OAuth
exchange (or the ``application`` webhook) and the application's id and secret sign
webhooks and the exchange. Credentials are ``SecretStr`` so they never show in a repr.
"""

from __future__ import annotations

from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

POSTER_BASE_URL = "https://joinposter.com"


class PosterPricePolicy(StrEnum):
    """Which price Poster puts on the check for each line.

    ``poster``: send no price, so the register charges the spot's own price (the menu
    is Poster's; nothing a channel says can change what the cashier charges).
    ``hub``: send the hub's unit price (item or variant plus modifiers), for channels
    that run their own promotions the register should honour.
    """

    POSTER = "poster"
    HUB = "hub"


class PosterSettings(BaseModel):
    """One Poster account connected to the hub."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    account: str = Field(
        description="The Poster account login, the subdomain of {account}.joinposter.com.",
        min_length=1,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9-]*$",
    )
    account_number: str = Field(
        "",
        description="Poster's number of the account (webhooks carry it as account_number).",
        pattern=r"^[0-9]*$",
    )
    base_url: str = Field(
        POSTER_BASE_URL,
        description="Where Poster's API lives; change only to point at a Poster sandbox.",
    )
    token: SecretStr = Field(
        description="Access token: the Personal Integration token, or the one OAuth gave.",
    )
    application_id: int | None = Field(
        None, description="Your Poster application's id (marketplace mode, webhooks)."
    )
    application_secret: SecretStr | None = Field(
        None, description="Your Poster application's secret; verifies Poster's webhooks."
    )
    price_policy: PosterPricePolicy = Field(
        PosterPricePolicy.POSTER,
        description="Whose prices the register charges: Poster's spot prices or the hub's.",
    )
    write_extras: bool = Field(
        False,
        description="Write channel ids into Poster product extras (application.setEntityExtras).",
    )
    reconcile_interval_seconds: float = Field(
        60.0,
        gt=0,
        description="How often open orders are polled in case a Poster webhook was missed.",
    )
    timeout_seconds: float = Field(
        10.0, gt=0, le=120, description="How long one Poster API call may take before retrying."
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("base_url must be an http(s) URL such as https://joinposter.com")
        return value.rstrip("/")

    @property
    def photo_base_url(self) -> str:
        """Where Poster's relative photo paths (``/upload/…``) resolve.

        Assumed from the reference's examples: photos are served by the account's own
        host, ``https://{account}.joinposter.com``; any other base URL (a sandbox)
        serves them itself.
        """
        parts = urlsplit(self.base_url)
        if parts.hostname == "joinposter.com":
            return f"{parts.scheme}://{self.account}.joinposter.com"
        return self.base_url
