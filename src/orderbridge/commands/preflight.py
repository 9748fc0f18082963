"""What ``serve`` and ``worker`` check before they start, and ``orderbridge check``
reports: the secret key, the database (reachable, migrated), the connections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from orderbridge.commands.errors import CONFIG_EXIT, NotReady, explain
from orderbridge.security import DecryptionError

if TYPE_CHECKING:
    from orderbridge.bootstrap import Hub
    from orderbridge.config import Settings


@dataclass(frozen=True)
class Finding:
    """One line of ``orderbridge check``."""

    ok: bool
    what: str
    said: str

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'}  {self.what}: {self.said}"


def refuse_development_key(settings: Settings, *, dev: bool) -> None:
    """``serve`` and ``worker`` do not start on the public development key (unless
    ``--dev``), nor ever on an example configuration's placeholder."""
    if settings.uses_development_key and not dev:
        raise NotReady(
            "refusing to start with the development secret key: set ORDERBRIDGE_SECRET_KEY "
            "(e.g. `openssl rand -hex 32`), or pass --dev on a development machine",
            CONFIG_EXIT,
        )
    if settings.uses_placeholder_key:
        raise NotReady(
            "refusing to start with the example's placeholder secret key (CHANGE-ME…): set "
            "ORDERBRIDGE_SECRET_KEY to your own (e.g. `openssl rand -hex 32`)",
            CONFIG_EXIT,
        )


def shown_url(url: str) -> str:
    """The database URL without its password."""
    return make_url(url).render_as_string(hide_password=True)


def database(hub: Hub) -> Finding:
    """Reachable, and at this version's revision."""
    # Read without Alembic, which would stay loaded in serve and worker for nothing.
    from orderbridge.storage.revisions import database_revision, head_revision

    where = shown_url(hub.settings.database_url)
    try:
        with hub.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            current = database_revision(conn)
    except Exception as error:
        return Finding(False, "database", f"{explain(error)[0]} ({where})")
    head = head_revision()
    if current != head:
        state = f"at revision {current}" if current else "empty"
        advice = f"this version needs {head}: run orderbridge db upgrade"
        return Finding(False, "database", f"{where} is {state}, {advice}")
    return Finding(True, "database", f"{where} (revision {current})")


def ready_to_serve(hub: Hub, *, dev: bool) -> None:
    """Raise ``NotReady`` unless ``serve``/``worker`` can start."""
    refuse_development_key(hub.settings, dev=dev)
    found = database(hub)
    if not found.ok:
        raise NotReady(found.said)


def secret(hub: Hub) -> Finding:
    """Not the development key, and it decrypts every stored credential."""
    from orderbridge.storage import tables as t

    if hub.settings.uses_development_key:
        return Finding(
            False, "secret key", "the public development key: set ORDERBRIDGE_SECRET_KEY"
        )
    if hub.settings.uses_placeholder_key:
        return Finding(False, "secret key", "the example's placeholder (CHANGE-ME…): set your own")
    with hub.sessions() as session:
        tokens = session.execute(select(t.Connection.id, t.Connection.credentials)).all()
    unreadable = []
    for connection_id, token in tokens:
        if not token:
            continue
        try:
            hub.cipher.decrypt(token)
        except DecryptionError:
            unreadable.append(connection_id)
    if unreadable:
        return Finding(
            False,
            "secret key",
            f"cannot decrypt the credentials of {', '.join(unreadable)}: set the key they "
            "were saved with (ORDERBRIDGE_SECRET_KEY or ORDERBRIDGE_OLD_SECRET_KEYS)",
        )
    return Finding(True, "secret key", f"set; decrypts the {len(tokens)} stored connection(s)")
