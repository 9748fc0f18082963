"""The configuration of one Wix Restaurants connection, described for the dashboard's form.

A connection is one Wix site with the hub's app installed (one app instance). Its
credentials are the instance's OAuth access token and the app's public key, which
verifies the RS256 JWTs Wix POSTs as webhooks (one key per app, shown in the app's
dashboard; Wix publishes no JWKS). Settings name the site's business location and the
online-ordering operation the hub's location stands for.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

WIX_BASE_URL = "https://www.wixapis.com"


class WixSettings(BaseModel):
    """One Wix site connected to the hub as an ordering channel."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    base_url: str = Field(
        WIX_BASE_URL, description="Where Wix's REST APIs live; change only for the sandbox."
    )
    access_token: SecretStr = Field(
        description="OAuth access token of the installed app instance (Authorization header)."
    )
    public_key_pem: SecretStr = Field(
        description="The app's public key (PEM) that verifies Wix's webhook JWTs."
    )
    business_location_id: str = Field(
        "", description="The Wix business location (List Locations) orders are created at."
    )
    operation_id: str = Field(
        "", description="The online-ordering operation that pauses and resumes with the location."
    )
    country: str = Field(
        "",
        description=(
            "The restaurant's country (ISO 3166 code such as UA), for phones buyers type "
            "without a country code; empty: the Wix business location's country."
        ),
        pattern=r"^([A-Za-z]{2})?$",
    )
    import_pos_orders: bool = Field(
        False, description="Create orders made at the register (not through the hub) in Wix."
    )
    timeout_seconds: float = Field(
        10.0, gt=0, le=120, description="How long one Wix API call may take before retrying."
    )
    revision_retries: int = Field(
        3, ge=0, le=10, description="Re-reads after a stale revision before giving up."
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("base_url must be an http(s) URL such as https://www.wixapis.com")
        return value.rstrip("/")
