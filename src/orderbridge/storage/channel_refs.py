"""Which object of a channel is which object of the hub: the id map of channel connectors.

A channel the hub publishes to (Wix) gives every menu, section, item, variant, modifier
group and modifier it creates an id of its own, with a ``revision`` for optimistic
locking; orders the hub mirrors into it (POS orders imported into Wix) get ids too.
One row per (connection, kind, local id) keeps the channel's id and, in ``data``, what
else the connector needs (the revision, the menu last published). The hub's canonical
menu is not touched: writing channel ids into its ``refs`` would change its version
fingerprint and make every POS import look like a change.

:class:`SqlChannelRefs` is the store a connector is given, bound to one connection;
each call is its own short transaction, so a publish that stops half-way keeps the
ids of what it already created and the next run continues from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from orderbridge.domain.menu import Menu
from orderbridge.storage.codec_menu import menu_from_json, menu_to_json
from orderbridge.storage.db import Base
from orderbridge.storage.types import utcnow

PUBLISHED = "published_menu"


class ChannelRef(Base):
    """One hub object's id (and bookkeeping) in a channel connection's system."""

    __tablename__ = "channel_refs"
    __table_args__ = (Index("ix_channel_refs_external", "connection_id", "kind", "external_id"),)

    connection_id: Mapped[str] = mapped_column(
        String(64), ForeignKey("connections.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    local_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    external_id: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


@dataclass(frozen=True)
class Ref:
    """A stored mapping: the channel's id and its last known revision."""

    external_id: str
    revision: str | None = None


class SqlChannelRefs:
    """The id map of one channel connection (satisfies the Wix connector's ``RefStore``)."""

    def __init__(self, sessions: Callable[[], Session], connection_id: str) -> None:
        self._sessions = sessions
        self.connection_id = connection_id

    def get(self, kind: str, local_id: str) -> Ref | None:
        with self._sessions() as session:
            row = session.get(ChannelRef, (self.connection_id, kind, local_id))
            if row is None:
                return None
            revision = row.data.get("revision")
            return Ref(row.external_id, None if revision is None else str(revision))

    def put(self, kind: str, local_id: str, external_id: str, revision: str | None = None) -> None:
        self._write(kind, local_id, external_id, {"revision": revision})

    def drop(self, kind: str, local_id: str) -> None:
        with self._sessions() as session, session.begin():
            row = session.get(ChannelRef, (self.connection_id, kind, local_id))
            if row is not None:
                session.delete(row)

    def local_id(self, kind: str, external_id: str) -> str | None:
        """The hub's id of the channel's object, if the hub made or imported it."""
        with self._sessions() as session:
            return session.scalar(
                select(ChannelRef.local_id)
                .where(
                    ChannelRef.connection_id == self.connection_id,
                    ChannelRef.kind == kind,
                    ChannelRef.external_id == external_id,
                )
                .limit(1)
            )

    def published_menu(self, location_id: str) -> Menu | None:
        """The hub menu as last published to this channel (what the next diff starts from)."""
        with self._sessions() as session:
            row = session.get(ChannelRef, (self.connection_id, PUBLISHED, location_id))
            return menu_from_json(row.data["menu"]) if row is not None else None

    def save_published(self, menu: Menu) -> None:
        self._write(PUBLISHED, menu.location_id, menu.version, {"menu": menu_to_json(menu)})

    def _write(self, kind: str, local_id: str, external_id: str, data: dict[str, Any]) -> None:
        with self._sessions() as session, session.begin():
            row = session.get(ChannelRef, (self.connection_id, kind, local_id))
            if row is None:
                session.add(
                    ChannelRef(
                        connection_id=self.connection_id,
                        kind=kind,
                        local_id=local_id,
                        external_id=external_id,
                        data=data,
                        updated_at=utcnow(),
                    )
                )
            else:
                row.external_id = external_id
                row.data = data
                row.updated_at = utcnow()
