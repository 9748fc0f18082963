"""Which connection receives an account's webhooks, and with which secret they are signed.

Every inbound webhook names its account, and finding the connection means a query and
a Fernet decryption of its credentials: on the ingress's hot path that cost more than
storing the event. :class:`WebhookAccounts` keeps the answer in this process for
``ttl`` seconds (30 by default), with these rules:

* A connection changed in this process (created, new credentials or settings, the
  application removed …) empties the cache as soon as that change commits
  (:meth:`WebhookAccounts.watch`). A change made by another process (another API
  replica, the CLI) is seen within ``ttl``: a revoked secret still verifies webhooks
  for at most that long.
* A signature that does not verify against a cached secret is checked once more
  against a fresh read (``fresh=True``), so a rotated secret works at once.
* Unknown accounts are never cached: an account connected by another process must not
  have its events taken for an unconnected account's (acknowledged and dropped).
* Only the connection id and the signing secret are kept, never other credentials.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from orderbridge.security import CredentialCipher
from orderbridge.storage import tables as t
from orderbridge.storage.commit_hooks import invalidate_on_commit

DEFAULT_TTL_SECONDS = 30.0


@dataclass(frozen=True)
class WebhookAccount:
    """The connection an account's webhooks go to; ``secret`` signs them (None: unset)."""

    connection_id: str
    secret: SecretStr | None


class WebhookAccounts:
    """Account → :class:`WebhookAccount` for one kind of connection, cached (see module).

    ``signed_by`` names the credential holding the secret that signs the webhooks. An
    account is found by its login (``external_account``) and, failing that, by the
    ``account_number`` kept in the connection's settings (a renamed account).
    """

    def __init__(
        self,
        sessions: Callable[[], Session],
        cipher: CredentialCipher,
        *,
        kind: str,
        signed_by: str,
        ttl: float = DEFAULT_TTL_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if ttl < 0:
            raise ValueError("ttl must not be negative")
        self._sessions = sessions
        self._cipher = cipher
        self._kind = kind
        self._signed_by = signed_by
        self._ttl = ttl
        self._monotonic = monotonic
        self._guard = threading.Lock()
        self._generation = 0
        self._entries: dict[tuple[str, str], tuple[float, int, WebhookAccount]] = {}

    def find(self, account: str, number: str = "", *, fresh: bool = False) -> WebhookAccount | None:
        """The account's connection, from the cache unless ``fresh`` or expired."""
        key = (account, number)
        now = self._monotonic()
        if not fresh:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now and entry[1] == self._generation:
                return entry[2]
        # Read the generation before the database: an invalidation that lands while
        # this read runs makes the entry stale at once instead of keeping old data.
        generation = self._generation
        found = self._load(account, number)
        if found is None:
            self._entries.pop(key, None)
        else:
            self._entries[key] = (now + self._ttl, generation, found)
        return found

    def invalidate(self) -> None:
        """Forget every cached account (a connection changed)."""
        with self._guard:
            self._generation += 1
            self._entries.clear()

    def watch(self, sessions: sessionmaker[Session]) -> None:
        """Invalidate after each commit of ``sessions`` that changed a connection row."""
        invalidate_on_commit(sessions, (t.Connection,), self)

    def _load(self, account: str, number: str) -> WebhookAccount | None:
        columns = select(t.Connection.id, t.Connection.credentials, t.Connection.settings)
        with self._sessions() as session:
            row = session.execute(
                columns.where(
                    t.Connection.kind == self._kind, t.Connection.external_account == account
                ).limit(1)
            ).first()
            if row is None and number.isdigit():
                rows = session.execute(columns.where(t.Connection.kind == self._kind)).all()
                row = next((r for r in rows if r.settings.get("account_number") == number), None)
        if row is None:
            return None
        credentials = self._cipher.decrypt(row.credentials) if row.credentials else {}
        secret = credentials.get(self._signed_by)
        return WebhookAccount(
            connection_id=row.id,
            secret=SecretStr(secret) if isinstance(secret, str) and secret else None,
        )
