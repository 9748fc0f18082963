"""Connecting a Poster account with a token: ``services.connection_setup`` for Poster.

A personal-integration token (Access → Integrations → Personal Integration) looks like
``687409:4164553abf6a031302898da7800b59fb``: the account's number, a colon, a
secret. The number is the account number Poster's webhooks carry, so the connection
knows it before calling anyone. The account's login (its ``{login}.joinposter.com``
subdomain, what webhooks name first) is asked from ``settings.getAllSettings``
(``COMPANY_ID``) unless the operator gave ``settings.account``; a Poster that does not
tell leaves the number in its place, which webhooks are matched by as well.

``application_secret`` (the secret of the operator's own Poster application, which
signs its webhooks) is optional: without it the deployment's marketplace secret, if
any, verifies webhooks, and the reconciliation sweep keeps orders moving anyway.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import httpx

from orderbridge.connectors.poster.client import PosterClient
from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.connectors.poster.settings import PosterSettings
from orderbridge.ports import ConnectionRecord
from orderbridge.services.connection_setup import PreparedConnection, only_known, validated
from orderbridge.services.errors import Invalid
from orderbridge.services.setup import describe_places

TOKEN_SHAPE = re.compile(r"^(?P<number>[0-9]{1,20}):(?P<secret>[0-9A-Za-z]{16,128})$")
LOGIN_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]*$")
CREDENTIAL_NAMES = frozenset({"token", "application_secret"})
SETTING_NAMES = frozenset(PosterSettings.model_fields) - CREDENTIAL_NAMES
# Always stored, so the connection says which account and API it talks to.
KEPT_SETTINGS = frozenset({"account", "account_number", "base_url"})


class PosterSetup:
    """Checks and identifies Poster connections (see the module docstring)."""

    kind = "poster"
    role = "pos"
    secret_field = "credentials.token"  # noqa: S105 (a field's name, not a secret)

    def __init__(
        self,
        *,
        timeout_seconds: float = 10.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._timeout = timeout_seconds
        self._transport = transport

    def prepare(
        self, credentials: Mapping[str, Any], settings: Mapping[str, Any]
    ) -> PreparedConnection:
        only_known(credentials, CREDENTIAL_NAMES, "credentials")
        only_known(settings, SETTING_NAMES, "settings")
        token = credentials.get("token")
        shape = TOKEN_SHAPE.match(token.strip()) if isinstance(token, str) else None
        if shape is None:
            raise Invalid(
                "invalid_token",
                "a Poster token looks like 123456:0a1b2c3d… (Access → Integrations → "
                "Personal Integration)",
                field=self.secret_field,
            )
        number = shape["number"]
        stated = settings.get("account_number")
        if stated not in (None, "") and str(stated) != number:
            raise Invalid(
                "invalid_value",
                f"the token belongs to account number {number}, not {stated}",
                field="settings.account_number",
            )
        given = frozenset(name for name, value in settings.items() if value not in (None, ""))
        kept_credentials = {
            name: str(value).strip()
            for name, value in credentials.items()
            if value not in (None, "")
        }
        merged = {
            "timeout_seconds": self._timeout,
            **{name: settings[name] for name in given},
            "account": settings.get("account") or number,
            "account_number": number,
            **kept_credentials,
        }
        parsed = validated(PosterSettings, merged, CREDENTIAL_NAMES)
        dumped = parsed.model_dump(mode="json", exclude=set(CREDENTIAL_NAMES))
        return PreparedConnection(
            kind=self.kind,
            role=self.role,
            name=f"Poster {parsed.account}",
            credentials=kept_credentials,
            settings={name: dumped[name] for name in sorted(given | KEPT_SETTINGS)},
            external_account=parsed.account,
            given=given,
            calls=(("settings.base_url", parsed.base_url),),
        )

    async def identify(self, prepared: PreparedConnection) -> PreparedConnection:
        if "account" in prepared.given:
            return prepared
        parsed = self._settings(prepared.settings, prepared.credentials)
        async with PosterClient.from_settings(parsed, transport=self._transport) as client:
            told = await client.get_settings()
        login = told.company_id.strip()
        if not LOGIN_SHAPE.match(login):
            return prepared  # Poster did not say: the account number stands in
        return replace(
            prepared,
            name=f"Poster {login}",
            settings={**prepared.settings, "account": login},
            external_account=login,
        )

    def _settings(
        self, settings: Mapping[str, Any], credentials: Mapping[str, Any]
    ) -> PosterSettings:
        values = {"timeout_seconds": self._timeout, **settings, **credentials}
        return validated(PosterSettings, values, CREDENTIAL_NAMES)

    async def probe(self, connection: ConnectionRecord) -> str:
        """``fetch_locations()``: the spots the token sees."""
        parsed = self._settings(connection.settings, connection.credentials)
        connector = PosterConnector.from_settings(parsed, transport=self._transport)
        try:
            return describe_places(self.kind, await connector.fetch_locations())
        finally:
            await connector.aclose()
