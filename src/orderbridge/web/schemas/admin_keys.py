"""API keys as the admin API shows them: the plain key once, at creation, then never.

``admin`` keys do everything of their tenant (the dashboard signs in with one);
``storefront`` keys are publishable: a website ships them to every browser.
"""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, Field

from orderbridge.web.schemas.common import Id, InModel, Name, OutModel


class ApiKeyIn(InModel):
    """``POST /api/v1/admin/keys``."""

    scope: Literal["admin", "storefront"]
    name: Name = Field("default", min_length=1)
    inherit: Id | None = Field(
        None,
        description=(
            "A storefront key whose orders and reservations the new key reads and cancels "
            "too (rotating a website's key: create with inherit, deploy, revoke the old)."
        ),
    )


class ApiKeyOut(OutModel):
    """A key as listed: its hint (the last characters), never the key."""

    id: str
    name: str
    scope: str
    hint: str
    created_at: AwareDatetime
    revoked_at: AwareDatetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    """The answer to the creation: ``key`` is shown this once and stored only hashed."""

    key: str


class ApiKeysOut(OutModel):
    """``GET /api/v1/admin/keys``."""

    keys: list[ApiKeyOut]
