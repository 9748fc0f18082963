"""The dashboard's session cookie and its CSRF tokens, signed with the hub's secret key.

A session is ``base64url(json) . signature``: the JSON names the tenant, the admin API
key that signed in, a random nonce and an expiry. The signature is itsdangerous'
HMAC-SHA256 under a key derived from ``settings.secret_key`` for this one purpose
(``security.purpose_signer``, which the Poster OAuth ``state`` uses too, for its own
purpose), so a value signed here means nothing to any other part of the hub. The
cookie holds no secret: the API key itself is never stored, only its row id, which each
request checks is still an active admin key, so revoking the key ends its sessions at
once.

CSRF tokens are bound to the session: the nonce's signature for the CSRF purpose. A
form posted from another site cannot know it, and SameSite=Strict keeps the cookie off cross-site
requests anyway (defence in depth). Before sign-in there is no session, so the login
form uses a double-submit token: a random cookie repeated in a hidden field.
"""

from __future__ import annotations

import base64
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from itsdangerous import BadSignature

from orderbridge.security import purpose_signer

SESSION_COOKIE = "ob_admin_session"
LOGIN_CSRF_COOKIE = "ob_admin_login_csrf"
SESSION_LIFETIME = timedelta(hours=12)
_PURPOSE = "orderbridge.dashboard.session.v1"
_CSRF_PURPOSE = "orderbridge.dashboard.csrf.v1"


@dataclass(frozen=True)
class Session:
    """A signed-in operator: which tenant, through which admin key, until when."""

    tenant_id: str
    key_id: str
    nonce: str
    expires_at: int  # Unix seconds

    def expired(self, now: datetime) -> bool:
        return now.timestamp() >= self.expires_at


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SessionSigner:
    """Signs and verifies session cookies and CSRF tokens with one derived key."""

    def __init__(self, secret_key: str) -> None:
        self._session = purpose_signer(secret_key, _PURPOSE)
        self._csrf = purpose_signer(secret_key, _CSRF_PURPOSE)

    def new_session(self, tenant_id: str, key_id: str, *, now: datetime) -> Session:
        expires = int((now + SESSION_LIFETIME).timestamp())
        return Session(tenant_id, key_id, secrets.token_urlsafe(16), expires)

    def dump(self, session: Session) -> str:
        """The cookie value of ``session``."""
        body = {"t": session.tenant_id, "k": session.key_id, "n": session.nonce}
        body["e"] = str(session.expires_at)
        payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode())
        return self._session.sign(payload).decode("ascii")

    def load(self, value: str | None, *, now: datetime) -> Session | None:
        """The session in a cookie value, or None if it is forged, malformed or expired."""
        if not value or value.count(".") != 1:
            return None
        try:
            payload = self._session.unsign(value).decode("ascii")
        except BadSignature:
            return None
        try:
            body = json.loads(_unb64(payload))
            session = Session(str(body["t"]), str(body["k"]), str(body["n"]), int(body["e"]))
        except (ValueError, KeyError, TypeError):
            return None
        return None if session.expired(now) else session

    def csrf_token(self, session: Session) -> str:
        """The CSRF token that POST forms of ``session`` must carry."""
        return self._csrf.get_signature(session.nonce).decode("ascii")

    def csrf_ok(self, session: Session, token: str) -> bool:
        return bool(token) and hmac.compare_digest(token, self.csrf_token(session))


def new_login_token() -> str:
    """A random double-submit token for the sign-in form."""
    return secrets.token_urlsafe(24)


def login_token_ok(cookie: str | None, field: str) -> bool:
    return bool(cookie) and bool(field) and hmac.compare_digest(cookie or "", field)
