"""Re-encrypting stored secrets under the current ``ORDERBRIDGE_SECRET_KEY``.

Rotating the secret key is three steps (docs/deploying.md, "Rotating the secret key"):
start every process with the new key in ``ORDERBRIDGE_SECRET_KEY`` and the old one in
``ORDERBRIDGE_OLD_SECRET_KEYS`` (everything still decrypts, new writes use the new
key); run ``orderbridge secrets rotate``, which re-encrypts every stored secret — the
connections' credentials and the webhook endpoints' signing secrets — under the new
key; then drop the old key. :func:`rotate_secrets` is that second step.

It is safe while the hub runs: each row is rewritten only if it still holds the token
that was read (a concurrent change — a refreshed token — wins, and that row is read
again), one short transaction per batch. A row no configured key can decrypt is left
alone and reported: dropping the old key then would lose it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import String, Table, bindparam, select, update
from sqlalchemy.orm import Session

from orderbridge.security import CredentialCipher, DecryptionError
from orderbridge.storage import tables as t

BATCH = 200


@dataclass
class RotationReport:
    """What :func:`rotate_secrets` did, per table: rows re-encrypted, rows it could not
    decrypt (their ids)."""

    rotated: dict[str, int] = field(default_factory=dict)
    unreadable: dict[str, list[str]] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every stored secret is now under the current key."""
        return not any(self.unreadable.values())


def rotate_secrets(sessions: Callable[[], Session], cipher: CredentialCipher) -> RotationReport:
    """Re-encrypt every connection's credentials and every webhook endpoint's secrets
    under ``cipher``'s current key (see the module docstring)."""
    report = RotationReport()
    for table, column in (
        (t.Connection.__table__, "credentials"),
        (t.WebhookEndpoint.__table__, "secrets"),
    ):
        assert isinstance(table, Table)
        rotated, unreadable = _rotate_table(sessions, cipher, table, column)
        report.rotated[table.name] = rotated
        report.unreadable[table.name] = unreadable
    return report


def _rotate_table(
    sessions: Callable[[], Session], cipher: CredentialCipher, table: Table, column: str
) -> tuple[int, list[str]]:
    ids_column, token_column = table.c.id, table.c[column]
    swap = (
        update(table)
        .where(ids_column == bindparam("row_id"), token_column == bindparam("old", type_=String))
        .values({column: bindparam("new", type_=String)})
    )
    rotated, unreadable = 0, []
    after = ""
    while True:
        with sessions() as session, session.begin():
            rows = session.execute(
                select(ids_column, token_column)
                .where(ids_column > after, token_column != "")
                .order_by(ids_column)
                .limit(BATCH)
            ).all()
            for row_id, token in rows:
                for _ in range(3):  # a concurrent change: read the row again
                    try:
                        new = cipher.rotate(token)
                    except DecryptionError:
                        unreadable.append(row_id)
                        break
                    params = {"row_id": row_id, "old": token, "new": new}
                    if session.connection().execute(swap, params).rowcount == 1:
                        rotated += 1
                        break
                    token = session.scalar(select(token_column).where(ids_column == row_id))
                    if not token:
                        break
        if len(rows) < BATCH:
            return rotated, unreadable
        after = rows[-1][0]
