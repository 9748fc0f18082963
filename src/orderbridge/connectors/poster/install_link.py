"""Signed install links: how an owner starts the Poster install without a credential
in the URL.

An admin (API, CLI or dashboard) asks for a link; the hub answers
``{base_url}/connect/poster?link=<token>``, where the token names the tenant and an
expiry (30 minutes by default), signed with the hub's secret key derived for this one
purpose (``security.purpose_signer``), so it is worth nothing as an API key, a
dashboard session or an OAuth ``state``. The admin key itself never travels in a URL
(an access log, a proxy's log or the browser's history would keep it).

The token has the shape of the OAuth ``state`` (``oauth.sign_state``: tenant, expiry,
nonce) under a key of its own. A link may be opened more than once until it expires (an
owner who closes Poster's consent page opens it again); each opening makes a fresh
``state``, which works once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from itsdangerous import Signer

from orderbridge.connectors.poster.oauth import InvalidState, sign_state, verify_state
from orderbridge.ports import PermanentError
from orderbridge.security import purpose_signer

LINK_TTL = timedelta(minutes=30)
LINK_PATH = "/connect/poster"
LINK_PARAMETER = "link"
# A token is a few hundred characters; anything longer is not one of ours.
MAX_TOKEN_LENGTH = 1024
_LINK_PURPOSE = "orderbridge/poster-install-link/v1"


class InvalidLink(PermanentError):
    """The install link is missing, forged, malformed (``invalid_link``) or expired
    (``expired_link``)."""


@dataclass(frozen=True)
class InstallLink:
    """Where to send the owner, and until when that works."""

    url: str
    expires_at: datetime


def link_key(secret_key: str) -> Signer:
    """The signer of install links: the hub's secret key, derived for this purpose."""
    return purpose_signer(secret_key, _LINK_PURPOSE)


def create_install_link(
    tenant_id: str,
    *,
    base_url: str,
    secret_key: str,
    now: datetime,
    ttl: timedelta = LINK_TTL,
) -> InstallLink:
    """A link that starts the Poster install for ``tenant_id`` until ``now + ttl``."""
    token = sign_state(tenant_id, key=link_key(secret_key), now=now, ttl=ttl)
    url = f"{base_url.rstrip('/')}{LINK_PATH}?{urlencode({LINK_PARAMETER: token})}"
    expires = datetime.fromtimestamp(int((now + ttl).timestamp()), UTC)
    return InstallLink(url=url, expires_at=expires)


def verify_install_link(token: str | None, *, secret_key: str, now: datetime) -> str:
    """The tenant a genuine, unexpired link names; :class:`InvalidLink` otherwise."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidLink("invalid_link", "the install link is not valid; ask for a new one")
    try:
        return verify_state(token, key=link_key(secret_key), now=now)
    except InvalidState as error:
        if error.code == "expired_state":
            raise InvalidLink(
                "expired_link", "the install link has expired; ask your admin for a new one"
            ) from None
        raise InvalidLink(
            "invalid_link", "the install link is not valid; ask for a new one"
        ) from None
