"""Marketplace mode: a restaurant installs the deployment's Poster application by OAuth.

The reference's "Authorization in API", in three steps:

1. The hub sends the browser to ``{base}/api/auth?application_id=…&redirect_uri=…
   &response_type=code&state=…`` (:meth:`PosterApplication.authorize_url`).
2. The owner allows it; Poster sends the browser back to ``redirect_uri?code=…&account=…``.
3. The hub trades the code at ``https://{account}.joinposter.com/api/v2/auth/access_token``
   for the account's token (:func:`authorize_account`), then reads the account's spots.

``state`` is the hub's own: which tenant the install is for and until when the answer
is welcome, signed with HMAC-SHA256 under a key derived from the hub's secret key
(:func:`sign_state`, :func:`verify_state`). The reference does not say that Poster
hands ``state`` back, so the hub also keeps it in a short-lived cookie for the callback.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit

import httpx
from itsdangerous import BadSignature, Signer
from pydantic import SecretStr

from orderbridge.connectors._base import make_http_client
from orderbridge.connectors.poster.client import PosterClient
from orderbridge.connectors.poster.connector import PosterConnector
from orderbridge.connectors.poster.settings import PosterSettings
from orderbridge.ports import PermanentError, PosLocationInfo
from orderbridge.security import purpose_signer

STATE_TTL = timedelta(minutes=15)
ACCOUNT_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,62}")
_STATE_PURPOSE = "orderbridge/poster-oauth-state/v1"


class InvalidState(PermanentError):
    """The callback's ``state`` is missing, forged, malformed or expired."""


@dataclass(frozen=True)
class PosterApplication:
    """The deployment's Poster application (developer account → application settings)."""

    application_id: int
    application_secret: SecretStr
    base_url: str
    redirect_uri: str
    timeout_seconds: float = 10.0

    def authorize_url(self, state: str, *, account: str | None = None) -> str:
        """Step 1: where to send the owner's browser.

        With the account's login known, real Poster wants its own subdomain
        (``https://{account}.joinposter.com/api/auth``); a sandbox takes ``account``
        as a parameter instead.
        """
        query = {
            "application_id": str(self.application_id),
            "redirect_uri": self.redirect_uri,
            "response_type": "code",
            "state": state,
        }
        base = self.base_url
        if account is not None:
            base = self.account_base_url(account)
            if not _is_poster(self.base_url):
                query["account"] = account
        return f"{base}/api/auth?{urlencode(query)}"

    def account_base_url(self, account: str) -> str:
        """``https://{account}.joinposter.com`` for Poster; the base URL itself otherwise."""
        if not ACCOUNT_LOGIN.fullmatch(account):
            raise PermanentError("invalid_account", f"{account!r} is not a Poster account login")
        if _is_poster(self.base_url):
            return f"https://{account}.joinposter.com"
        return self.base_url.rstrip("/")


def _is_poster(base_url: str) -> bool:
    host = urlsplit(base_url).hostname or ""
    return host == "joinposter.com" or host.endswith(".joinposter.com")


# state --------------------------------------------------------------------------------


def state_key(secret_key: str) -> Signer:
    """The signer of ``state``: the hub's secret key, derived for this one purpose
    (``security.purpose_signer``, shared with the dashboard's session cookie)."""
    return purpose_signer(secret_key, _STATE_PURPOSE)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_state(tenant_id: str, *, key: Signer, now: datetime, ttl: timedelta = STATE_TTL) -> str:
    """``payload.signature``: the tenant, an expiry and a nonce, signed with ``key``."""
    payload = {
        "tenant": tenant_id,
        "exp": int((now + ttl).timestamp()),
        "nonce": secrets.token_hex(8),
    }
    body = _b64(json.dumps(payload, separators=(",", ":")).encode())
    return key.sign(body).decode("ascii")


def verify_state(state: str | None, *, key: Signer, now: datetime) -> str:
    """The tenant a genuine, unexpired ``state`` names; :class:`InvalidState` otherwise."""
    if not state or state.count(".") != 1:
        raise InvalidState("invalid_state", "the authorisation came back without a valid state")
    try:
        body = key.unsign(state).decode("ascii")
    except BadSignature:
        raise InvalidState("invalid_state", "the state's signature does not match") from None
    try:
        payload = json.loads(_unb64(body))
        tenant, expires = str(payload["tenant"]), int(payload["exp"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidState("invalid_state", "the state cannot be read") from exc
    if now.timestamp() > expires:
        raise InvalidState("expired_state", "the authorisation took too long; start again")
    return tenant


# step 3 ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class AuthorizedAccount:
    """What an install yields: the connection's settings (token included) and its spots."""

    settings: PosterSettings
    locations: list[PosLocationInfo]


async def authorize_account(
    app: PosterApplication,
    *,
    account: str,
    code: str,
    transport: httpx.AsyncBaseTransport | None = None,
) -> AuthorizedAccount:
    """Trade ``code`` for ``account``'s token, then read the account's spots with it.

    Raises the ports' errors: ``PermanentError`` for a refused code or secret (Poster's
    142, 143, 32 …), ``TransientError`` when Poster cannot be reached.
    """
    http = make_http_client(
        base_url=app.account_base_url(account), timeout=app.timeout_seconds, transport=transport
    )
    async with PosterClient(http, token=SecretStr(""), deadline=app.timeout_seconds * 2) as client:
        token = await client.exchange_code(
            application_id=app.application_id,
            application_secret=app.application_secret,
            code=code,
            redirect_uri=app.redirect_uri,
        )
    settings = PosterSettings(
        account=account,
        account_number=token.account_number if token.account_number.isdigit() else "",
        base_url=app.base_url,
        token=SecretStr(token.access_token),
        application_id=app.application_id,
        application_secret=app.application_secret,
        timeout_seconds=app.timeout_seconds,
    )
    connector = PosterConnector.from_settings(settings, transport=transport)
    try:
        locations = await connector.fetch_locations()
    finally:
        await connector.aclose()
    return AuthorizedAccount(settings, locations)
