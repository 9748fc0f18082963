"""Connecting a Wix site as an ordering channel: ``services.connection_setup`` for Wix.

A Wix connection is one site with the deployment's Wix app installed. Its credentials
are the app instance's access token and the app's public key (PEM, from the app's
dashboard) that verifies the JWTs Wix posts as webhooks; both are checked here — the
key must be an RSA public key, the token must list the site's business locations. The
connection serves one hub location, linked by the site's business location id: given
as ``settings.business_location_id``, or found when the site has exactly one.
``settings.instance_id`` (optional) is the app instance id, kept as the connection's
account. Webhooks go to ``/webhooks/wix/{connection id}``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import httpx

from orderbridge.connectors.wix.client import WixClient
from orderbridge.connectors.wix.schemas import WixLocation
from orderbridge.connectors.wix.settings import WixSettings
from orderbridge.ports import ConnectionRecord
from orderbridge.services.connection_setup import PreparedConnection, only_known, validated
from orderbridge.services.errors import Invalid

CREDENTIAL_NAMES = frozenset({"access_token", "public_key_pem"})
INSTANCE = "instance_id"
SETTING_NAMES = (frozenset(WixSettings.model_fields) - CREDENTIAL_NAMES) | {INSTANCE}


class WixSetup:
    """Checks and identifies Wix connections (see the module docstring)."""

    kind = "wix"
    role = "channel"
    secret_field = "credentials.access_token"  # noqa: S105 (a field's name, not a secret)

    def __init__(self, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._transport = transport

    def prepare(
        self, credentials: Mapping[str, Any], settings: Mapping[str, Any]
    ) -> PreparedConnection:
        only_known(credentials, CREDENTIAL_NAMES, "credentials")
        only_known(settings, SETTING_NAMES, "settings")
        for name in sorted(CREDENTIAL_NAMES):
            value = credentials.get(name)
            if not isinstance(value, str) or not value.strip():
                raise Invalid("missing_field", f"{name} is required", field=f"credentials.{name}")
        _check_public_key(str(credentials["public_key_pem"]))
        given = frozenset(n for n, v in settings.items() if v not in (None, "") and n != INSTANCE)
        kept = {name: str(credentials[name]).strip() for name in CREDENTIAL_NAMES}
        parsed = _settings({n: settings[n] for n in given}, kept)
        dumped = parsed.model_dump(mode="json", exclude=set(CREDENTIAL_NAMES))
        instance = str(settings.get(INSTANCE) or "").strip() or None
        return PreparedConnection(
            kind=self.kind,
            role=self.role,
            name="Wix " + (instance or "site"),
            credentials=kept,
            settings={name: dumped[name] for name in sorted(given | {"base_url"})},
            external_account=instance,
            link_id=parsed.business_location_id or None,
            given=given,
            calls=(("settings.base_url", parsed.base_url),),
        )

    async def identify(self, prepared: PreparedConnection) -> PreparedConnection:
        parsed = _settings(prepared.settings, prepared.credentials)
        locations = await self._locations(parsed)
        wanted = parsed.business_location_id
        if wanted:
            found = next((loc for loc in locations if loc.id == wanted), None)
            if found is None:
                raise Invalid(
                    "unknown_business_location",
                    f"the site has no business location {wanted} ({_listed(locations)})",
                    field="settings.business_location_id",
                )
        else:
            live = [loc for loc in locations if not loc.archived]
            if len(live) != 1:
                raise Invalid(
                    "choose_business_location",
                    f"the site has {len(live)} business locations ({_listed(live)}): set "
                    "settings.business_location_id to the one this connection serves",
                    field="settings.business_location_id",
                )
            found = live[0]
        return replace(
            prepared,
            name=f"Wix {found.name or found.id}",
            settings={**prepared.settings, "business_location_id": found.id},
            link_id=found.id,
        )

    async def probe(self, connection: ConnectionRecord) -> str:
        """Wix's List Locations with the stored token."""
        settings = _settings(connection.settings, connection.credentials)
        locations = await self._locations(settings)
        return f"wix answered: {len(locations)} business location(s) — {_listed(locations)}"

    async def _locations(self, settings: WixSettings) -> list[WixLocation]:
        client = WixClient.from_settings(settings, transport=self._transport)
        try:
            return await client.list_locations()
        finally:
            await client.aclose()


def _settings(settings: Mapping[str, Any], credentials: Mapping[str, Any]) -> WixSettings:
    return validated(WixSettings, {**settings, **credentials}, CREDENTIAL_NAMES)


def _listed(locations: list[WixLocation]) -> str:
    return ", ".join(f"{loc.name or '?'} ({loc.id})" for loc in locations) or "none"


def _check_public_key(pem: str) -> None:
    # Imported when a Wix connection is set up, not by every hub process.
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        key = load_pem_public_key(pem.strip().encode())
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, RSAPublicKey):
        raise Invalid(
            "invalid_public_key",
            "public_key_pem must be the Wix app's RSA public key in PEM "
            "(-----BEGIN PUBLIC KEY----- …)",
            field="credentials.public_key_pem",
        )
